package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Laws of the Mask API: exhaustive over small masks, seeded random over larger ones. */
class MaskPropertiesTest {

    static Stream<Arguments> smallShapes() {
        return IntStream.rangeClosed(1, 12).boxed()
                .flatMap(h -> IntStream.rangeClosed(1, 12 / h).mapToObj(w -> Arguments.of(h, w)));
    }

    @ParameterizedTest(name = "every {0}x{1} mask")
    @MethodSource("smallShapes")
    void everySmallMaskRoundTripsWithExactAreaAndBbox(int h, int w) {
        int n = h * w;
        MaskScratch s = new MaskScratch();
        for (int bits = 0; bits < (1 << n); bits++) {
            byte[] mask = mask(bits, n);
            Rle r = Masks.encode(mask, h, w);
            assertTrue(r.isComplete());
            assertArrayEquals(mask, Masks.decode(r), "decode(encode) of " + bits);
            assertEquals(Integer.bitCount(bits), Masks.area(r), "area of " + bits);
            assertArrayEquals(naiveBbox(mask, h, w), Masks.toBbox(r), "bbox of " + bits);
            assertEquals(r, Masks.frString(Masks.toString(r, s), h, w, s), "string codec of " + bits);
        }
    }

    @ParameterizedTest(name = "every pair of {0}x{1} masks")
    @MethodSource("smallShapes")
    void mergeAndIouLawsOnEveryPairOfTinyMasks(int h, int w) {
        int n = h * w;
        if (n > 6) {
            return; // 4096 pairs at most; larger shapes are covered by the seeded test below
        }
        for (int a = 0; a < (1 << n); a++) {
            for (int b = 0; b < (1 << n); b++) {
                checkPair(mask(a, n), mask(b, n), h, w);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2017, 123456789})
    void lawsHoldOnRandomMasks(long seed) {
        Random rnd = new Random(seed);
        MaskScratch s = new MaskScratch();
        for (int iter = 0; iter < 200; iter++) {
            int h = 1 + rnd.nextInt(60);
            int w = 1 + rnd.nextInt(60);
            byte[] a = blobs(rnd, h, w);
            byte[] b = blobs(rnd, h, w);
            Rle ra = Masks.encode(a, h, w);
            assertArrayEquals(a, Masks.decode(ra));
            assertEquals(ra, Masks.frString(Masks.toString(ra, s), h, w, s));
            checkPair(a, b, h, w);
            // A polygon's mask is a function of its vertices: rasterizing twice gives the same runs.
            double[] poly = randomPolygon(rnd, h, w);
            assertEquals(Masks.frPoly(poly, h, w, s), Masks.frPoly(poly.clone(), h, w, new MaskScratch()));
        }
    }

    private static void checkPair(byte[] a, byte[] b, int h, int w) {
        Rle ra = Masks.encode(a, h, w);
        Rle rb = Masks.encode(b, h, w);
        Rle union = Masks.merge(new Rle[] {ra, rb}, false);
        Rle inter = Masks.merge(new Rle[] {ra, rb}, true);
        byte[] or = new byte[a.length];
        byte[] and = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            or[i] = (byte) (a[i] | b[i]);
            and[i] = (byte) (a[i] & b[i]);
        }
        assertArrayEquals(or, Masks.decode(union), "union");
        assertArrayEquals(and, Masks.decode(inter), "intersection");
        assertEquals(Masks.encode(or, h, w), union, "union runs are canonical");
        assertEquals(Masks.area(ra) + Masks.area(rb), Masks.area(union) + Masks.area(inter));
        assertEquals(union, Masks.merge(new Rle[] {rb, ra}, false), "union commutes");
        assertEquals(inter, Masks.merge(new Rle[] {rb, ra}, true), "intersection commutes");
        double[][] iou = Masks.iou(new Rle[] {ra}, new Rle[] {rb}, new boolean[] {false});
        double expected = Masks.area(inter) == 0 ? 0 : (double) Masks.area(inter) / Masks.area(union);
        assertEquals(expected, iou[0][0], 1e-12);
        assertTrue(iou[0][0] >= 0 && iou[0][0] <= 1);
        double[][] crowd = Masks.iou(new Rle[] {ra}, new Rle[] {rb}, new boolean[] {true});
        double expectedCrowd = Masks.area(inter) == 0 ? 0 : (double) Masks.area(inter) / Masks.area(ra);
        assertEquals(expectedCrowd, crowd[0][0], 1e-12);
    }

    static byte[] mask(int bits, int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) ((bits >> i) & 1);
        }
        return m;
    }

    /** Random rectangles and noise: masks with long runs as well as single pixels. */
    static byte[] blobs(Random rnd, int h, int w) {
        byte[] m = new byte[h * w];
        int rects = rnd.nextInt(4);
        for (int r = 0; r < rects; r++) {
            int x0 = rnd.nextInt(w);
            int y0 = rnd.nextInt(h);
            int x1 = x0 + rnd.nextInt(w - x0);
            int y1 = y0 + rnd.nextInt(h - y0);
            for (int x = x0; x <= x1; x++) {
                for (int y = y0; y <= y1; y++) {
                    m[x * h + y] = 1;
                }
            }
        }
        int noise = rnd.nextInt(10);
        for (int i = 0; i < noise; i++) {
            m[rnd.nextInt(m.length)] ^= 1;
        }
        return m;
    }

    static double[] randomPolygon(Random rnd, int h, int w) {
        int k = 3 + rnd.nextInt(8);
        double[] xy = new double[2 * k];
        for (int i = 0; i < k; i++) {
            xy[2 * i] = rnd.nextDouble() * (w + 4) - 2;
            xy[2 * i + 1] = rnd.nextDouble() * (h + 4) - 2;
        }
        return xy;
    }

    static double[] naiveBbox(byte[] m, int h, int w) {
        int xs = w;
        int ys = h;
        int xe = -1;
        int ye = -1;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                if (m[x * h + y] != 0) {
                    xs = Math.min(xs, x);
                    xe = Math.max(xe, x);
                    ys = Math.min(ys, y);
                    ye = Math.max(ye, y);
                }
            }
        }
        if (xe < 0) {
            return new double[4];
        }
        // COCO's bbox covers whole columns when a run wraps from one column to the next.
        boolean wraps = false;
        for (int x = xs; x < xe && !wraps; x++) {
            wraps = m[x * h + h - 1] != 0 && m[(x + 1) * h] != 0;
        }
        if (wraps) {
            ys = 0;
            ye = h - 1;
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }
}
