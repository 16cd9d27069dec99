package io.cocostream.streams;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What flows between the topology's processors inside one sub-topology (never serialized): the
 * processors emit several kinds of output, and named branches route each to its sink.
 */
sealed interface Out {
    /** A validation finding for {@code coco.alerts.v1}. */
    record Alert(ValidationAlert alert) implements Out {}

    /**
     * One kind's part of an image for the views: an {@code InstanceView} (instances, stuff), a
     * {@code PanopticView}, or a raw keypoints or captions event; with the part's status and the
     * ids of its annotations an error marks INVALID.
     */
    record Part(Kind kind, SpecificRecord value, ValidationStatus status, List<Long> invalid) implements Out {}

    /** What one validated event adds to its batch's report. */
    record Tally(BatchDelta delta) implements Out {}

    /** A retraction for the views to act on. */
    record Retract(Retraction retraction) implements Out {}

    /** A view's new value for {@code topic}; null is a tombstone. */
    record View(String topic, SpecificRecord value) implements Out {}

    /** A run's results view of an image for {@code coco.results-view.v1} (key {@code <run>/<image id>}); null is a tombstone. */
    record RunView(String key, ResultsView value) implements Out {}

    /** An annotation id that entered or left an image's view, for the cross-image id check. */
    record Ref(AnnotationRef ref) implements Out {}
}
