package io.cocostream.rules;

import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseAnnotation;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticSegment;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;

/** The rules of captions, panoptic segments and DensePose fields, per image event. */
public final class OtherRules {
    /** COCO gives every image at least five captions. */
    public static final int MIN_CAPTIONS = 5;
    /** DensePose: 24 body parts in dp_I, 14 part masks of 256×256, coordinates in a 256-pixel box. */
    static final int PARTS = 24;
    static final int MASK_SIZE = 256;

    private final Tolerances tol;

    public OtherRules(Tolerances tol) {
        this.tol = tol;
    }

    /**
     * An image's captions: enough of them, none empty, none repeated. Ingest puts all of a delivery's
     * captions of an image in one event, so the count is per delivery.
     */
    public List<ValidationAlert> captions(long imageId, List<Caption> captions) {
        List<ValidationAlert> out = new ArrayList<>();
        Alerts alerts = new Alerts(Kind.CAPTIONS, imageId, out);
        if (captions.size() < MIN_CAPTIONS) {
            alerts.error(RuleIds.CAPTIONS_COUNT, null, "at least " + MIN_CAPTIONS, String.valueOf(captions.size()),
                    "the image has too few captions");
        }
        Set<String> seen = new HashSet<>();
        for (Caption c : captions) {
            String text = c.getCaption().trim();
            if (text.isEmpty()) {
                alerts.error(RuleIds.CAPTIONS_EMPTY, c.getId(), "a caption", "\"" + c.getCaption() + "\"", "empty caption");
            } else if (!seen.add(text.toLowerCase(Locale.ROOT))) {
                // A warning: official captions_val2017 repeats a caption on 8 of its 5000 images.
                alerts.add(Severity.WARNING, RuleIds.CAPTIONS_DUPLICATE, c.getId(), "a new caption", text,
                        "the image already has this caption");
            }
        }
        return out;
    }

    /** A panoptic image: segments unique, matched with the PNG both ways, area and bbox equal to the PNG's. */
    public List<ValidationAlert> panoptic(PanopticEvent e, IntFunction<Category> categories) {
        List<ValidationAlert> out = new ArrayList<>();
        Alerts alerts = new Alerts(Kind.PANOPTIC, e.getImageId(), out);
        Set<Long> ids = new HashSet<>();
        double[] bb = new double[4];
        for (PanopticSegment s : e.getAnnotations()) {
            if (!ids.add(s.getId())) {
                alerts.error(RuleIds.PANOPTIC_SEGMENT_UNIQUE, s.getId(), "unique segment ids", String.valueOf(s.getId()),
                        "segment id listed twice");
            }
            Category c = categories.apply(s.getCategoryId());
            if (c == null) {
                alerts.error(RuleIds.CATEGORY_EXISTS, s.getId(), "a category of the delivery", String.valueOf(s.getCategoryId()),
                        "category " + s.getCategoryId() + " is not among the delivery's categories");
            } else if (s.getIscrowd() == 1 && c.getIsthing() != null && c.getIsthing() == 0) {
                alerts.error(RuleIds.PANOPTIC_ISTHING, s.getId(), "a thing category for iscrowd=1", c.getName(),
                        "only thing categories have crowd segments");
            }
            RleMask m = s.getMask();
            if (m == null) {
                alerts.error(RuleIds.PANOPTIC_SEGMENT_IN_PNG, s.getId(), "the segment's pixels in the PNG", "none",
                        "segment " + s.getId() + " does not appear in the PNG");
                continue;
            }
            Rle rle = Masks.frString(m.getCounts(), m.getHeight(), m.getWidth());
            int pixels = Masks.area(rle);
            Masks.toBbox(rle, bb, 0);
            if (Math.abs(pixels - s.getArea()) > tol.exact()) {
                alerts.error(RuleIds.AREA_MASK, s.getId(), String.valueOf(pixels), Alerts.fmt(s.getArea()),
                        "declared area differs from the segment's pixel count");
            }
            List<Double> box = s.getBbox();
            if (box.size() == 4) {
                for (int i = 0; i < 4; i++) {
                    if (Math.abs(box.get(i) - bb[i]) > tol.exact()) {
                        alerts.error(RuleIds.BBOX_MASK, s.getId(), Alerts.list(bb), box.toString(),
                                "declared bbox differs from the segment's tight box");
                        break;
                    }
                }
            }
        }
        for (long id : e.getPngOnlyIds()) {
            alerts.error(RuleIds.PANOPTIC_PNG_IN_SEGMENTS, id, "listed in segments_info", "only in the PNG",
                    "PNG segment " + id + " is missing from segments_info");
        }
        return out;
    }

    /** DensePose fields: part indices, coordinates, equal lengths, part masks. */
    public List<ValidationAlert> densepose(DensePoseAnnotation a) {
        List<ValidationAlert> out = new ArrayList<>();
        Alerts alerts = new Alerts(Kind.DENSEPOSE, a.getImageId(), out);
        long id = a.getId();
        int n = a.getDpI().size();
        if (a.getDpU().size() != n || a.getDpV().size() != n || a.getDpX().size() != n || a.getDpY().size() != n) {
            alerts.error(RuleIds.DENSEPOSE_LENGTHS, id, n + " of each", a.getDpI().size() + "/" + a.getDpU().size() + "/"
                    + a.getDpV().size() + "/" + a.getDpX().size() + "/" + a.getDpY().size(),
                    "dp_I, dp_U, dp_V, dp_x and dp_y must have equal lengths");
        }
        for (double v : a.getDpI()) {
            if (v != Math.rint(v) || v < 1 || v > PARTS) {
                alerts.error(RuleIds.DENSEPOSE_PART, id, "an integer in 1.." + PARTS, Alerts.fmt(v), "dp_I out of range");
                break;
            }
        }
        range(alerts, id, RuleIds.DENSEPOSE_UV, a.getDpU(), 1, "dp_U");
        range(alerts, id, RuleIds.DENSEPOSE_UV, a.getDpV(), 1, "dp_V");
        range(alerts, id, RuleIds.DENSEPOSE_XY, a.getDpX(), MASK_SIZE, "dp_x");
        range(alerts, id, RuleIds.DENSEPOSE_XY, a.getDpY(), MASK_SIZE, "dp_y");
        if (!a.getDpMasks().isEmpty() && a.getDpMasks().size() != Kind.DENSEPOSE_PARTS) {
            alerts.error(RuleIds.DENSEPOSE_MASKS, id, String.valueOf(Kind.DENSEPOSE_PARTS), String.valueOf(a.getDpMasks().size()), "part masks");
        }
        for (RleMask m : a.getDpMasks()) {
            if (m != null && (m.getHeight() != MASK_SIZE || m.getWidth() != MASK_SIZE)) {
                alerts.error(RuleIds.DENSEPOSE_MASKS, id, MASK_SIZE + "x" + MASK_SIZE, m.getHeight() + "x" + m.getWidth(),
                        "a part mask is not 256x256");
                break;
            }
        }
        return out;
    }

    private static void range(Alerts alerts, long id, String rule, List<Double> values, double max, String field) {
        for (double v : values) {
            if (v < 0 || v > max) {
                alerts.error(rule, id, "in [0, " + Alerts.fmt(max) + "]", Alerts.fmt(v), field + " out of range");
                return;
            }
        }
    }
}
