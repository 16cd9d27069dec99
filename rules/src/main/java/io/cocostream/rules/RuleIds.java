package io.cocostream.rules;

import java.util.List;

/** Every rule id an alert can carry, in one place: users filter alerts by them, so they never change. */
public final class RuleIds {
    public static final String AREA_POLYGON = "area.polygon";
    public static final String BBOX_POLYGON_EXTENT = "bbox.polygon-extent";
    public static final String AREA_MASK = "area.mask";
    public static final String BBOX_MASK = "bbox.mask";
    public static final String BBOX_POSITIVE = "bbox.positive";
    public static final String BBOX_INSIDE_IMAGE = "bbox.inside-image";
    public static final String BBOX_DEGENERATE = "bbox.degenerate";
    public static final String BBOX_ASPECT_RATIO = "bbox.aspect-ratio";
    public static final String ANNOTATION_NEAR_DUPLICATE = "annotation.near-duplicate";
    public static final String SEGMENTATION_CROWD_FORM = "segmentation.crowd-form";
    public static final String RLE_COUNTS = "rle.counts";
    public static final String RLE_COUNTS_SUM = "rle.counts-sum";
    public static final String CATEGORY_EXISTS = "category.exists";
    public static final String KEYPOINTS_LENGTH = "keypoints.length";
    public static final String KEYPOINTS_VISIBILITY = "keypoints.visibility";
    public static final String KEYPOINTS_UNLABELED_ZERO = "keypoints.unlabeled-zero";
    public static final String KEYPOINTS_COUNT = "keypoints.count";
    public static final String KEYPOINTS_INSIDE_IMAGE = "keypoints.inside-image";
    public static final String KEYPOINTS_NEAR_BBOX = "keypoints.near-bbox";
    public static final String KEYPOINTS_SKELETON = "keypoints.skeleton";
    public static final String CAPTIONS_COUNT = "captions.count";
    public static final String CAPTIONS_EMPTY = "captions.empty";
    public static final String CAPTIONS_DUPLICATE = "captions.duplicate";
    public static final String PANOPTIC_SEGMENT_UNIQUE = "panoptic.segment-unique";
    public static final String PANOPTIC_SEGMENT_IN_PNG = "panoptic.segment-in-png";
    public static final String PANOPTIC_PNG_IN_SEGMENTS = "panoptic.png-in-segments";
    public static final String PANOPTIC_ISTHING = "panoptic.isthing";
    public static final String DENSEPOSE_PART = "densepose.part";
    public static final String DENSEPOSE_UV = "densepose.uv";
    public static final String DENSEPOSE_XY = "densepose.xy";
    public static final String DENSEPOSE_LENGTHS = "densepose.lengths";
    public static final String DENSEPOSE_MASKS = "densepose.masks";
    /** An annotation id another image already holds: raised by the topology, across deliveries. */
    public static final String ANNOTATION_ID_UNIQUE = "annotation.id-unique";
    /** A declared category no annotation of the delivery uses: an INFO of the delivery's report. */
    public static final String CATEGORY_WITHOUT_INSTANCES = "category.without-instances";
    /** Detection results (the results rules; the image's existence is the topology's, after a grace). */
    public static final String RESULT_IMAGE_EXISTS = "result.image-exists";
    public static final String RESULT_CATEGORY_EXISTS = "result.category-exists";
    public static final String RESULT_SCORE = "result.score";
    public static final String RESULT_BBOX = "result.bbox";
    public static final String RESULT_SEGMENTATION_SIZE = "result.segmentation-size";
    public static final String RESULT_KEYPOINTS_LENGTH = "result.keypoints-length";
    /** What ingest dead-letters: a record that cannot be read as COCO. */
    public static final String FORMAT = "format";

    /** Every rule id, in the README's order. */
    public static final List<String> ALL = List.of(AREA_POLYGON, BBOX_POLYGON_EXTENT, AREA_MASK, BBOX_MASK, BBOX_POSITIVE,
            BBOX_INSIDE_IMAGE, BBOX_DEGENERATE, BBOX_ASPECT_RATIO, SEGMENTATION_CROWD_FORM, RLE_COUNTS, RLE_COUNTS_SUM, CATEGORY_EXISTS, KEYPOINTS_LENGTH,
            KEYPOINTS_VISIBILITY, KEYPOINTS_UNLABELED_ZERO, KEYPOINTS_COUNT, KEYPOINTS_INSIDE_IMAGE, KEYPOINTS_NEAR_BBOX,
            KEYPOINTS_SKELETON, CAPTIONS_COUNT, CAPTIONS_EMPTY, CAPTIONS_DUPLICATE, PANOPTIC_SEGMENT_UNIQUE,
            PANOPTIC_SEGMENT_IN_PNG, PANOPTIC_PNG_IN_SEGMENTS, PANOPTIC_ISTHING, DENSEPOSE_PART, DENSEPOSE_UV,
            DENSEPOSE_XY, DENSEPOSE_LENGTHS, DENSEPOSE_MASKS, ANNOTATION_ID_UNIQUE, ANNOTATION_NEAR_DUPLICATE, CATEGORY_WITHOUT_INSTANCES, RESULT_IMAGE_EXISTS,
            RESULT_CATEGORY_EXISTS, RESULT_SCORE, RESULT_BBOX, RESULT_SEGMENTATION_SIZE, RESULT_KEYPOINTS_LENGTH, FORMAT);

    private RuleIds() {}
}
