package io.cocostream.eval;

import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * pycocotools' COCOeval, written from its algorithm: per image and category the detections, sorted
 * by score (stable, as numpy's mergesort), are matched greedily to the ground truth at each IoU
 * threshold ({@link #evaluateImg}); crowd ground truth may match many detections, ignored ground
 * truth (crowd, outside the area range, keypoints without any) is matched last and makes its
 * detections ignored; then precision is accumulated over all images per category, area range and
 * detections per image, made monotone and sampled at the recall thresholds ({@link #accumulate}).
 *
 * <p>It passes 400 lines because it is one algorithm: the matching's and the accumulation's
 * layouts ({@code [k][a][i]}, the area ranges, maxDets) are each other's, and the live evaluation
 * reuses both halves ({@link #evaluateImage}, {@link PackedEval}).
 */
public final class CocoEval {
    private CocoEval() {}

    /**
     * One image and category at one area range: its detections' matches at each threshold
     * (pycocotools' evalImgs entry; a match is the matched annotation's id, 0 for none).
     */
    public record ImageEval(double[] dtScores, long[][] dtMatches, boolean[][] dtIgnore, boolean[] gtIgnore) {}

    /**
     * The accumulated result: {@code precision[t][r][k][a][m]} and {@code recall[t][k][a][m]}
     * (flattened in that order), -1 where there is nothing to measure, as pycocotools has them.
     */
    public record Result(EvalParams params, double[] precision, double[] recall) {
        public int precisionIndex(int t, int r, int k, int a, int m) {
            EvalParams p = params;
            int cats = p.useCats() ? p.catIds().length : 1;
            return (((t * p.recThrs().length + r) * cats + k) * p.areaRng().length + a) * p.maxDets().length + m;
        }

        public int recallIndex(int t, int k, int a, int m) {
            EvalParams p = params;
            int cats = p.useCats() ? p.catIds().length : 1;
            return ((t * cats + k) * p.areaRng().length + a) * p.maxDets().length + m;
        }
    }

    /** Evaluates {@code dts} against {@code gts} (COCOeval.evaluate then accumulate). */
    public static Result evaluate(EvalParams p, List<EvalAnn> gts, List<EvalAnn> dts) {
        int images = p.imgIds().length;
        int cats = p.useCats() ? p.catIds().length : 1;
        Map<Long, Integer> imageIndex = new HashMap<>();
        for (int i = 0; i < images; i++) {
            imageIndex.put(p.imgIds()[i], i);
        }
        Map<Integer, Integer> catIndex = new HashMap<>();
        for (int k = 0; k < p.catIds().length; k++) {
            catIndex.put(p.catIds()[k], k);
        }
        Map<Long, List<EvalAnn>> g = group(gts, p, imageIndex, catIndex);
        Map<Long, List<EvalAnn>> d = group(dts, p, imageIndex, catIndex);
        // Packed as each cell is done: a train2017-size segm evaluation kept as ImageEvals needs more than 6 GB.
        PackedEval[] cells = new PackedEval[cats * images];
        Set<Long> keys = new TreeSet<>(g.keySet());
        keys.addAll(d.keySet());
        for (long key : keys) {
            cells[(int) key] = PackedEval.of(evaluateCell(p, g.getOrDefault(key, List.of()), d.getOrDefault(key, List.of())),
                    p.iouThrs().length);
        }
        return accumulate(p, cells);
    }

    /**
     * One image's evaluation, per category of its ground truth or detections (all as one category
     * without useCats, key 0): every area range's, as evaluate finds them, packed.
     */
    public static Map<Integer, PackedEval> evaluateImage(EvalParams p, List<EvalAnn> gts, List<EvalAnn> dts) {
        Map<Integer, List<EvalAnn>> g = byCategory(gts, p);
        Map<Integer, List<EvalAnn>> d = byCategory(dts, p);
        Set<Integer> cats = new TreeSet<>(g.keySet());
        cats.addAll(d.keySet());
        Map<Integer, PackedEval> out = new LinkedHashMap<>();
        for (int c : cats) {
            out.put(c, PackedEval.of(evaluateCell(p, g.getOrDefault(c, List.of()), d.getOrDefault(c, List.of())),
                    p.iouThrs().length));
        }
        return out;
    }

    /**
     * accumulate over the cells laid out {@code [k][i]} (category and image in the parameters'
     * orders; null where an image has neither ground truth nor detections of the category).
     */
    public static Result accumulate(EvalParams p, PackedEval[] cells) {
        int cats = p.useCats() ? p.catIds().length : 1;
        int images = p.imgIds().length;
        if (cells.length != cats * images) {
            throw new IllegalArgumentException("expected " + cats * images + " cells, got " + cells.length);
        }
        return accumulate(p, cells, cats, images);
    }

    private static Map<Integer, List<EvalAnn>> byCategory(List<EvalAnn> anns, EvalParams p) {
        Map<Integer, List<EvalAnn>> out = new HashMap<>();
        for (EvalAnn a : anns) {
            out.computeIfAbsent(p.useCats() ? a.categoryId() : 0, x -> new ArrayList<>(2)).add(a);
        }
        return out;
    }

    /** One (category, image): its detections sorted and cut at the largest maxDets, matched at every area range. */
    private static ImageEval[] evaluateCell(EvalParams p, List<EvalAnn> gt, List<EvalAnn> dt) {
        int maxDet = p.maxDets()[p.maxDets().length - 1];
        List<EvalAnn> sorted = byScore(dt);
        if (sorted.size() > maxDet) {
            sorted = sorted.subList(0, maxDet);
        }
        double[][] ious = ious(p, sorted, gt);
        ImageEval[] out = new ImageEval[p.areaRng().length];
        for (int a = 0; a < out.length; a++) {
            out[a] = evaluateImg(p, gt, sorted, ious, p.areaRng()[a], maxDet);
        }
        return out;
    }

    /** The annotations of each (category, image) of the parameters that has any, in their input order; key k * images + i. */
    private static Map<Long, List<EvalAnn>> group(List<EvalAnn> anns, EvalParams p, Map<Long, Integer> imageIndex,
            Map<Integer, Integer> catIndex) {
        int images = p.imgIds().length;
        Map<Long, List<EvalAnn>> out = new HashMap<>();
        for (EvalAnn a : anns) {
            Integer i = imageIndex.get(a.imageId());
            Integer k = p.useCats() ? catIndex.get(a.categoryId()) : Integer.valueOf(0);
            if (i != null && k != null) {
                out.computeIfAbsent((long) k * images + i, x -> new ArrayList<>(2)).add(a);
            }
        }
        return out;
    }

    /** Detections by descending score, ties in their given order (numpy's stable mergesort of -score). */
    private static List<EvalAnn> byScore(List<EvalAnn> dt) {
        List<EvalAnn> s = new ArrayList<>(dt);
        s.sort((x, y) -> descending(x.score(), y.score()));
        return s;
    }

    /** Descending order as numpy sorts -score: -0.0 and 0.0 are equal (Double.compare would part them). */
    private static int descending(double x, double y) {
        return x > y ? -1 : x < y ? 1 : 0;
    }

    /** computeIoU / computeOks: {@code [d][g]} for the sorted detections and the ground truth; empty when either is. */
    static double[][] ious(EvalParams p, List<EvalAnn> dt, List<EvalAnn> gt) {
        if (dt.isEmpty() || gt.isEmpty()) {
            return new double[0][0];
        }
        boolean[] crowd = new boolean[gt.size()];
        for (int j = 0; j < crowd.length; j++) {
            crowd[j] = gt.get(j).crowd();
        }
        return switch (p.iouType()) {
            case bbox -> Masks.bbIou(dt.stream().map(EvalAnn::bbox).toArray(double[][]::new),
                    gt.stream().map(EvalAnn::bbox).toArray(double[][]::new), crowd);
            case segm -> Masks.iou(dt.stream().map(EvalAnn::mask).toArray(Rle[]::new),
                    gt.stream().map(EvalAnn::mask).toArray(Rle[]::new), crowd);
            case keypoints -> Oks.of(dt, gt, p.kptOksSigmas());
        };
    }

    /** evaluateImg: the greedy matching of one image and category at one area range, or null with neither. */
    static ImageEval evaluateImg(EvalParams p, List<EvalAnn> gt0, List<EvalAnn> dtSorted, double[][] ious0,
            double[] aRng, int maxDet) {
        int gn = gt0.size();
        boolean[] ignore0 = new boolean[gn];
        for (int j = 0; j < gn; j++) {
            EvalAnn g = gt0.get(j);
            ignore0[j] = ignored(p, g) || g.area() < aRng[0] || g.area() > aRng[1];
        }
        // ground truth not ignored first, each group in its order (stable argsort of _ignore)
        Integer[] gtind = new Integer[gn];
        for (int j = 0; j < gn; j++) {
            gtind[j] = j;
        }
        Arrays.sort(gtind, Comparator.comparingInt(j -> ignore0[j] ? 1 : 0));
        int dn = Math.min(maxDet, dtSorted.size());
        int tn = p.iouThrs().length;
        boolean[] gtIg = new boolean[gn];
        boolean[] crowd = new boolean[gn];
        long[] gtIds = new long[gn];
        for (int j = 0; j < gn; j++) {
            gtIg[j] = ignore0[gtind[j]];
            crowd[j] = gt0.get(gtind[j]).crowd();
            gtIds[j] = gt0.get(gtind[j]).id();
        }
        long[][] gtm = new long[tn][gn];
        long[][] dtm = new long[tn][dn];
        boolean[][] dtIg = new boolean[tn][dn];
        if (ious0.length > 0) {
            for (int t = 0; t < tn; t++) {
                for (int di = 0; di < dn; di++) {
                    double iou = Math.min(p.iouThrs()[t], 1 - 1e-10);
                    int m = -1;
                    for (int gi = 0; gi < gn; gi++) {
                        if (gtm[t][gi] > 0 && !crowd[gi]) {
                            continue; // already matched, and not a crowd
                        }
                        if (m > -1 && !gtIg[m] && gtIg[gi]) {
                            break; // matched to a real ground truth: the ignored ones come only after
                        }
                        double v = ious0[di][gtind[gi]];
                        if (v < iou) {
                            continue;
                        }
                        iou = v;
                        m = gi;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t][di] = gtIg[m];
                    dtm[t][di] = gtIds[m];
                    gtm[t][m] = dtSorted.get(di).id();
                }
            }
        }
        double[] scores = new double[dn];
        for (int di = 0; di < dn; di++) {
            EvalAnn d = dtSorted.get(di);
            scores[di] = d.score();
            boolean outside = d.area() < aRng[0] || d.area() > aRng[1];
            for (int t = 0; t < tn; t++) {
                dtIg[t][di] |= dtm[t][di] == 0 && outside; // an unmatched detection outside the range does not count
            }
        }
        return new ImageEval(scores, dtm, dtIg, gtIg);
    }

    /** _prepare's ignore flag: crowd; for keypoints also ground truth without any keypoint. */
    private static boolean ignored(EvalParams p, EvalAnn g) {
        return g.crowd() || p.iouType() == IouType.keypoints && g.numKeypoints() == 0;
    }

    /**
     * accumulate: precision and recall per threshold, category, area range and detections per
     * image. pycocotools sorts each (category, area, maxDets)'s detections by score; the scores of an
     * image are the same at every area, and a stable sort of all of a category's detections, cut
     * to each image's first maxDets, is the stable sort of the cut ones: one sort per category.
     */
    private static Result accumulate(EvalParams p, PackedEval[] cells, int cats, int images) {
        int tn = p.iouThrs().length;
        int rn = p.recThrs().length;
        int an = p.areaRng().length;
        int mn = p.maxDets().length;
        double[] precision = new double[tn * rn * cats * an * mn];
        double[] recall = new double[tn * cats * an * mn];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Result result = new Result(p, precision, recall);
        double eps = Math.ulp(1.0); // np.spacing(1)
        int[] present = new int[images];
        for (int k = 0; k < cats; k++) {
            int np = 0;
            int all = 0;
            for (int i = 0; i < images; i++) {
                if (cells[k * images + i] != null) {
                    present[np++] = i;
                    all += cells[k * images + i].scores().length;
                }
            }
            if (np == 0) {
                continue;
            }
            double[] scores = new double[all];
            int[] image = new int[all]; // which image, and which detection of it (its rank there)
            int[] rank = new int[all];
            int n = 0;
            for (int x = 0; x < np; x++) {
                double[] s = cells[k * images + present[x]].scores();
                for (int j = 0; j < s.length; j++) {
                    scores[n] = s[j];
                    image[n] = present[x];
                    rank[n++] = j;
                }
            }
            int[] order = stableDescending(scores);
            for (int a = 0; a < an; a++) {
                int npig = 0;
                for (int x = 0; x < np; x++) {
                    npig += cells[k * images + present[x]].counted()[a];
                }
                if (npig == 0) {
                    continue;
                }
                for (int m = 0; m < mn; m++) {
                    int maxDet = p.maxDets()[m];
                    int total = 0;
                    for (int j : order) {
                        total += rank[j] < maxDet ? 1 : 0;
                    }
                    for (int t = 0; t < tn; t++) {
                        double[] rc = new double[total];
                        double[] pr = new double[total];
                        double tp = 0;
                        double fp = 0;
                        int q = 0;
                        for (int j : order) {
                            if (rank[j] >= maxDet) {
                                continue;
                            }
                            int f = cells[k * images + image[j]].flags(a, t, rank[j], tn);
                            boolean matched = (f & 1) != 0;
                            boolean ignore = (f & 2) != 0;
                            tp += matched && !ignore ? 1 : 0;
                            fp += !matched && !ignore ? 1 : 0;
                            rc[q] = tp / npig;
                            pr[q++] = tp / (fp + tp + eps);
                        }
                        recall[result.recallIndex(t, k, a, m)] = total > 0 ? rc[total - 1] : 0;
                        for (int j = total - 1; j > 0; j--) {
                            if (pr[j] > pr[j - 1]) {
                                pr[j - 1] = pr[j];
                            }
                        }
                        for (int r = 0; r < rn; r++) {
                            int pi = searchLeft(rc, p.recThrs()[r]);
                            precision[result.precisionIndex(t, r, k, a, m)] = pi < total ? pr[pi] : 0;
                        }
                    }
                }
            }
        }
        return result;
    }

    /** The indices of {@code v} by descending value, ties in index order (numpy's mergesort of -v): a merge sort. */
    static int[] stableDescending(double[] v) {
        int[] idx = new int[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        int[] buf = new int[v.length];
        for (int width = 1; width < idx.length; width *= 2) {
            for (int lo = 0; lo < idx.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, idx.length);
                int x = lo;
                int y = mid;
                int o = lo;
                while (x < mid && y < hi) {
                    // the right one goes first only when strictly greater: equal values keep their order
                    buf[o++] = descending(v[idx[y]], v[idx[x]]) < 0 ? idx[y++] : idx[x++];
                }
                while (x < mid) {
                    buf[o++] = idx[x++];
                }
                while (y < hi) {
                    buf[o++] = idx[y++];
                }
                System.arraycopy(buf, lo, idx, lo, hi - lo);
            }
        }
        return idx;
    }

    /** numpy's searchsorted(a, v, side='left') over a non-decreasing {@code a}: the first index with a[i] >= v. */
    static int searchLeft(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
