package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.offline.OfflineCheck;
import io.cocostream.rules.RuleIds;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed copy of the shared instances, defects seeded at known annotations: {@code check} and
 * the topology attribute each to its image and annotation, and the delivery's report counts what
 * both found.
 */
class BatchReportsSystemTest {

    /** A seeded defect: the rule that must catch it, on that image and annotation. */
    record Seeded(String rule, long imageId, long annotationId) {}

    @Test
    void everySeededDefectIsAttributedAndTheReportCountsWhatCheckFinds(@TempDir Path dir) throws IOException {
        // Given the shared instances with five defects seeded
        ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
        ArrayNode anns = (ArrayNode) root.get("annotations");
        List<Seeded> seeded = new ArrayList<>();
        seed(anns, 0, seeded, RuleIds.AREA_POLYGON, a -> a.put("area", a.get("area").asDouble() * 1.05));
        seed(anns, 1, seeded, RuleIds.BBOX_INSIDE_IMAGE, a -> ((ArrayNode) a.get("bbox")).set(0, 4000.0));
        seed(anns, 2, seeded, RuleIds.CATEGORY_EXISTS, a -> a.put("category_id", 999));
        seed(anns, 3, seeded, RuleIds.BBOX_DEGENERATE, a -> ((ArrayNode) a.get("bbox")).set(3, 0.5));
        ObjectNode copy = ((ObjectNode) anns.get(4).deepCopy()).put("id", 900_000_004L);
        anns.add(copy);
        seeded.add(new Seeded(RuleIds.ANNOTATION_NEAR_DUPLICATE, copy.get("image_id").asLong(), 900_000_004L));
        Path file = dir.resolve("vendor-delivery.json");
        SharedData.JSON.writeValue(file.toFile(), root);

        // When it is checked offline and ingested into the topology
        List<ValidationAlert> offline = new ArrayList<>();
        OfflineCheck.run(file, null, Tolerances.DEFAULT, offline::add);
        Ingest.Result result;
        List<ValidationAlert> live;
        BatchReport report;
        try (Driver d = new Driver()) {
            result = Deliveries.ingest(d, file, null);
            d.driver.advanceWallClockTime(Validate.CATEGORY_GRACE.plusSeconds(1));
            live = d.alerts();
            report = d.reports().get(result.batchId());
        }

        // Then both name every seeded defect's image and annotation
        for (Seeded s : seeded) {
            for (Map.Entry<String, List<ValidationAlert>> found : Map.of("check", offline, "topology", live).entrySet()) {
                assertTrue(found.getValue().stream().anyMatch(a -> a.getRule().equals(s.rule())
                        && a.getImageId() == s.imageId() && a.getAnnotationId() == s.annotationId()),
                        s + " not found by " + found.getKey() + ": " + found.getValue());
            }
        }
        assertEquals(counts(offline, null), counts(live, null), "the topology finds what check finds");

        // And the report says so: validated, every image, each rule's count
        assertEquals(ReportStatus.VALIDATED, report.getStatus(), report.toString());
        assertEquals(root.get("images").size(), report.getImages());
        assertEquals(root.get("images").size(), report.getImagesValidated());
        assertEquals(anns.size(), report.getAnnotationsValidated());
        assertEquals(counts(live, Severity.ERROR), new TreeMap<>(report.getErrors()));
        assertEquals(counts(live, Severity.WARNING), new TreeMap<>(report.getWarnings()));
        // INVALID as the image's view says: an unknown category is alerted after its grace, not counted in a status
        long invalidImages = live.stream().filter(a -> a.getSeverity() == Severity.ERROR
                && !a.getRule().equals(RuleIds.CATEGORY_EXISTS)).map(ValidationAlert::getImageId).distinct().count();
        assertEquals(invalidImages, report.getImagesInvalid());
        assertEquals("vendor-delivery.json", report.getSourceFile());
        assertEquals(unusedCategories(root), new TreeSet<>(report.getCategoriesWithoutInstances()), report.getCategoryIds() + " " + report.getInstancesPerCategory());
        ValidationAlert example = report.getExamples().get(RuleIds.BBOX_INSIDE_IMAGE).get(0);
        assertEquals(List.of(seeded.get(1).imageId(), seeded.get(1).annotationId()),
                List.of(example.getImageId(), example.getAnnotationId()));
    }

    private static void seed(ArrayNode anns, int polygon, List<Seeded> seeded, String rule,
            java.util.function.Consumer<ObjectNode> change) {
        int seen = -1;
        for (JsonNode a : anns) {
            if (a.get("iscrowd").asInt() == 0 && ++seen == polygon) {
                change.accept((ObjectNode) a);
                seeded.add(new Seeded(rule, a.get("image_id").asLong(), a.get("id").asLong()));
                return;
            }
        }
        throw new AssertionError("no polygon annotation " + polygon);
    }

    /** Alerts per rule (of one severity, or all). */
    private static Map<String, Long> counts(List<ValidationAlert> alerts, Severity severity) {
        Map<String, Long> m = new TreeMap<>();
        alerts.stream().filter(a -> severity == null || a.getSeverity() == severity)
                .forEach(a -> m.merge(a.getRule(), 1L, Long::sum));
        return m;
    }

    /** The declared categories no annotation of the file uses (an unknown category used is no declared one). */
    private static TreeSet<Integer> unusedCategories(JsonNode root) {
        TreeSet<Integer> ids = new TreeSet<>();
        root.get("categories").forEach(c -> ids.add(c.get("id").asInt()));
        root.get("annotations").forEach(a -> ids.remove(a.get("category_id").asInt()));
        return ids;
    }
}
