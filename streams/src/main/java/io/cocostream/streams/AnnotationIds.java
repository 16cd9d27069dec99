package io.cocostream.streams;

import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which image owns each annotation id of a kind, keyed {@code <kind>/<id>} after a repartition by
 * annotation id: an id another image already holds is alerted ({@code annotation.id-unique}); the
 * first owner keeps it until its view lets it go. The store also answers {@code loadAnns}.
 */
final class AnnotationIds implements Processor<String, AnnotationRef, Long, Out> {
    private ProcessorContext<Long, Out> context;
    private KeyValueStore<String, AnnotationRef> owners;

    @Override
    public void init(ProcessorContext<Long, Out> context) {
        this.context = context;
        this.owners = context.getStateStore(Stores.ANNOTATION_IDS);
    }

    @Override
    public void process(Record<String, AnnotationRef> r) {
        AnnotationRef ref = r.value();
        if (ref == null) {
            return;
        }
        AnnotationRef owner = owners.get(r.key());
        boolean sameImage = owner != null && owner.getImageId() == ref.getImageId();
        if (!ref.getPresent()) {
            if (sameImage) {
                owners.delete(r.key());
            }
        } else if (owner == null || sameImage) {
            owners.put(r.key(), ref);
        } else {
            ValidationAlert a = ValidationAlert.newBuilder().setRule(RuleIds.ANNOTATION_ID_UNIQUE).setSeverity(Severity.ERROR)
                    .setImageId(ref.getImageId()).setAnnotationId(ref.getAnnotationId())
                    .setExpected("an id no other image uses").setActual("image " + owner.getImageId())
                    .setMessage(ref.getKind() + " annotation id " + ref.getAnnotationId() + " already belongs to image "
                            + owner.getImageId() + " (batch " + owner.getBatchId() + ")")
                    .setKind(ref.getKind()).setBatchId(ref.getBatchId())
                    .setDetectedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
            context.forward(new Record<>(ref.getImageId(), new Out.Alert(a), r.timestamp()));
        }
    }
}
