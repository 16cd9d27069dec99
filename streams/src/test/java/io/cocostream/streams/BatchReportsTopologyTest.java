package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.RuleCases;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A delivery's report on coco.batch-reports.v1 as the topology validates it. */
class BatchReportsTopologyTest {
    private Driver d;

    @BeforeEach
    void start() throws IOException {
        d = new Driver();
        RuleCases.categories("").forEach((key, c) -> d.pipe(Topics.CATEGORIES, key, c));
    }

    @AfterEach
    void stop() {
        d.close();
    }

    /** Batch b's manifest: {@code events} instance events published, categories 1 and 2 declared. */
    private static BatchManifest manifest(BatchStatus status, long events) {
        return BatchManifest.newBuilder().setBatchId("b").setSourceFile("f.json").setSha256("00").setSizeBytes(1)
                .setKind("instances").setProducer("vendor").setStartedAt(Instant.EPOCH).setCompletedAt(Instant.EPOCH)
                .setStatus(status).setImages(events).setAnnotations(4).setCategories(2).setDeadLetters(0)
                .setRecordsPerTopic(status == BatchStatus.IN_PROGRESS ? Map.of() : Map.of(Topics.INSTANCES, events))
                .setCategoryIds(List.of(1, 2)).build();
    }

    private static InstancesEvent image(long id, String rule) {
        InstancesEvent e = RuleCases.instances("polygon", rule);
        e.setImageId(id);
        e.getImage().setId(id);
        e.getAnnotations().forEach(a -> {
            a.setImageId(id);
            a.setId(id * 10);
        });
        return e;
    }

    @Test
    void aDeliveryIsValidatingUntilItsFinalManifestAndEveryEventThenValidatedWithItsCounts() {
        // Given a delivery's first chunk, one image with an error and one with a warning
        d.pipe(Topics.BATCHES, "b", manifest(BatchStatus.IN_PROGRESS, 2));
        d.pipe(Topics.INSTANCES, 1L, image(1, "area.polygon"));
        d.pipe(Topics.INSTANCES, 2L, image(2, "bbox.degenerate"));
        // Then it is validating, with what came so far
        BatchReport r = d.reports().get("b");
        assertEquals(ReportStatus.VALIDATING, r.getStatus());
        assertEquals(2, r.getImagesValidated());
        assertNull(r.getValidatedAt());

        // When its last image and final manifest come
        d.pipe(Topics.INSTANCES, 3L, image(3, ""));
        d.pipe(Topics.BATCHES, "b", manifest(BatchStatus.COMPLETE, 3));

        // Then it is validated, and says what QA needs to know
        r = d.reports().get("b");
        assertEquals(ReportStatus.VALIDATED, r.getStatus());
        assertEquals("f.json", r.getSourceFile());
        assertEquals("instances", r.getKind());
        assertEquals("vendor", r.getProducer());
        assertEquals(3, r.getImages());
        assertEquals(3L, r.getEvents());
        assertEquals(3, r.getImagesValidated());
        assertEquals(3, r.getAnnotationsValidated());
        assertEquals(1, r.getImagesInvalid(), "the image with an error");
        assertEquals(Map.of(RuleIds.AREA_POLYGON, 1L), r.getErrors());
        assertEquals(Map.of(RuleIds.BBOX_DEGENERATE, 1L), r.getWarnings());
        ValidationAlert example = r.getExamples().get(RuleIds.AREA_POLYGON).get(0);
        assertEquals(List.of(1L, 10L), List.of(example.getImageId(), example.getAnnotationId()));
        assertEquals(Map.of("1", 3L), r.getInstancesPerCategory());
        assertEquals(List.of(2), r.getCategoriesWithoutInstances(), "category 2 is declared and never used");
        assertEquals(Map.of(RuleIds.CATEGORY_WITHOUT_INSTANCES, 1L), r.getInfos());
        assertNotNull(r.getValidatedAt());
        assertTrue(r.getValidationMs() >= 0, r.toString());
    }

    @Test
    void examplesAreTheFirstThreeOfARuleAndCountsKeepCounting() {
        d.pipe(Topics.BATCHES, "b", manifest(BatchStatus.COMPLETE, 5));
        for (long id = 1; id <= 5; id++) {
            d.pipe(Topics.INSTANCES, id, image(id, "area.polygon"));
        }
        BatchReport r = d.reports().get("b");
        assertEquals(ReportStatus.VALIDATED, r.getStatus());
        assertEquals(5L, r.getErrors().get(RuleIds.AREA_POLYGON));
        assertEquals(List.of(1L, 2L, 3L), r.getExamples().get(RuleIds.AREA_POLYGON).stream()
                .map(ValidationAlert::getImageId).toList());
        // The API reads the report from its store with the same examples; the stored report holds none itself
        BatchReport stored = (BatchReport) d.driver.getKeyValueStore(Stores.BATCH_REPORTS).get("b");
        assertEquals(Map.of(), stored.getExamples());
        assertEquals(List.of(r), d.stores().reports());
    }

    @Test
    void aFailedDeliveryIsFailedWithItsFormatErrorsCounted() {
        DeadLetter broken = DeadLetter.newBuilder().setStage("ingest").setSourceFile("f.json").setBatchId("b")
                .setReason("unexpected end of file").setJsonPath("$.annotations[3]").setLine(9).setColumn(2)
                .setKind("instances").setOccurredAt(Instant.EPOCH).build();
        d.pipe(Topics.DEAD_LETTERS, null, broken);
        BatchManifest failed = manifest(BatchStatus.FAILED, 0);
        failed.setDeadLetters(1);
        d.pipe(Topics.BATCHES, "b", failed);
        BatchReport r = d.reports().get("b");
        assertEquals(ReportStatus.FAILED, r.getStatus());
        assertEquals(1, r.getDeadLetters());
        assertEquals(Map.of(RuleIds.FORMAT, 1L), r.getErrors());
        assertEquals(Severity.ERROR, r.getExamples().get(RuleIds.FORMAT).get(0).getSeverity());
        assertEquals(9, r.getExamples().get(RuleIds.FORMAT).get(0).getLine());
    }

    @Test
    void aReportIsForwardedWhenItsStatusChangesAndOtherwiseAtMostOncePerInterval() {
        d.pipe(Topics.BATCHES, "b", manifest(BatchStatus.IN_PROGRESS, 0));
        for (long id = 1; id <= 50; id++) {
            d.pipe(Topics.INSTANCES, id, image(id, ""));
        }
        // RECEIVED and VALIDATING at once; the 49 other tallies within one interval: one report
        List<ReportStatus> written = d.readReports().stream().map(BatchReport::getStatus).toList();
        assertEquals(List.of(ReportStatus.RECEIVED, ReportStatus.VALIDATING), written);
        d.driver.advanceWallClockTime(BatchReports.EMIT_EVERY);
        List<BatchReport> next = d.readReports();
        assertEquals(1, next.size(), next.toString());
        assertEquals(50, next.get(0).getImagesValidated());
        d.driver.advanceWallClockTime(BatchReports.EMIT_EVERY);
        assertEquals(List.of(), d.readReports(), "nothing changed, nothing written");
    }
}
