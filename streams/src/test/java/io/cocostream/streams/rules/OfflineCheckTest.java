package io.cocostream.streams.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.mask.SharedData;
import io.cocostream.schemas.avro.ValidationAlert;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        "stuff/cocostuffapi__stuff_examples.json",
        "panoptic/panopticapi__panoptic_coco_detection_format.json",
    })
    void officialDataRaisesNoError(String relative) throws IOException {
        List<ValidationAlert> alerts = check(SharedData.coco().resolve(relative));
        assertEquals(List.of(), alerts.stream().map(a -> a.getRule() + ": " + a.getMessage() + " " + a.getActual()).toList());
    }

    /** A copy of the real instances file with one annotation changed by {@code change}. */
    static Path mutated(Path dir, int index, Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
        change.accept((ObjectNode) root.get("annotations").get(index));
        Path f = dir.resolve("mutated.json");
        SharedData.JSON.writeValue(f.toFile(), root);
        return f;
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
                default -> throw new AssertionError(change);
            }
        });
        List<ValidationAlert> alerts = check(f);
        assertTrue(alerts.stream().anyMatch(x -> x.getRule().equals(rule)), change + " -> " + alerts);
        long annotationId = SharedData.readJson("instances/instances_val2017_mini.json").get("annotations").get(i).get("id").asLong();
        assertTrue(alerts.stream().allMatch(x -> x.getAnnotationId() == annotationId), "only the changed annotation: " + alerts);
    }
}
