package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.testing.Fuzz;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded, bounded fuzzing of the Mask API's untrusted inputs (compressed RLE strings, counts,
 * polygons, PNGs): every input gives a result or the documented exception (IllegalArgumentException,
 * or IOException for a PNG), never another exception, an OutOfMemoryError or a long run. The
 * classes of input found worth keeping are the regression tests below the fuzz loops.
 */
class MaskFuzzTest {
    /** Iterations per seed and target: a few seconds in all. */
    private static final int ITERATIONS = 4000;
    private static final long MAX_NANOS = Fuzz.MAX_NANOS;
    private static final List<Class<? extends Exception>> REFUSED = List.of(IllegalArgumentException.class);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void compressedRleStrings(long seed) {
        MaskScratch s = new MaskScratch();
        Fuzz.inputs("frString", seed, ITERATIONS, REFUSED, rnd -> {
            int h = rnd.nextInt(64) + (rnd.nextInt(50) == 0 ? 100_000 : 0);
            int w = rnd.nextInt(64);
            String str = rnd.nextBoolean() ? randomString(rnd) : mutate(rnd, validCounts(rnd, h, w));
            return () -> {
                Rle r = Masks.frString(str, h, w, s);
                // Whatever it read back, it writes back and reads again the same.
                assertEquals(r, Masks.frString(Masks.toString(r, s), h, w, s));
            };
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void uncompressedCounts(long seed) {
        Fuzz.inputs("ofLongs", seed, ITERATIONS, REFUSED, rnd -> {
            int h = rnd.nextInt(40);
            int w = rnd.nextInt(40);
            long[] counts = new long[rnd.nextInt(12)];
            for (int k = 0; k < counts.length; k++) {
                counts[k] = switch (rnd.nextInt(6)) {
                    case 0 -> -rnd.nextInt(5);
                    case 1 -> rnd.nextLong();
                    case 2 -> (1L << 31) - rnd.nextInt(3);
                    default -> rnd.nextInt(h * w + 2);
                };
            }
            return () -> {
                Rle r = Rle.ofLongs(h, w, counts);
                assertEquals(Masks.area(r), count(Masks.decode(r)));
            };
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void polygons(long seed) {
        MaskScratch s = new MaskScratch();
        Fuzz.inputs("frPoly", seed, ITERATIONS, REFUSED, rnd -> {
            double[] xy = new double[rnd.nextInt(20)];
            for (int k = 0; k < xy.length; k++) {
                xy[k] = switch (rnd.nextInt(12)) {
                    case 0 -> Double.NaN;
                    case 1 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    case 2 -> (rnd.nextDouble() - 0.5) * 1e12;
                    case 3 -> -rnd.nextDouble() * 100;
                    default -> rnd.nextDouble() * 120;
                };
            }
            int h = rnd.nextInt(100) + 1;
            int w = rnd.nextInt(100) + 1;
            return () -> assertTrue(Masks.area(Masks.frPoly(xy, h, w, s)) <= (long) h * w);
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void pngs(long seed) throws IOException {
        byte[] valid = png(7, 5, new Random(seed));
        Fuzz.inputs("PNG", seed, ITERATIONS / 8, List.of(IOException.class), rnd -> {
            byte[] b = valid.clone();
            for (int k = rnd.nextInt(6); k >= 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            byte[] input = rnd.nextInt(10) == 0 ? Arrays.copyOf(b, rnd.nextInt(b.length)) : b;
            return () -> {
                try {
                    PanopticPng.IdImage img = PanopticPng.read(new ByteArrayInputStream(input), 10_000);
                    assertTrue((long) img.h() * img.w() <= 10_000);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    // ImageIO's own refusals of a corrupt stream, as PanopticPng documents
                    throw new IOException(e);
                }
            };
        });
    }

    // ---------------------------------------------------------------- the regression corpus

    @Test
    void aPngHeaderClaiming60000By60000IsRefusedBeforeAnyPixel() throws IOException {
        byte[] b = png(1, 1, new Random(1));
        // The IHDR chunk's width and height, then its CRC made right: a well-formed header that lies.
        ByteBuffer.wrap(b, 16, 8).putInt(60000).putInt(60000);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> PanopticPng.read(new ByteArrayInputStream(b), 1_000_000));
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < MAX_NANOS);
    }

    @Test
    void countsSummingNearTwoToThe31AreRefusedOrExact() {
        // 46341² is just above 2^31: refused as a size; counts summing to 2^31 - 1 are refused as more than h·w.
        assertThrows(IllegalArgumentException.class, () -> Rle.of(46341, 46341, 1));
        assertThrows(IllegalArgumentException.class, () -> Rle.ofLongs(46340, 46340,
                new long[] {(1L << 31) - 2, 1}));
        Rle full = Rle.ofLongs(46340, 46340, new long[] {46340L * 46340 - 1, 1});
        assertEquals(1, Masks.area(full));
    }

    @Test
    void aPolygonOfTwoMillionPointsIsRefusedWithinItsBudget() {
        double[] xy = new double[4_000_000];
        Random rnd = new Random(5);
        for (int i = 0; i < xy.length; i++) {
            xy[i] = rnd.nextDouble() * 10_000;
        }
        long t0 = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Masks.frPoly(xy, 10_000, 10_000, new MaskScratch()));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < MAX_NANOS, (System.nanoTime() - t0) / 1e6 + " ms");
    }

    @Test
    void widthAndHeightOfTwoBillionAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Masks.frPoly(new double[] {0, 0, 1, 0, 1, 1},
                2_000_000_000, 2_000_000_000));
        assertThrows(IllegalArgumentException.class, () -> Masks.frString("0", 2_000_000_000, 2_000_000_000));
    }

    private static String randomString(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(16); i > 0; i--) {
            sb.append((char) (rnd.nextInt(10) == 0 ? rnd.nextInt(0x3000) : 30 + rnd.nextInt(100)));
        }
        return sb.toString();
    }

    private static String validCounts(Random rnd, int h, int w) {
        byte[] m = new byte[h * w];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (rnd.nextInt(3) == 0 ? 1 : 0);
        }
        return Masks.toString(Masks.encode(m, h, w));
    }

    private static String mutate(Random rnd, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length > 0) {
            b[rnd.nextInt(b.length)] = (byte) (48 + rnd.nextInt(64));
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static int count(byte[] m) {
        int n = 0;
        for (byte v : m) {
            n += v;
        }
        return n;
    }

    private static byte[] png(int w, int h, Random rnd) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(4));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
