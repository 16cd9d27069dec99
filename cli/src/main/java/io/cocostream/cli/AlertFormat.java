package io.cocostream.cli;

import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.avro.ValidationAlert;

/** How {@code check} and {@code alerts} print an alert: one readable line, or one JSON object a line. */
enum AlertFormat {
    text,
    jsonl;

    /** The alert as one line of this format. */
    String line(ValidationAlert a) {
        if (this == jsonl) {
            return AvroJson.of(a).toString();
        }
        String place = a.getJsonPath() == null ? "" : " at " + a.getJsonPath()
                + (a.getLine() == null ? "" : " (line " + a.getLine() + ", column " + a.getColumn() + ")");
        return String.format("%-7s %-24s image %-8s annotation %-10s %s (expected %s, actual %s) [%s%s, batch %s]",
                a.getSeverity(), a.getRule(), a.getImageId(), a.getAnnotationId(), a.getMessage(), a.getExpected(),
                a.getActual(), a.getSourceFile(), place, a.getBatchId());
    }
}
