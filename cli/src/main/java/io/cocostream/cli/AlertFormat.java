package io.cocostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.schemas.avro.ValidationAlert;

/** How {@code check} and {@code alerts} print an alert: one readable line, or one JSON object a line. */
enum AlertFormat {
    text,
    jsonl;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The alert as one line of this format. */
    String line(ValidationAlert a) {
        if (this == jsonl) {
            ObjectNode n = JSON.createObjectNode().put("rule", a.getRule()).put("severity", a.getSeverity().name());
            if (a.getImageId() == null) {
                n.putNull("image_id");
            } else {
                n.put("image_id", a.getImageId());
            }
            if (a.getAnnotationId() == null) {
                n.putNull("annotation_id");
            } else {
                n.put("annotation_id", a.getAnnotationId());
            }
            n.put("kind", a.getKind()).put("message", a.getMessage()).put("expected", a.getExpected())
                    .put("actual", a.getActual()).put("source_file", a.getSourceFile()).put("json_path", a.getJsonPath())
                    .put("line", a.getLine()).put("column", a.getColumn()).put("batch_id", a.getBatchId())
                    .put("detected_at", a.getDetectedAt().toString());
            return n.toString();
        }
        String place = a.getJsonPath() == null ? "" : " at " + a.getJsonPath()
                + (a.getLine() == null ? "" : " (line " + a.getLine() + ", column " + a.getColumn() + ")");
        return String.format("%-7s %-24s image %-8s annotation %-10s %s (expected %s, actual %s) [%s%s, batch %s]",
                a.getSeverity(), a.getRule(), a.getImageId(), a.getAnnotationId(), a.getMessage(), a.getExpected(),
                a.getActual(), a.getSourceFile(), place, a.getBatchId());
    }
}
