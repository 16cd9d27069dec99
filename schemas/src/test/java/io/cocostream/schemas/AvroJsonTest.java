package io.cocostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    @Test
    void aRecordIsPlainJsonWithUnionsUnwrappedAndTimestampsInIso() {
        ValidationAlert a = ValidationAlert.newBuilder().setRule("bbox.mask").setSeverity(Severity.ERROR).setImageId(5L)
                .setAnnotationId(null).setMessage("m").setDetectedAt(Instant.parse("2026-12-01T10:00:00Z")).setLine(3)
                .build();
        BatchReport r = BatchReport.newBuilder().setBatchId("b").setStatus(ReportStatus.VALIDATED)
                .setErrors(Map.of("bbox.mask", 2L)).setExamples(Map.of("bbox.mask", List.of(a)))
                .setCategoryIds(List.of(1, 2)).setUpdatedAt(Instant.EPOCH).build();
        ObjectNode j = AvroJson.of(r);
        assertEquals("VALIDATED", j.get("status").asText());
        assertEquals(2, j.get("errors").get("bbox.mask").asLong());
        assertEquals("[1,2]", j.get("category_ids").toString());
        assertEquals("1970-01-01T00:00:00Z", j.get("updated_at").asText());
        assertTrue(j.get("validated_at").isNull());
        ObjectNode alert = (ObjectNode) j.get("examples").get("bbox.mask").get(0);
        assertEquals(5, alert.get("image_id").asLong());
        assertTrue(alert.get("annotation_id").isNull());
        assertEquals(3, alert.get("line").asInt());
        assertEquals("2026-12-01T10:00:00Z", alert.get("detected_at").asText());
        List<String> names = new java.util.ArrayList<>();
        alert.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("rule", "severity", "image_id"), names.subList(0, 3), "in schema order");
    }
}
