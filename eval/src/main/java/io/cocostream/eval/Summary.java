package io.cocostream.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.eval.EvalParams.IouType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * COCOeval.summarize: the 12 stats of bbox and segm (10 of keypoints) in {@code COCOeval.stats}
 * order, each the mean of the precisions (or recalls) above -1 at its thresholds, area range and
 * detections per image, -1 where there is none; and its printed lines, character for character.
 */
public record Summary(double[] stats, List<String> lines) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The summary of an evaluation. */
    public static Summary of(CocoEval.Result r) {
        EvalParams p = r.params();
        List<String> lines = new ArrayList<>();
        List<Double> stats = new ArrayList<>();
        if (p.iouType() == IouType.keypoints) {
            line(r, true, null, "all", 20, lines, stats);
            line(r, true, .5, "all", 20, lines, stats);
            line(r, true, .75, "all", 20, lines, stats);
            line(r, true, null, "medium", 20, lines, stats);
            line(r, true, null, "large", 20, lines, stats);
            line(r, false, null, "all", 20, lines, stats);
            line(r, false, .5, "all", 20, lines, stats);
            line(r, false, .75, "all", 20, lines, stats);
            line(r, false, null, "medium", 20, lines, stats);
            line(r, false, null, "large", 20, lines, stats);
        } else {
            line(r, true, null, "all", 100, lines, stats); // _summarize(1): its default maxDets, 100
            line(r, true, .5, "all", p.maxDets()[2], lines, stats);
            line(r, true, .75, "all", p.maxDets()[2], lines, stats);
            line(r, true, null, "small", p.maxDets()[2], lines, stats);
            line(r, true, null, "medium", p.maxDets()[2], lines, stats);
            line(r, true, null, "large", p.maxDets()[2], lines, stats);
            line(r, false, null, "all", p.maxDets()[0], lines, stats);
            line(r, false, null, "all", p.maxDets()[1], lines, stats);
            line(r, false, null, "all", p.maxDets()[2], lines, stats);
            line(r, false, null, "small", p.maxDets()[2], lines, stats);
            line(r, false, null, "medium", p.maxDets()[2], lines, stats);
            line(r, false, null, "large", p.maxDets()[2], lines, stats);
        }
        return new Summary(stats.stream().mapToDouble(Double::doubleValue).toArray(), lines);
    }

    /**
     * {@code eval --format json}'s object: {@code iouType}, {@code stats} in COCOeval.stats order, and
     * {@code per_category} (category_id, name as {@code names} gives it, ap) in the params' order.
     */
    public static ObjectNode json(CocoEval.Result r, IntFunction<String> names) {
        ObjectNode o = JSON.createObjectNode().put("iouType", r.params().iouType().name());
        ArrayNode stats = o.putArray("stats");
        for (double v : of(r).stats()) {
            stats.add(v);
        }
        ArrayNode cats = o.putArray("per_category");
        double[] ap = perCategoryAp(r);
        int[] ids = r.params().catIds();
        for (int k = 0; k < ap.length && k < ids.length; k++) {
            cats.addObject().put("category_id", ids[k]).put("name", names.apply(ids[k])).put("ap", ap[k]);
        }
        return o;
    }

    /** The AP at IoU 0.50:0.95, all areas, the most detections, of each category (-1 where none), in the params' order. */
    public static double[] perCategoryAp(CocoEval.Result r) {
        EvalParams p = r.params();
        int cats = p.useCats() ? p.catIds().length : 1;
        double[] out = new double[cats];
        for (int k = 0; k < cats; k++) {
            out[k] = mean(r, true, null, k, area(p, "all"), p.maxDets().length - 1);
        }
        return out;
    }

    private static void line(CocoEval.Result r, boolean ap, Double iouThr, String areaRng, int maxDets, List<String> lines,
            List<Double> stats) {
        EvalParams p = r.params();
        int a = area(p, areaRng);
        int m = -1;
        for (int j = 0; j < p.maxDets().length; j++) {
            m = p.maxDets()[j] == maxDets ? j : m;
        }
        double v = m < 0 ? -1 : mean(r, ap, iouThr, -1, a, m);
        String iou = iouThr == null ? String.format("%s:%s", two(p.iouThrs()[0]), two(p.iouThrs()[p.iouThrs().length - 1]))
                : two(iouThr);
        lines.add(String.format(" %-17s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
                ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iou, areaRng, maxDets, three(v)));
        stats.add(v);
    }

    private static int area(EvalParams p, String label) {
        return p.areaRngLbl().indexOf(label);
    }

    /**
     * The mean of the values above -1 at the thresholds (all, or the one equal to {@code iouThr}), in
     * numpy's C order over [t][r][k] (precision) or [t][k] (recall); {@code k} -1 for every category.
     */
    private static double mean(CocoEval.Result r, boolean ap, Double iouThr, int k, int a, int m) {
        EvalParams p = r.params();
        int cats = p.useCats() ? p.catIds().length : 1;
        // at most every threshold, recall point (AP) and category at one area and maxDets
        double[] values = new double[p.iouThrs().length * (ap ? p.recThrs().length : 1) * (k >= 0 ? 1 : cats)];
        int n = 0;
        for (int t = 0; t < p.iouThrs().length; t++) {
            if (iouThr != null && p.iouThrs()[t] != iouThr) {
                continue;
            }
            for (int ri = 0; ri < (ap ? p.recThrs().length : 1); ri++) {
                for (int kk = 0; kk < cats; kk++) {
                    if (k >= 0 && kk != k) {
                        continue;
                    }
                    double v = ap ? r.precision()[r.precisionIndex(t, ri, kk, a, m)] : r.recall()[r.recallIndex(t, kk, a, m)];
                    if (v > -1) {
                        values[n++] = v;
                    }
                }
            }
        }
        return n == 0 ? -1 : NumpySum.mean(values, n);
    }

    /** Python's {@code '{:0.2f}'}: the exact binary value, rounded half to even. */
    private static String two(double v) {
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Python's {@code '{:0.3f}'}. */
    static String three(double v) {
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }
}
