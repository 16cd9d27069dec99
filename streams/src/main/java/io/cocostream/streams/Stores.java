package io.cocostream.streams;

import io.cocostream.schemas.Kind;

/**
 * The state store and repartition names of the topology, in one place like {@code Topics}: the
 * topology creates them, the COCO API queries them, and their changelog topics are named after them
 * ({@code <application.id>-<store>-changelog}).
 */
public final class Stores {
    /** The global store of categories, keyed {@code <kind>/<id>} like their topic. */
    public static final String CATEGORIES = "categories-store";
    /** Image id to {@code PanopticView}. */
    public static final String PANOPTIC_VIEW = "panoptic-view-store";
    /** Image id to {@code ImageView}; its instances part is also what the instances view publishes. */
    public static final String IMAGE_VIEW = "image-view-store";
    /** {@code <kind>/<annotation id>} to the {@code AnnotationRef} of the image that holds it. */
    public static final String ANNOTATION_IDS = "annotation-ids-store";
    /** The repartition by annotation id (topic {@code <application.id>-annotation-ids-repartition}). */
    public static final String ANNOTATION_IDS_REPARTITION = "annotation-ids";

    /** Batch id to its {@code BatchReport}, without its examples ({@link BatchExamples#into} puts them back). */
    public static final String BATCH_REPORTS = "batch-reports-store";
    /** {@code <batch id>\0<rule>\0<n>} to the report's n-th example of the rule ({@link BatchExamples}). */
    public static final String BATCH_EXAMPLES = "batch-examples-store";
    /** The repartition by batch id of what counts towards a report (topic {@code <application.id>-batch-deltas-repartition}). */
    public static final String BATCH_DELTAS_REPARTITION = "batch-deltas";

    /** {@code <run>/<image id>} to the run's {@code ResultsView} of the image. */
    public static final String RESULTS_VIEW = "results-view-store";
    /** {@code <run>/<iou type>/<image id>} to the run's {@code ImageEvaluation} of the image. */
    public static final String RUN_EVALUATIONS = "run-evaluations-store";
    /** {@code <kind>/<image id>} (instances, person_keypoints) to the image's ground truth counts, an {@code ImageEvaluation} without detections. */
    public static final String GROUND_TRUTH_COUNTS = "ground-truth-counts-store";
    /** Run to how many images of it this task holds (which runs an image's ground-truth change re-evaluates). */
    public static final String RUNS = "runs-store";
    /** {@code <run>/<image id>} to the result.image-exists alert waiting for its image. */
    public static final String PENDING_RESULT_IMAGES = "pending-result-images";

    private Stores() {}

    /** A kind's category.exists alerts waiting for their category: {@code pending-categories-<kind>}. */
    public static String pendingCategories(Kind kind) {
        return "pending-categories-" + kind.id();
    }
}
