package io.cocostream.eval;

/**
 * numpy's float64 sum (add.reduce over a contiguous array): pairwise, with eight accumulators in
 * blocks of up to 128, so that means and OKS round as pycocotools' do.
 */
final class NumpySum {
    private static final int BLOCK = 128;

    private NumpySum() {}

    /** The sum of {@code a[from, from + n)} as numpy adds it. */
    static double sum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return sum(a, from, n2) + sum(a, from + n2, n - n2);
    }

    /** np.mean: the sum over the count. */
    static double mean(double[] a, int n) {
        return sum(a, 0, n) / n;
    }
}
