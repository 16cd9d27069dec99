package io.cocostream.schemas;

import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.DensePoseEvent;
import io.cocostream.schemas.avro.Evaluation;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.ResultsEvent;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.StuffEvent;
import io.cocostream.schemas.avro.ValidationAlert;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The public topic contract: every topic cocostream reads or writes, in one place. Names are
 * {@code coco.<entity>.v<N>}; everything keyed by image id uses the same partition count so that
 * joins are co-partitioned.
 */
public final class Topics {
    public static final String INSTANCES = "coco.instances.v1";
    public static final String PERSON_KEYPOINTS = "coco.person-keypoints.v1";
    public static final String STUFF = "coco.stuff.v1";
    public static final String PANOPTIC = "coco.panoptic.v1";
    public static final String CAPTIONS = "coco.captions.v1";
    public static final String DENSEPOSE = "coco.densepose.v1";
    public static final String RESULTS = "coco.results.v1";
    public static final String CATEGORIES = "coco.categories.v1";
    public static final String BATCHES = "coco.batches.v1";
    public static final String ALERTS = "coco.alerts.v1";
    public static final String DEAD_LETTERS = "coco.dead-letters.v1";
    public static final String INSTANCES_VIEW = "coco.instances-view.v1";
    public static final String PANOPTIC_VIEW = "coco.panoptic-view.v1";
    public static final String IMAGE_VIEW = "coco.image-view.v1";
    public static final String RETRACTIONS = "coco.retractions.v1";
    public static final String BATCH_REPORTS = "coco.batch-reports.v1";
    public static final String RESULTS_VIEW = "coco.results-view.v1";
    public static final String EVALUATIONS = "coco.evaluations.v1";

    /** How a topic is keyed. */
    public enum Key {
        /** The image id, a long written by Kafka's LongSerializer. */
        IMAGE_ID,
        /** A UTF-8 string (category "kind/id", batch id). */
        STRING,
        /** No meaningful key. */
        NONE,
        /**
         * A UTF-8 string {@code <run>/<image id>} on the partition its image id's key would have
         * ({@link #partitionOf}): co-partitioned with the image-keyed topics.
         */
        RUN_IMAGE
    }

    /** One topic: its name, value type, key, and whether it is compacted. */
    public record TopicSpec(String name, Class<? extends SpecificRecord> valueType, Key key, boolean compacted) {
        /** The value's Avro schema, as generated from the contract. */
        public Schema valueSchema() {
            try {
                return (Schema) valueType.getField("SCHEMA$").get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no SCHEMA$ on " + valueType, e);
            }
        }
    }

    /** Every topic, in the order they should be created. */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(INSTANCES, InstancesEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(PERSON_KEYPOINTS, PersonKeypointsEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(STUFF, StuffEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(PANOPTIC, PanopticEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(CAPTIONS, CaptionsEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(DENSEPOSE, DensePoseEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(RESULTS, ResultsEvent.class, Key.IMAGE_ID, false),
            new TopicSpec(CATEGORIES, Category.class, Key.STRING, true),
            new TopicSpec(BATCHES, BatchManifest.class, Key.STRING, false),
            new TopicSpec(ALERTS, ValidationAlert.class, Key.IMAGE_ID, false),
            new TopicSpec(DEAD_LETTERS, DeadLetter.class, Key.NONE, false),
            new TopicSpec(INSTANCES_VIEW, InstanceView.class, Key.IMAGE_ID, true),
            new TopicSpec(PANOPTIC_VIEW, PanopticView.class, Key.IMAGE_ID, true),
            new TopicSpec(IMAGE_VIEW, ImageView.class, Key.IMAGE_ID, true),
            new TopicSpec(RETRACTIONS, Retraction.class, Key.IMAGE_ID, false),
            new TopicSpec(BATCH_REPORTS, BatchReport.class, Key.STRING, true),
            new TopicSpec(RESULTS_VIEW, ResultsView.class, Key.RUN_IMAGE, true),
            new TopicSpec(EVALUATIONS, Evaluation.class, Key.STRING, true));

    private Topics() {}

    /** The partition of {@code partitions} an image-id key goes to (the default partitioner over its LongSerializer bytes). */
    public static int partitionOf(long imageId, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(imageId).array();
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** The key {@code <run>/<image id>} of a {@link Key#RUN_IMAGE} topic. */
    public static String runImageKey(String run, long imageId) {
        return run + "/" + imageId;
    }

    /** The image id of a {@link Key#RUN_IMAGE} key (after its last '/': a run name may hold one). */
    public static long imageOfRunKey(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
    }

    /** The spec of a topic by name. */
    public static TopicSpec spec(String name) {
        for (TopicSpec t : ALL) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown topic " + name);
    }
}
