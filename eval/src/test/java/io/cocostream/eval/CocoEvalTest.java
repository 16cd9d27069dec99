package io.cocostream.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.eval.EvalParams.IouType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COCOeval's corner cases, with results worked out by hand from its definition: no detections, a
 * category without ground truth, crowd-only ground truth, more detections than maxDets, ties in
 * score, keypoints' OKS. Precision is tp / (tp + fp + spacing(1)) as pycocotools divides, so a
 * perfect AP is 1 - 2^-52, not 1: hence the tolerance.
 */
class CocoEvalTest {
    private static final double EPS = 1e-12;

    /** A 100 px box: all of it "medium" (area 10,000 is large, so these are large). */
    private static EvalAnn gt(long id, long image, int cat, double x, boolean crowd) {
        return new EvalAnn(id, image, cat, 100 * 100, new double[] {x, 0, 100, 100}, crowd, 0, null, null, 0);
    }

    private static EvalAnn dt(long id, long image, int cat, double x, double score) {
        return new EvalAnn(id, image, cat, 100 * 100, new double[] {x, 0, 100, 100}, false, score, null, null, 0);
    }

    private static double[] stats(List<EvalAnn> gts, List<EvalAnn> dts, long[] images, int[] cats) {
        EvalParams p = EvalParams.of(IouType.bbox, images, cats);
        return Summary.of(CocoEval.evaluate(p, gts, dts)).stats();
    }

    @Test
    void aPerfectDetectionIsOneAndNoDetectionIsZeroWhereThereIsNoGroundTruthMinusOne() {
        List<EvalAnn> gts = List.of(gt(1, 1, 1, 0, false));
        double[] perfect = stats(gts, List.of(dt(1, 1, 1, 0, .9)), new long[] {1}, new int[] {1});
        // AP, AP50, AP75, small, medium, large; AR1, AR10, AR100, small, medium, large: only large boxes
        assertArrayEquals(new double[] {1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1, 1}, perfect, EPS);
        double[] none = stats(gts, List.of(), new long[] {1}, new int[] {1});
        assertArrayEquals(new double[] {0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0}, none);
    }

    @Test
    void aCategoryWithoutGroundTruthCountsNowhereItsDetectionsChangeNothing() {
        List<EvalAnn> gts = List.of(gt(1, 1, 1, 0, false));
        List<EvalAnn> dts = new ArrayList<>(List.of(dt(1, 1, 1, 0, .9)));
        double[] before = stats(gts, dts, new long[] {1}, new int[] {1, 2});
        dts.add(dt(2, 1, 2, 300, .99));
        CocoEval.Result r = CocoEval.evaluate(EvalParams.of(IouType.bbox, new long[] {1}, new int[] {1, 2}), gts, dts);
        assertArrayEquals(before, Summary.of(r).stats());
        assertArrayEquals(new double[] {1, -1}, Summary.perCategoryAp(r), EPS);
    }

    @Test
    void detectionsOnCrowdGroundTruthAreIgnoredOthersInTheImageAreFalsePositives() {
        // image 1: one real object; image 2: only a crowd region
        List<EvalAnn> gts = List.of(gt(1, 1, 1, 0, false), gt(2, 2, 1, 0, true));
        List<EvalAnn> dts = new ArrayList<>(List.of(dt(1, 1, 1, 0, .5)));
        long[] images = {1, 2};
        double[] alone = stats(gts, dts, images, new int[] {1});
        dts.add(dt(2, 2, 1, 0, .9)); // on the crowd: ignored
        dts.add(dt(3, 2, 1, 2, .8)); // mostly on it too: crowd IoU is over the detection's area, 0.98
        assertArrayEquals(alone, stats(gts, dts, images, new int[] {1}));
        dts.add(dt(4, 2, 1, 500, .95)); // elsewhere: a false positive ranked first
        double[] withFp = stats(gts, dts, images, new int[] {1});
        // ranks: FP (.95), TP (.5): precision 1/2 at recall 1, so AP 0.5; recall still 1
        assertEquals(0.5, withFp[0], EPS);
        assertEquals(1, withFp[8], EPS);
    }

    @Test
    void onlyTheBestMaxDetsDetectionsOfAnImageCount() {
        List<EvalAnn> gts = List.of(gt(1, 1, 1, 0, false));
        List<EvalAnn> dts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            dts.add(dt(i + 1, 1, 1, 1000 + 200 * i, .9 - i * 1e-3)); // 100 misses
        }
        dts.add(dt(101, 1, 1, 0, .01)); // the hit, 101st by score: cut at maxDets 100
        double[] s = stats(gts, dts, new long[] {1}, new int[] {1});
        assertEquals(0, s[0]);
        assertEquals(0, s[8], "AR100");
        dts.set(100, dt(101, 1, 1, 0, .95)); // the hit first: AP 1 whatever follows
        s = stats(gts, dts, new long[] {1}, new int[] {1});
        assertEquals(1, s[0], EPS);
        assertEquals(1, s[6], EPS, "AR1");
    }

    @Test
    void tiedScoresKeepTheirOrderAsNumpysStableSortDoes() {
        List<EvalAnn> gts = List.of(gt(1, 1, 1, 0, false));
        // the hit before the miss: precision 1 at recall 1
        assertEquals(1, stats(gts, List.of(dt(1, 1, 1, 0, .5), dt(2, 1, 1, 500, .5)), new long[] {1}, new int[] {1})[0],
                EPS);
        // the miss first: precision 1/2 at recall 1
        assertEquals(0.5, stats(gts, List.of(dt(1, 1, 1, 500, .5), dt(2, 1, 1, 0, .5)), new long[] {1}, new int[] {1})[0],
                EPS);
    }

    @Test
    void keypointsAreMatchedByOks() {
        double[] kp = new double[51];
        for (int i = 0; i < 17; i++) {
            kp[3 * i] = 10 + i;
            kp[3 * i + 1] = 20 + i;
            kp[3 * i + 2] = 2;
        }
        EvalAnn g = new EvalAnn(1, 1, 1, 96 * 96 * 2, new double[] {0, 0, 100, 100}, false, 0, null, kp, 17);
        double[] shifted = kp.clone();
        for (int i = 0; i < 17; i++) {
            shifted[3 * i] += 3;
        }
        EvalAnn exact = new EvalAnn(1, 1, 1, 0, new double[4], false, .9, null, kp, 0);
        EvalAnn near = new EvalAnn(2, 1, 1, 0, new double[4], false, .8, null, shifted, 0);
        EvalParams p = EvalParams.of(IouType.keypoints, new long[] {1}, new int[] {1});
        double[][] oks = CocoEval.ious(p, List.of(exact, near), List.of(g));
        assertEquals(1, oks[0][0], 1e-15, "the same points: OKS 1");
        // each point 3 px off: exp(-9 / (2 * area * (2 sigma)^2)) averaged over the 17
        double expected = 0;
        for (double s : p.kptOksSigmas()) {
            expected += Math.exp(-9 / ((2 * s) * (2 * s)) / (g.area() + Math.ulp(1.0)) / 2);
        }
        assertEquals(expected / 17, oks[1][0], 1e-12);
        double[] stats = Summary.of(CocoEval.evaluate(p, List.of(g), List.of(exact))).stats();
        assertEquals(10, stats.length);
        assertEquals(1, stats[0], EPS);
    }

    @Test
    void numpysLinspaceAndPairwiseSumAreReproduced() {
        double[] thrs = EvalParams.linspace(.5, .95, 10);
        assertEquals(0.95, thrs[9]);
        assertEquals(.5 + 5 * ((.95 - .5) / 9), thrs[5]);
        double[] a = new double[300];
        for (int i = 0; i < a.length; i++) {
            a[i] = 1.0 / (i + 1);
        }
        // the pairwise order: 0-143 and 144-299 summed apart, each in blocks of 8 accumulators
        double left = NumpySum.sum(a, 0, 144);
        double right = NumpySum.sum(a, 144, 156);
        assertEquals(left + right, NumpySum.sum(a, 0, 300));
        double seq = 0;
        for (int i = 0; i < 7; i++) {
            seq += a[i];
        }
        assertEquals(seq, NumpySum.sum(a, 0, 7), "under 8: in order");
    }
}
