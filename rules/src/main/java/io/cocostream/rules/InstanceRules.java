package io.cocostream.rules;

import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The rules of an instances or stuff annotation: its declared area and bbox against the mask
 * recomputed through the Mask API (and, for polygons, against the polygon's own area and extent),
 * the bbox against its image (and degenerate or extreme boxes), the segmentation form against
 * iscrowd, the RLE's counts, the category; and near-duplicate annotations of one image.
 *
 * <p>Rule ids are stable: users filter alerts by them.
 */
public final class InstanceRules {
    private final Tolerances tol;
    private final MaskScratch scratch = new MaskScratch();
    private final double[] bb = new double[4];
    private Rle lastMask;

    public InstanceRules(Tolerances tol) {
        this.tol = tol;
    }

    /** The alerts of one annotation of {@code image} (empty: it passes). */
    public List<ValidationAlert> check(Kind kind, InstanceAnnotation a, Image image, IntPredicate categoryExists) {
        List<ValidationAlert> out = new ArrayList<>();
        lastMask = null;
        Context c = new Context(new Alerts(kind, a.getImageId(), out), a);
        if (!categoryExists.test(a.getCategoryId())) {
            c.error(RuleIds.CATEGORY_EXISTS, "a category of the delivery", String.valueOf(a.getCategoryId()),
                    "category " + a.getCategoryId() + " is not among the delivery's categories");
        }
        List<Double> box = a.getBbox();
        if (box.size() == 4) {
            double x = box.get(0);
            double y = box.get(1);
            double w = box.get(2);
            double h = box.get(3);
            if (!(w > 0 && h > 0)) {
                c.error(RuleIds.BBOX_POSITIVE, "width and height > 0", fmt(w) + " x " + fmt(h), "bbox has no extent");
            } else if (Math.min(w, h) < tol.minBoxSide()) {
                c.warning(RuleIds.BBOX_DEGENERATE, "sides of at least " + fmt(tol.minBoxSide()) + " px",
                        fmt(w) + " x " + fmt(h), "bbox is under a pixel wide or high");
            } else if (Math.max(w / h, h / w) > tol.maxAspectRatio()) {
                c.warning(RuleIds.BBOX_ASPECT_RATIO, "at most " + fmt(tol.maxAspectRatio()) + ":1",
                        fmt(Math.max(w / h, h / w)) + ":1 (" + fmt(w) + " x " + fmt(h) + ")", "bbox is extremely elongated");
            }
            double m = tol.imageMargin();
            if (image != null && (x < -m || y < -m || x + w > image.getWidth() + m || y + h > image.getHeight() + m)) {
                c.error(RuleIds.BBOX_INSIDE_IMAGE, "within [0, 0, " + image.getWidth() + ", " + image.getHeight() + "]",
                        box.toString(), "bbox reaches outside its image");
            }
        }
        Segmentation seg = a.getSegmentation();
        if (seg == null) {
            return out;
        }
        if (seg.getRle() == null) {
            polygons(c, seg.getPolygons(), image);
        } else {
            rle(c, seg.getRle());
        }
        return out;
    }

    /**
     * A WARNING, added to {@code alerts.get(i)}, on each annotation {@code i} whose mask overlaps an
     * earlier one of the same category by more than {@link Tolerances#duplicateIou()} (IoU through
     * the Mask API); {@code masks[i]} is {@code anns[i]}'s recomputed mask, null when it has none.
     */
    public void nearDuplicates(Kind kind, List<InstanceAnnotation> anns, Rle[] masks, List<List<ValidationAlert>> alerts) {
        Map<Integer, List<Integer>> byCategory = new HashMap<>();
        for (int i = 0; i < anns.size(); i++) {
            if (masks[i] != null && masks[i].isComplete()) {
                byCategory.computeIfAbsent(anns.get(i).getCategoryId(), k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> same : byCategory.values()) {
            if (same.size() < 2) {
                continue;
            }
            Rle[] group = new Rle[same.size()];
            for (int k = 0; k < group.length; k++) {
                group[k] = masks[same.get(k)];
            }
            double[][] iou = Masks.iou(group, group, null);
            for (int later = 1; later < group.length; later++) {
                for (int earlier = 0; earlier < later; earlier++) {
                    if (iou[later][earlier] > tol.duplicateIou()) {
                        InstanceAnnotation a = anns.get(same.get(later));
                        long other = anns.get(same.get(earlier)).getId();
                        new Alerts(kind, a.getImageId(), alerts.get(same.get(later))).add(Severity.WARNING, RuleIds.ANNOTATION_NEAR_DUPLICATE, a.getId(),
                                "mask IoU at most " + fmt(tol.duplicateIou()) + " with annotation " + other,
                                fmt(iou[later][earlier]), "annotation " + a.getId() + " nearly repeats annotation "
                                        + other + " (same category " + a.getCategoryId() + ")");
                        break;
                    }
                }
            }
        }
    }

    /** The mask the last {@link #check} recomputed; null when it had no image size or no readable segmentation. */
    public Rle lastMask() {
        return lastMask;
    }

    private void polygons(Context c, List<List<Double>> parts, Image image) {
        InstanceAnnotation a = c.ann;
        if (a.getIscrowd() == 1) {
            c.error(RuleIds.SEGMENTATION_CROWD_FORM, "an RLE for iscrowd=1", "polygons", "a crowd annotation must be an RLE");
        }
        double area = 0;
        double perimeter = 0;
        double x0 = Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        Rle[] rles = new Rle[parts.size()];
        // Whether the Mask API can rasterize at the image's size (h·w below 2^31, as pycocotools needs).
        boolean rasterize = image != null && maskable(c, image);
        for (int p = 0; p < parts.size(); p++) {
            List<Double> part = parts.get(p);
            int k = part.size() / 2;
            double[] xy = new double[2 * k];
            double twice = 0;
            for (int i = 0; i < k; i++) {
                xy[2 * i] = part.get(2 * i);
                xy[2 * i + 1] = part.get(2 * i + 1);
                x0 = Math.min(x0, xy[2 * i]);
                y0 = Math.min(y0, xy[2 * i + 1]);
                x1 = Math.max(x1, xy[2 * i]);
                y1 = Math.max(y1, xy[2 * i + 1]);
            }
            for (int i = 0; i < k; i++) {
                int j = (i + 1) % k;
                twice += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
                double dx = xy[2 * j] - xy[2 * i];
                double dy = xy[2 * j + 1] - xy[2 * i + 1];
                // Only a tolerance: sqrt, not the slower hypot, whose guard against overflow it does not need.
                perimeter += Math.sqrt(dx * dx + dy * dy);
            }
            area += Math.abs(twice) / 2;
            if (rasterize) {
                rles[p] = Masks.frPoly(xy, image.getHeight(), image.getWidth(), scratch);
            }
        }
        double declared = a.getArea();
        if (Math.abs(declared - area) > tol.polygonArea() * Math.max(1, area)) {
            c.error(RuleIds.AREA_POLYGON, fmt(area), fmt(declared), "declared area differs from the polygon's own area");
        }
        List<Double> box = a.getBbox();
        double[] extent = {x0, y0, x1 - x0, y1 - y0};
        if (box.size() == 4 && !close(box, extent, tol.polygonExtent())) {
            c.error(RuleIds.BBOX_POLYGON_EXTENT, list(extent), box.toString(), "declared bbox differs from the polygon's extent");
        }
        if (rasterize) {
            Rle mask = Masks.merge(rles, false, scratch);
            lastMask = mask;
            int pixels = Masks.area(mask);
            double allowed = tol.perimeterFraction() * perimeter + 1;
            if (Math.abs(pixels - declared) > allowed) {
                c.error(RuleIds.AREA_MASK, fmt(pixels) + " ± " + fmt(allowed), fmt(declared),
                        "declared area is farther from the mask's pixel count than the polygon's outline allows");
            }
        }
    }

    private void rle(Context c, RleMask m) {
        InstanceAnnotation a = c.ann;
        Rle rle;
        try {
            rle = m.getCounts() != null ? Masks.frString(m.getCounts(), m.getHeight(), m.getWidth(), scratch)
                    : Rle.ofLongs(m.getHeight(), m.getWidth(), m.getUncompressedCounts().stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException e) {
            c.error(RuleIds.RLE_COUNTS, "valid run lengths", "invalid", e.getMessage());
            return;
        }
        lastMask = rle;
        if (!rle.isComplete()) {
            c.error(RuleIds.RLE_COUNTS_SUM, String.valueOf((long) rle.h() * rle.w()), String.valueOf(rle.countsSum()),
                    "RLE counts do not cover the image");
        }
        int pixels = Masks.area(rle);
        Masks.toBbox(rle, bb, 0);
        List<Double> box = a.getBbox();
        if (a.getIscrowd() == 1) {
            // The original tooling declared crowd boxes one pixel narrower and shorter than their masks.
            double[] quirk = {bb[0], bb[1], Math.max(0, bb[2] - 1), Math.max(0, bb[3] - 1)};
            if (box.size() == 4 && !close(box, bb, tol.exact()) && !close(box, quirk, tol.exact())) {
                c.error(RuleIds.BBOX_MASK, list(bb), box.toString(), "declared bbox differs from the crowd mask's");
            }
            double least = a.getArea() * (1 - tol.crowdAreaBelow());
            if (pixels > a.getArea() + tol.exact()) {
                c.error(RuleIds.AREA_MASK, "at most " + fmt(a.getArea()), fmt(pixels),
                        "the crowd mask has more pixels than its declared area");
            } else if (pixels < least - tol.exact()) {
                c.error(RuleIds.AREA_MASK, "at least " + fmt(least) + " (the declared " + fmt(a.getArea()) + " less "
                        + fmt(100 * tol.crowdAreaBelow()) + "%)", fmt(pixels),
                        "the crowd mask has far fewer pixels than its declared area");
            }
        } else {
            if (Math.abs(pixels - a.getArea()) > tol.exact()) {
                c.error(RuleIds.AREA_MASK, fmt(pixels), fmt(a.getArea()), "declared area differs from the mask's pixel count");
            }
            if (box.size() == 4 && !close(box, bb, tol.exact())) {
                c.error(RuleIds.BBOX_MASK, list(bb), box.toString(), "declared bbox differs from the mask's tight box");
            }
        }
    }

    /**
     * Whether a mask of the image's size can be computed at all: pycocotools' masks hold h·w in a
     * 32-bit int. When not, one error says so and the annotation's other rules still run.
     */
    private static boolean maskable(Context c, Image image) {
        long pixels = (long) image.getHeight() * image.getWidth();
        if (pixels < Integer.MAX_VALUE) {
            return true;
        }
        c.error(RuleIds.AREA_MASK, "an image of fewer than 2^31 pixels", image.getWidth() + " x " + image.getHeight(),
                "the image is too large for a mask: its area cannot be checked against one");
        return false;
    }

    private static boolean close(List<Double> a, double[] b, double eps) {
        for (int i = 0; i < 4; i++) {
            if (Math.abs(a.get(i) - b[i]) > eps) {
                return false;
            }
        }
        return true;
    }

    private static String list(double[] v) {
        return Alerts.list(v);
    }

    private static String fmt(double v) {
        return Alerts.fmt(v);
    }

    /** The alerts of one annotation. */
    private record Context(Alerts alerts, InstanceAnnotation ann) {
        void error(String rule, String expected, String actual, String message) {
            alerts.error(rule, ann.getId(), expected, actual, message);
        }

        void warning(String rule, String expected, String actual, String message) {
            alerts.add(Severity.WARNING, rule, ann.getId(), expected, actual, message);
        }
    }
}
