package io.cocostream.eval;

import io.cocostream.eval.CocoEval.ImageEval;

/**
 * One (category, image) at every area range, as accumulate reads it: the detections' scores best
 * first (the same at every area), the ground truth counted (not ignored) per area, and two bits per
 * area, threshold and detection, {@code ((a * thresholds + t) * detections + j) * 2}: 1 matched,
 * 2 ignored, four to a byte, low bits first. About a tenth of the {@link ImageEval}s it stands for.
 */
public record PackedEval(double[] scores, int[] counted, byte[] flags) {
    /** Packs one cell's evaluations, one per area range, at {@code thresholds} IoU thresholds. */
    public static PackedEval of(ImageEval[] perArea, int thresholds) {
        double[] scores = perArea[0].dtScores();
        int d = scores.length;
        byte[] bits = new byte[(perArea.length * thresholds * d * 2 + 7) / 8];
        int[] counted = new int[perArea.length];
        int bit = 0;
        for (int a = 0; a < perArea.length; a++) {
            ImageEval e = perArea[a];
            for (boolean ig : e.gtIgnore()) {
                counted[a] += ig ? 0 : 1;
            }
            for (int t = 0; t < thresholds; t++) {
                for (int j = 0; j < d; j++, bit += 2) {
                    int v = (e.dtMatches()[t][j] != 0 ? 1 : 0) | (e.dtIgnore()[t][j] ? 2 : 0);
                    bits[bit >>> 3] |= (byte) (v << (bit & 7));
                }
            }
        }
        return new PackedEval(scores, counted, bits);
    }

    /** Detection {@code j}'s flags at area range {@code a} and threshold {@code t} of {@code thresholds}. */
    public int flags(int a, int t, int j, int thresholds) {
        int bit = ((a * thresholds + t) * scores.length + j) * 2;
        return flags[bit >>> 3] >>> (bit & 7) & 3;
    }
}
