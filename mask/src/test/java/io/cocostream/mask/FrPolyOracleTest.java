package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Masks#frPoly} against an oracle that follows maskApi.c's rleFrPoly step by step (every
 * upsampled boundary point materialized, crossings in doubles, a comparison sort): frPoly skips
 * straight to the crossings, and this holds it to the same runs on polygons of every shape.
 */
class FrPolyOracleTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2017, 31337, 123456789})
    void frPolyEqualsThePointByPointRasterization(long seed) {
        Random rnd = new Random(seed);
        MaskScratch s = new MaskScratch();
        for (int iter = 0; iter < 3000; iter++) {
            int h = 1 + rnd.nextInt(iter % 3 == 0 ? 8 : 300);
            int w = 1 + rnd.nextInt(iter % 5 == 0 ? 8 : 300);
            double[] xy = polygon(rnd, h, w, iter);
            assertEquals(oracle(xy, xy.length / 2, h, w), Masks.frPoly(xy, h, w, s),
                    () -> "h=" + h + " w=" + w + " polygon " + Arrays.toString(xy));
        }
    }

    /** Polygons that exercise every branch: steep and flat edges, both directions, repeated and shared vertices, outside the image. */
    private static double[] polygon(Random rnd, int h, int w, int iter) {
        int k = 3 + rnd.nextInt(iter % 7 == 0 ? 40 : 8);
        double[] xy = new double[2 * k];
        for (int i = 0; i < k; i++) {
            switch (rnd.nextInt(6)) {
                case 0 -> { // on the grid of pixel centres and edges, where rounding ties live
                    xy[2 * i] = rnd.nextInt(2 * w + 4) / 2.0 - 1;
                    xy[2 * i + 1] = rnd.nextInt(2 * h + 4) / 2.0 - 1;
                }
                case 1 -> { // repeats the previous vertex, or moves along one axis only
                    int p = i == 0 ? 0 : i - 1;
                    xy[2 * i] = rnd.nextBoolean() ? xy[2 * p] : rnd.nextDouble() * w;
                    xy[2 * i + 1] = xy[2 * p + 1];
                }
                case 2 -> { // far outside the image
                    xy[2 * i] = (rnd.nextDouble() - 0.5) * 6 * w;
                    xy[2 * i + 1] = (rnd.nextDouble() - 0.5) * 6 * h;
                }
                default -> { // two decimals, as annotation tools write them
                    xy[2 * i] = Math.round((rnd.nextDouble() * (w + 4) - 2) * 100) / 100.0;
                    xy[2 * i + 1] = Math.round((rnd.nextDouble() * (h + 4) - 2) * 100) / 100.0;
                }
            }
        }
        return xy;
    }

    /** rleFrPoly as maskApi.c writes it. */
    static Rle oracle(double[] xy, int k, int h, int w) {
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (5 * xy[2 * j] + .5);
            y[j] = (int) (5 * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double sl = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    // 0/0 is NaN in C, whose cast x86 makes INT_MIN; Java casts NaN to 0.
                    v[m] = Double.isNaN(sl) ? Integer.MIN_VALUE : (int) (ys + sl * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + sl * t + .5);
                    m++;
                }
            }
        }
        int n = 0;
        long[] c = new long[m];
        for (int j = 1; j < m; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / 5 - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / 5 - .5;
            yd = yd < 0 ? 0 : yd > h ? h : Math.ceil(yd);
            c[n++] = (long) xd * h + (long) yd;
        }
        long[] a = Arrays.copyOf(c, n + 1);
        a[n++] = (long) h * w;
        Arrays.sort(a);
        long p = 0;
        for (int j = 0; j < n; j++) {
            long t = a[j];
            a[j] -= p;
            p = t;
        }
        int[] b = new int[n];
        int j = 0;
        int r = 0;
        b[r++] = (int) a[j++];
        while (j < n) {
            if (a[j] > 0) {
                b[r++] = (int) a[j++];
            } else {
                j++;
                if (j < n) {
                    b[r - 1] += (int) a[j++];
                }
            }
        }
        return Rle.of(h, w, Arrays.copyOf(b, r));
    }
}
