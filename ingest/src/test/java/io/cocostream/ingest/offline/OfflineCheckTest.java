package io.cocostream.ingest.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.ingest.FailuresTest;
import io.cocostream.rules.RuleIds;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real COCO raises no error; each kind of change to it is caught by its rule. */
class OfflineCheckTest {

    static List<ValidationAlert> check(Path file) throws IOException {
        List<ValidationAlert> alerts = new ArrayList<>();
        OfflineCheck.run(file, null, Tolerances.DEFAULT, alerts::add);
        return alerts;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "instances/instances_val2017_mini.json",
        // 100 val2014 images with their crowd annotations: calibrates the crowd area bound too.
        "results/faster_coco_eval__instances_val2014_100.json",
        "stuff/cocostuffapi__stuff_examples.json",
        "panoptic/panopticapi__panoptic_coco_detection_format.json",
        "person_keypoints/person_keypoints_val2017_mini.json",
        "captions/captions_val2017_mini.json",
        "captions/captions_val2017.json",
        "panoptic/panopticapi__panoptic_examples.json",
    })
    void officialDataRaisesNoError(String relative) throws IOException {
        List<ValidationAlert> alerts = check(SharedData.coco().resolve(relative));
        assertEquals(List.of(), alerts.stream().filter(a -> a.getSeverity() == Severity.ERROR)
                .map(a -> a.getRule() + ": " + a.getMessage() + " " + a.getActual()).toList());
        // The only warnings real COCO earns: the 8 repeated captions of captions_val2017, and one
        // thin object's 22:1 box in instances_val2017_mini; no near duplicate, no degenerate box.
        assertTrue(alerts.stream().allMatch(a -> a.getRule().equals(RuleIds.CAPTIONS_DUPLICATE)
                || a.getRule().equals(RuleIds.BBOX_ASPECT_RATIO)), alerts.toString());
        assertTrue(alerts.stream().filter(a -> a.getRule().equals(RuleIds.BBOX_ASPECT_RATIO)).count() <= 1, alerts.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void syntheticDataOfEveryKindRaisesNoError(Kind kind, @TempDir Path dir) throws IOException {
        Path f = dir.resolve(kind.id() + ".json");
        Synth.write(kind, 60, 11, f);
        List<ValidationAlert> errors = check(f).stream().filter(a -> a.getSeverity() == Severity.ERROR).toList();
        assertEquals(List.of(), errors);
    }

    /** A copy of the real instances file with one annotation changed by {@code change}. */
    static Path mutated(Path dir, int index, Consumer<ObjectNode> change) throws IOException {
        return mutated(dir, "instances/instances_val2017_mini.json", index, change);
    }

    /** A copy of a real file (beside its PNG folder, for panoptic) with one annotation changed. */
    static Path mutated(Path dir, String relative, int index, Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) SharedData.readJson(relative);
        change.accept((ObjectNode) root.get("annotations").get(index));
        Path f = dir.resolve("mutated.json");
        SharedData.JSON.writeValue(f.toFile(), root);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "visibility 3, keypoints.visibility",
        "unlabeled not at zero, keypoints.unlabeled-zero",
        "num_keypoints off, keypoints.count",
        "keypoint far away, keypoints.near-bbox",
        "keypoint outside image, keypoints.inside-image",
        "keypoints truncated, keypoints.length",
    })
    void keypointChangesAreCaught(String change, String rule, @TempDir Path dir) throws IOException {
        String file = "person_keypoints/person_keypoints_val2017_mini.json";
        JsonNode anns = SharedData.readJson(file).get("annotations");
        int i = 0;
        while (anns.get(i).get("num_keypoints").asInt() < 3 || anns.get(i).get("iscrowd").asInt() == 1) {
            i++;
        }
        ArrayNode kp0 = (ArrayNode) anns.get(i).get("keypoints");
        int labeled = 0;
        int unlabeled = 0;
        for (int k = 0; k < kp0.size(); k += 3) {
            if (kp0.get(k + 2).asInt() > 0 && labeled == 0) {
                labeled = k;
            } else if (kp0.get(k + 2).asInt() == 0) {
                unlabeled = k;
            }
        }
        int l = labeled;
        int u = unlabeled;
        Path f = mutated(dir, file, i, a -> {
            ArrayNode kp = (ArrayNode) a.get("keypoints");
            switch (change) {
                case "visibility 3" -> kp.set(l + 2, 3);
                case "unlabeled not at zero" -> kp.set(u, 12);
                case "num_keypoints off" -> a.put("num_keypoints", a.get("num_keypoints").asInt() + 1);
                case "keypoint far away" -> kp.set(l, kp.get(l).asDouble() > 320 ? 1 : 639);
                case "keypoint outside image" -> kp.set(l + 1, 5000);
                case "keypoints truncated" -> {
                    kp.remove(kp.size() - 1);
                    kp.remove(kp.size() - 1);
                    kp.remove(kp.size() - 1);
                }
                default -> throw new AssertionError(change);
            }
        });
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals(rule)), change + " -> " + alerts);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"duplicate, captions.duplicate", "empty, captions.empty"})
    void captionChangesAreCaught(String change, String rule, @TempDir Path dir) throws IOException {
        String file = "captions/captions_val2017_mini.json";
        JsonNode anns = SharedData.readJson(file).get("annotations");
        long image = anns.get(0).get("image_id").asLong();
        String other = null;
        for (JsonNode a : anns) {
            if (a.get("image_id").asLong() == image && a != anns.get(0)) {
                other = a.get("caption").asText();
            }
        }
        String same = other;
        Path f = mutated(dir, file, 0, a -> a.put("caption", change.equals("empty") ? " " : same));
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals(rule)), change + " -> " + alerts);
    }

    /** The first polygon (or crowd) annotation's index. */
    static int first(boolean crowd) {
        JsonNode anns = SharedData.readJson("instances/instances_val2017_mini.json").get("annotations");
        for (int i = 0; i < anns.size(); i++) {
            if (anns.get(i).get("iscrowd").asInt() == (crowd ? 1 : 0)) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "area +1%, area.polygon, false",
        "bbox x +2, bbox.polygon-extent, false",
        "vertex moved, area.polygon, false",
        "unknown category, category.exists, false",
        "crowd area halved, area.mask, true",
        "crowd bbox shifted, bbox.mask, true",
        "bbox outside image, bbox.inside-image, false",
        "crowd as polygon, segmentation.crowd-form, false",
        "bbox half a pixel high, bbox.degenerate, false",
        "bbox 30 to 1, bbox.aspect-ratio, false",
    })
    void aChangeIsCaughtByItsRule(String change, String rule, boolean crowd, @TempDir Path dir) throws IOException {
        int i = first(crowd);
        Path f = mutated(dir, i, a -> {
            ArrayNode bbox = (ArrayNode) a.get("bbox");
            switch (change) {
                case "area +1%" -> a.put("area", a.get("area").asDouble() * 1.01);
                case "bbox x +2" -> bbox.set(0, bbox.get(0).asDouble() + 2);
                case "vertex moved" -> {
                    ArrayNode poly = (ArrayNode) a.get("segmentation").get(0);
                    poly.set(0, poly.get(0).asDouble() + 25);
                }
                case "unknown category" -> a.put("category_id", 999);
                case "crowd area halved" -> a.put("area", a.get("area").asDouble() / 3);
                case "crowd bbox shifted" -> bbox.set(1, bbox.get(1).asDouble() + 3);
                case "bbox outside image" -> bbox.set(0, 5000.0);
                case "crowd as polygon" -> a.put("iscrowd", 1);
                case "bbox half a pixel high" -> bbox.set(3, 0.5);
                case "bbox 30 to 1" -> bbox.set(2, bbox.get(3).asDouble() * 30);
                default -> throw new AssertionError(change);
            }
        });
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals(rule)), change + " -> " + alerts);
        long annotationId = SharedData.readJson("instances/instances_val2017_mini.json").get("annotations").get(i).get("id").asLong();
        List<String> before = check(SharedData.coco().resolve("instances/instances_val2017_mini.json")).stream()
                .map(x -> x.getRule() + "/" + x.getAnnotationId()).toList();
        assertTrue(alerts.stream().filter(x -> !before.contains(x.getRule() + "/" + x.getAnnotationId()))
                .allMatch(x -> x.getAnnotationId() == annotationId), "only the changed annotation: " + alerts);
    }

    @Test
    void aCopiedAnnotationIsANearDuplicateOfItsOriginalNamedOnTheCopy(@TempDir Path dir) throws IOException {
        ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
        ArrayNode anns = (ArrayNode) root.get("annotations");
        ObjectNode original = (ObjectNode) anns.get(first(false));
        ObjectNode copy = original.deepCopy().put("id", 900_000_001L);
        anns.add(copy);
        Path f = dir.resolve("copied.json");
        SharedData.JSON.writeValue(f.toFile(), root);
        List<ValidationAlert> dups = check(f).stream().filter(a -> a.getRule().equals(RuleIds.ANNOTATION_NEAR_DUPLICATE))
                .toList();
        assertEquals(1, dups.size(), dups.toString());
        assertEquals(900_000_001L, dups.get(0).getAnnotationId());
        assertEquals(original.get("image_id").asLong(), dups.get(0).getImageId());
        assertEquals(Severity.WARNING, dups.get(0).getSeverity());
        assertTrue(dups.get(0).getMessage().contains("annotation " + original.get("id").asLong()), dups.get(0).getMessage());
    }

    @Test
    void anImageTooLargeForAMaskIsReportedAndTheCheckGoesOn(@TempDir Path dir) throws IOException {
        String poly = "\"segmentation\": [[1, 1, 8, 1, 4, 7]], \"bbox\": [1, 1, 7, 6]";
        Path f = Files.writeString(dir.resolve("huge.json"), "{\"images\": [{\"id\": 1, \"width\": 50000, \"height\": 50000},"
                + " {\"id\": 2, \"width\": 10, \"height\": 10}],\n\"annotations\": ["
                + "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 21, " + poly + "},\n"
                + "{\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"area\": 99, " + poly + "}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(a -> a.getImageId() == 1 && a.getRule().equals("area.mask")), alerts.toString());
        assertTrue(alerts.stream().anyMatch(a -> a.getImageId() == 2 && a.getRule().equals("area.polygon")),
                "the next image is checked too: " + alerts);
    }

    @Test
    void checkIsBoundedLikeIngestAnImageOfTooManyAnnotationsIsOneError(@TempDir Path dir) throws IOException {
        Path f = FailuresTest.crowdedImage(dir, 200_000);
        List<ValidationAlert> alerts = check(f);
        assertEquals(1, alerts.size(), "one error, not 200,000 checks held in memory");
        assertEquals("format", alerts.get(0).getRule());
        assertTrue(alerts.get(0).getMessage().contains("200000 annotations"), alerts.get(0).getMessage());
    }

    @Test
    void aFormatProblemNamesItsImageAnnotationAndPlaceAsFields(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("typo.json"), "{\"images\": [{\"id\": 7, \"width\": 10, \"height\": 10}],\n\"annotations\": [\n"
                + "{\"id\": 70, \"image_id\": 7, \"category_id\": \"one\", \"area\": 21, \"bbox\": [1, 1, 7, 6],"
                + " \"segmentation\": [[1, 1, 8, 1, 4, 7]]}], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        List<ValidationAlert> alerts = check(f);
        assertEquals(1, alerts.size(), alerts.toString());
        ValidationAlert a = alerts.get(0);
        assertEquals("format", a.getRule());
        assertEquals(7L, a.getImageId(), "read from the raw JSON though another field of it is broken");
        assertEquals(70L, a.getAnnotationId());
        assertEquals("$.annotations[0].category_id", a.getJsonPath());
        assertEquals(3, a.getLine());
        assertEquals("instances", a.getKind());
        assertTrue(a.getMessage().startsWith("expected an integer"), "what is wrong, not where: " + a.getMessage());
        assertEquals(null, a.getActual(), "the raw JSON stays in the dead letter");
    }

    @Test
    void aBrokenImageRecordIsOneErrorNotOnePerAnnotation(@TempDir Path dir) throws IOException {
        StringBuilder anns = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            anns.append(i == 1 ? "" : ",\n").append("{\"id\": ").append(i).append(", \"image_id\": 3, \"category_id\": 1,"
                    + " \"area\": 21, \"bbox\": [1, 1, 7, 6], \"segmentation\": [[1, 1, 8, 1, 4, 7]]}");
        }
        Path f = Files.writeString(dir.resolve("image-typo.json"), "{\"images\": [{\"id\": 1, \"width\": 10, \"height\": 10}, {\"id\": 2, \"width\": 10,"
                + " \"height\": 10},\n {\"id\": 3, \"width\": 10, \"height\": \"ten\"}],\n\"annotations\": [" + anns
                + "], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        List<ValidationAlert> alerts = check(f);
        assertEquals(1, alerts.size(), "one root cause, one error: " + alerts);
        ValidationAlert a = alerts.get(0);
        assertEquals(3L, a.getImageId());
        assertEquals("$.images[2].height", a.getJsonPath());
        assertTrue(a.getMessage().contains("its 25 annotations were left out with it"), a.getMessage());
    }

    @Test
    void aMalformedFileSaysWhatWasExpectedWithoutTheParsersInternals(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m.json"), "{\"images\": [{\"id\": 1 \"width\": 10}]}");
        ValidationAlert a = check(f).get(0);
        assertTrue(a.getMessage().contains("was expecting comma"), a.getMessage());
        assertTrue(!a.getMessage().contains("Source") && !a.getMessage().contains("REDACTED"), a.getMessage());
        assertEquals(1, a.getLine());
        assertTrue(a.getColumn() > 20, String.valueOf(a.getColumn()));
    }

    @Test
    void anImageWithTooFewCaptionsIsCaught(@TempDir Path dir) throws IOException {
        ObjectNode root = (ObjectNode) SharedData.readJson("captions/captions_val2017_mini.json");
        ArrayNode anns = (ArrayNode) root.get("annotations");
        long image = anns.get(0).get("image_id").asLong();
        for (int i = anns.size() - 1; i >= 0; i--) {
            if (anns.get(i).get("image_id").asLong() == image && anns.get(i) != anns.get(0)) {
                anns.remove(i);
            }
        }
        Path f = dir.resolve("few.json");
        SharedData.JSON.writeValue(f.toFile(), root);
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(a -> a.getRule().equals("captions.count") && a.getImageId() == image),
                alerts.toString());
    }

    @Test
    void panopticSegmentChangesAreCaught(@TempDir Path dir) throws IOException {
        Path pngs = SharedData.coco().resolve("panoptic/panopticapi__panoptic_examples");
        ObjectNode root = (ObjectNode) SharedData.readJson("panoptic/panopticapi__panoptic_examples.json");
        ObjectNode images = (ObjectNode) SharedData.readJson("panoptic/panopticapi__images_info_examples.json");
        root.set("images", images.get("images"));
        ArrayNode segs = (ArrayNode) root.get("annotations").get(0).get("segments_info");
        ((ObjectNode) segs.get(0)).put("area", segs.get(0).get("area").asDouble() + 40);
        segs.remove(1);
        Path f = dir.resolve("pan.json");
        SharedData.JSON.writeValue(f.toFile(), root);
        List<ValidationAlert> alerts = new ArrayList<>();
        OfflineCheck.run(f, pngs, Tolerances.DEFAULT, alerts::add);
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals("area.mask")), alerts.toString());
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals("panoptic.png-in-segments")), alerts.toString());
    }
}
