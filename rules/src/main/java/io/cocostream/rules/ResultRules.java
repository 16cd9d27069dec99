package io.cocostream.rules;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.ValidationAlert;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of detection results: what pycocotools' loadRes needs of a result to evaluate it (a
 * finite score, a box of positive size, a mask of its image's size, x, y, v triples for the
 * category's keypoints, a known category), each an ERROR naming the result. Whether its image is
 * in the ground truth is the topology's to say ({@link RuleIds#RESULT_IMAGE_EXISTS}): the image may
 * still be on its way.
 */
public final class ResultRules {
    private ResultRules() {}

    /** The ground truth a result is evaluated against: person_keypoints for keypoints, captions for a caption, else instances. */
    public static Kind groundTruthOf(ResultAnnotation r) {
        if (r.getCaption() != null) {
            return Kind.CAPTIONS;
        }
        return r.getBbox().isEmpty() && r.getSegmentation() == null && !r.getKeypoints().isEmpty()
                ? Kind.PERSON_KEYPOINTS : Kind.INSTANCES;
    }

    /**
     * One result's alerts.
     *
     * @param category its category in its ground truth's kind, null when there is none
     * @param height its image's height, null while the image is not known (its mask's size is then not checked)
     */
    public static List<ValidationAlert> check(long imageId, ResultAnnotation r, Category category, Integer height,
            Integer width) {
        List<ValidationAlert> out = new ArrayList<>();
        Alerts alerts = new Alerts(Kind.RESULTS, imageId, out);
        long id = r.getId();
        if (r.getCaption() != null) {
            return out; // a caption result needs only its image (captions have no category or score)
        }
        if (category == null) {
            alerts.error(RuleIds.RESULT_CATEGORY_EXISTS, id, "a category of the ground truth",
                    String.valueOf(r.getCategoryId()), "the result's category is not in the ground truth");
        }
        if (r.getScore() == null || !Double.isFinite(r.getScore())) {
            alerts.error(RuleIds.RESULT_SCORE, id, "a finite score", String.valueOf(r.getScore()),
                    "the result has no usable score");
        }
        List<Double> b = r.getBbox();
        if (!b.isEmpty() && (b.size() != 4 || b.stream().anyMatch(v -> !Double.isFinite(v)) || !(b.get(2) > 0)
                || !(b.get(3) > 0))) {
            alerts.error(RuleIds.RESULT_BBOX, id, "[x, y, w, h], finite, w and h > 0", b.toString(),
                    "the result's box cannot be evaluated");
        }
        RleMask rle = r.getSegmentation() == null ? null : r.getSegmentation().getRle();
        if (rle != null && height != null && (rle.getHeight() != height || rle.getWidth() != width)) {
            alerts.error(RuleIds.RESULT_SEGMENTATION_SIZE, id, "size [" + height + ", " + width + "]",
                    "[" + rle.getHeight() + ", " + rle.getWidth() + "]", "the result's mask is not of its image's size");
        }
        List<Double> kp = r.getKeypoints();
        int expected = category == null ? 0 : category.getKeypoints().size();
        if (!kp.isEmpty() && (kp.size() % 3 != 0 || expected > 0 && kp.size() != 3 * expected)) {
            alerts.error(RuleIds.RESULT_KEYPOINTS_LENGTH, id, expected > 0 ? String.valueOf(3 * expected)
                    : "a multiple of 3", String.valueOf(kp.size()), "the result's keypoints are not x, y, v triples"
                    + (expected > 0 ? " of its category's " + expected + " keypoints" : ""));
        }
        return out;
    }
}
