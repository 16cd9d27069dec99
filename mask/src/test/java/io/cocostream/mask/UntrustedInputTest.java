package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile input gets an exception that says what is wrong: never a wrong answer, a hang or an OOM. */
class UntrustedInputTest {

    private static void refuses(String expectedInMessage, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expectedInMessage),
                "message '" + e.getMessage() + "' should mention '" + expectedInMessage + "'");
    }

    @Test
    void countsThatOverrunTheImage() {
        refuses("more than h*w", () -> Rle.of(3, 3, 2, 20));
        refuses("more than h*w", () -> Masks.frString("2d0", 3, 3));
    }

    @Test
    void negativeAndOverflowingCounts() {
        refuses("negative", () -> Rle.of(3, 3, 4, -1, 6));
        refuses("out of range", () -> Rle.ofLongs(3, 3, new long[] {4, 1L << 32}));
        refuses("decodes to -1", () -> Masks.frString("81O", 3, 3));
    }

    @Test
    void imagesBeyondTwoToThe31Pixels() {
        refuses("exceeds 2^31-1", () -> Rle.of(50000, 50000, 0));
        refuses("exceeds 2^31-1", () -> Masks.frPoly(new double[] {0, 0, 1, 0, 1, 1}, 65536, 65536));
        refuses("non-negative", () -> Rle.of(-1, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 1", "\u00ff", "0\u007f", "o"})
    void malformedCompressedStrings(String s) {
        assertThrows(IllegalArgumentException.class, () -> Masks.frString(s, 10, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 1", "1\u00ff", "\u0130", "oooooooo\u00ff0", "`p", "0p", "10\u0100"})
    void aBadCharacterIsNamedEvenWhereItAlsoBreaksTheNumbers(String s) {
        refuses("expected characters '0' to 'o'", () -> Masks.frString(s, 10, 10));
    }

    @Test
    void overlongNumberInCompressedString() {
        refuses("longer than 7", () -> Masks.frString("oooooooo0", 10, 10));
    }

    @Test
    void nonFinitePolygonCoordinates() {
        refuses("NaN", () -> Masks.frPoly(new double[] {0, 0, Double.NaN, 1, 2, 2}, 10, 10));
        refuses("Infinity", () -> Masks.frPoly(new double[] {0, 0, Double.POSITIVE_INFINITY, 1, 2, 2}, 10, 10));
        refuses("magnitude", () -> Masks.frPoly(new double[] {0, 0, 1e12, 1, 2, 2}, 10, 10));
    }

    @Test
    void polygonWithTooLongABoundaryIsRefusedNotRasterized() {
        MaskScratch small = new MaskScratch(10_000);
        refuses("upsampled steps", () -> Masks.frPoly(new double[] {0, 0, 1e6, 0, 1e6, 1e6}, 10, 10, small));
    }

    @Test
    void decodeRefusesMasksOverItsPixelBudget() {
        Rle big = Rle.of(10000, 10000, 0, 100_000_000);
        refuses("pixel budget", () -> Masks.decode(big, 1_000_000));
        // area, toBbox and merge work on runs and never decode:
        assertEquals(100_000_000, Masks.area(big));
        assertEquals(big, Masks.merge(new Rle[] {big, big}, false));
    }

    @Test
    void firstPolygonOfFourNumbersIsRefusedAsPycocotoolsDoes() {
        refuses("exactly 4 numbers",
                () -> Masks.annToRle(new Segmentation.Polygons(new double[][] {{2, 3, 6, 4}}), 10, 10));
    }

    @Test
    void mergeOfUnequalCountSumsTerminates() {
        // pycocotools loops forever here; the shorter mask's missing tail is background.
        Rle a = Rle.of(4, 3, 5, 3);
        Rle b = Rle.of(4, 3, 0, 12);
        assertEquals(Rle.of(4, 3, 0, 12), Masks.merge(new Rle[] {a, b}, false));
        assertEquals(Rle.of(4, 3, 5, 3, 4), Masks.merge(new Rle[] {a, b}, true));
        assertEquals(0.25, Masks.iou(new Rle[] {a}, new Rle[] {b}, new boolean[] {false})[0][0], 1e-12);
    }

    @Test
    void pngLargerThanAllowedIsRefusedBeforeDecoding() throws IOException {
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        IOException e = assertThrows(IOException.class,
                () -> PanopticPng.read(new ByteArrayInputStream(out.toByteArray()), 100 * 100));
        assertTrue(e.getMessage().contains("200x100"), e.getMessage());
        assertThrows(IOException.class, () -> PanopticPng.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), 100));
    }
}
