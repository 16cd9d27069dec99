package io.cocostream.eval;

import java.util.List;

/** pycocotools' computeOks: the object keypoint similarity of each detection with each ground truth. */
final class Oks {
    private Oks() {}

    /**
     * {@code [d][g]}: for a ground truth with labelled keypoints, exp(-d²/(2·s²·(2σ)²)) averaged over
     * them; without any, over every keypoint with d the distance outside the box grown by its size
     * on each side.
     */
    static double[][] of(List<EvalAnn> dt, List<EvalAnn> gt, double[] sigmas) {
        int kn = sigmas.length;
        double[] vars = new double[kn];
        for (int i = 0; i < kn; i++) {
            vars[i] = (sigmas[i] * 2) * (sigmas[i] * 2);
        }
        double[][] ious = new double[dt.size()][gt.size()];
        double[] e = new double[kn];
        double[] exp = new double[kn];
        for (int j = 0; j < gt.size(); j++) {
            EvalAnn g = gt.get(j);
            double[] kg = g.keypoints();
            int labelled = 0;
            for (int i = 0; i < kn; i++) {
                labelled += kg[3 * i + 2] > 0 ? 1 : 0;
            }
            double[] bb = g.bbox();
            double x0 = bb[0] - bb[2];
            double x1 = bb[0] + bb[2] * 2;
            double y0 = bb[1] - bb[3];
            double y1 = bb[1] + bb[3] * 2;
            for (int di = 0; di < dt.size(); di++) {
                double[] kd = dt.get(di).keypoints();
                for (int i = 0; i < kn; i++) {
                    double xd = kd[3 * i];
                    double yd = kd[3 * i + 1];
                    double dx;
                    double dy;
                    if (labelled > 0) {
                        dx = xd - kg[3 * i];
                        dy = yd - kg[3 * i + 1];
                    } else {
                        dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
                        dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
                    }
                    e[i] = (dx * dx + dy * dy) / vars[i] / (g.area() + Math.ulp(1.0)) / 2;
                }
                int n = 0;
                for (int i = 0; i < kn; i++) {
                    if (labelled == 0 || kg[3 * i + 2] > 0) {
                        exp[n++] = Math.exp(-e[i]);
                    }
                }
                ious[di][j] = NumpySum.sum(exp, 0, n) / n;
            }
        }
        return ious;
    }
}
