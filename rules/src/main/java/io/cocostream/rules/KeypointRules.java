package io.cocostream.rules;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Person keypoints: the instance rules on the annotation's mask and box, then its keypoints
 * against its category (3k numbers), visibility flags, num_keypoints, the image and the box.
 */
public final class KeypointRules {
    /**
     * Labeled keypoints of real COCO lie up to 79 px (46% of the box) outside their bbox (occluded
     * parts): "near" allows 0.75 of the box's larger side plus 32 px.
     */
    static final double NEAR_BOX_FRACTION = 0.75;
    static final double NEAR_BOX_PIXELS = 32;

    private final InstanceRules instance;
    private final Tolerances tol;

    public KeypointRules(Tolerances tol) {
        this.tol = tol;
        this.instance = new InstanceRules(tol);
    }

    /** The alerts of one annotation; {@code categories} gives a category by id (null if unknown). */
    public List<ValidationAlert> check(KeypointAnnotation a, Image image, IntFunction<Category> categories) {
        InstanceAnnotation shape = InstanceAnnotation.newBuilder().setId(a.getId()).setImageId(a.getImageId())
                .setCategoryId(a.getCategoryId()).setIscrowd(a.getIscrowd()).setArea(a.getArea()).setBbox(a.getBbox())
                .setSegmentation(a.getSegmentation()).build();
        List<ValidationAlert> out = new ArrayList<>(instance.check(Kind.PERSON_KEYPOINTS, shape, image,
                id -> categories.apply(id) != null));
        Alerts alerts = new Alerts(Kind.PERSON_KEYPOINTS, a.getImageId(), out);
        long id = a.getId();
        List<Double> kp = a.getKeypoints();
        Category cat = categories.apply(a.getCategoryId());
        if (cat != null && !cat.getKeypoints().isEmpty() && kp.size() != 3 * cat.getKeypoints().size()) {
            alerts.error(RuleIds.KEYPOINTS_LENGTH, id, String.valueOf(3 * cat.getKeypoints().size()), String.valueOf(kp.size()),
                    "keypoints must be [x, y, v] for each of the category's " + cat.getKeypoints().size() + " keypoints");
        }
        int labeled = 0;
        List<Double> box = a.getBbox();
        for (int i = 0; i + 2 < kp.size(); i += 3) {
            double x = kp.get(i);
            double y = kp.get(i + 1);
            double v = kp.get(i + 2);
            int k = i / 3;
            if (v != 0 && v != 1 && v != 2) {
                alerts.error(RuleIds.KEYPOINTS_VISIBILITY, id, "0, 1 or 2", Alerts.fmt(v), "keypoint " + k + " has visibility " + Alerts.fmt(v));
                continue;
            }
            if (v == 0) {
                if (x != 0 || y != 0) {
                    alerts.error(RuleIds.KEYPOINTS_UNLABELED_ZERO, id, "[0, 0]", "[" + Alerts.fmt(x) + ", " + Alerts.fmt(y) + "]",
                            "unlabeled keypoint " + k + " must be at (0, 0)");
                }
                continue;
            }
            labeled++;
            double m = tol.imageMargin();
            if (image != null && (x < -m || y < -m || x > image.getWidth() + m || y > image.getHeight() + m)) {
                alerts.error(RuleIds.KEYPOINTS_INSIDE_IMAGE, id, "within the image", "[" + Alerts.fmt(x) + ", " + Alerts.fmt(y) + "]",
                        "keypoint " + k + " lies outside its image");
            } else if (box.size() == 4) {
                double allowed = NEAR_BOX_FRACTION * Math.max(box.get(2), box.get(3)) + NEAR_BOX_PIXELS;
                double dx = Math.max(0, Math.max(box.get(0) - x, x - box.get(0) - box.get(2)));
                double dy = Math.max(0, Math.max(box.get(1) - y, y - box.get(1) - box.get(3)));
                if (Math.max(dx, dy) > allowed) {
                    alerts.error(RuleIds.KEYPOINTS_NEAR_BBOX, id, "within " + Alerts.fmt(allowed) + " px of the bbox",
                            Alerts.fmt(Math.max(dx, dy)) + " px away", "keypoint " + k + " lies far from its bbox");
                }
            }
        }
        if (labeled != a.getNumKeypoints()) {
            alerts.error(RuleIds.KEYPOINTS_COUNT, id, String.valueOf(labeled), String.valueOf(a.getNumKeypoints()),
                    "num_keypoints must count the keypoints with v > 0");
        }
        return out;
    }

    /** Category-level: skeleton edges must name keypoints of the category (1-based). */
    public static List<ValidationAlert> checkCategory(Category c) {
        List<ValidationAlert> out = new ArrayList<>();
        int k = c.getKeypoints().size();
        for (List<Integer> edge : c.getSkeleton()) {
            if (edge.size() != 2 || edge.get(0) < 1 || edge.get(0) > k || edge.get(1) < 1 || edge.get(1) > k) {
                out.add(ValidationAlert.newBuilder().setRule(RuleIds.KEYPOINTS_SKELETON).setSeverity(Severity.ERROR)
                        .setExpected("pairs of keypoint indices in 1.." + k).setActual(edge.toString())
                        .setMessage("category " + c.getId() + " has a skeleton edge to no keypoint").setKind(c.getKind())
                        .setDetectedAt(Instant.now()).build());
            }
        }
        return out;
    }
}
