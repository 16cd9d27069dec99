package io.cocostream.rules;

import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Instant;

/** What ingest dead-letters, as the {@code format} alert QA sees: what is wrong, of which image and annotation, and where. */
public final class FormatAlerts {
    /** The stage of the dead letters ingest writes (the topology's own name their processor). */
    public static final String INGEST_STAGE = "ingest";

    private FormatAlerts() {}

    /** The alert of an ingest dead letter; the raw JSON stays in the dead letter. */
    public static ValidationAlert of(DeadLetter d) {
        return ValidationAlert.newBuilder().setRule(RuleIds.FORMAT).setSeverity(Severity.ERROR)
                .setImageId(d.getImageId()).setAnnotationId(d.getAnnotationId()).setMessage(d.getReason())
                .setJsonPath(d.getJsonPath()).setLine(d.getLine()).setColumn(d.getColumn()).setKind(d.getKind())
                .setSourceFile(d.getSourceFile()).setBatchId(d.getBatchId()).setDetectedAt(Instant.now()).build();
    }
}
