package io.cocostream.mask;

import java.util.Arrays;

/**
 * A run-length encoded binary mask of {@code h × w} pixels, column-major, starting with a run of
 * zeros: the Java counterpart of maskApi.c's {@code RLE}.
 *
 * <p>Checked once at construction: non-negative sizes, {@code h·w < 2³¹}, non-negative counts whose
 * sum does not overrun {@code h·w}. A sum below {@code h·w} is accepted (the missing tail is
 * background), as pycocotools accepts it for area, toBbox and toString; {@link #isComplete()} tells
 * a validator whether the counts cover the whole image.
 */
public final class Rle {
    private final int h;
    private final int w;
    private final int[] counts;
    private final long sum;
    private final int area;
    private final boolean canonical;

    private Rle(int h, int w, int[] counts, long sum) {
        this(h, w, counts, sum, areaOf(counts), canonical(counts));
    }

    private Rle(int h, int w, int[] counts, long sum, int area, boolean canonical) {
        this.h = h;
        this.w = w;
        this.counts = counts;
        this.sum = sum;
        this.area = area;
        this.canonical = canonical;
    }

    private static int areaOf(int[] counts) {
        int a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    private static boolean canonical(int[] counts) {
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** An RLE over {@code counts[0..m)} (copied), checked as the class describes. */
    public static Rle of(int h, int w, int[] counts, int m) {
        checkSize(h, w);
        if (m < 0 || m > counts.length) {
            throw new IllegalArgumentException("m=" + m + " outside [0, " + counts.length + "]");
        }
        long sum = 0;
        for (int i = 0; i < m; i++) {
            int c = counts[i];
            if (c < 0) {
                throw new IllegalArgumentException("RLE count #" + i + " is negative: " + c);
            }
            sum += c;
        }
        return checked(h, w, Arrays.copyOf(counts, m), sum);
    }

    /** Takes ownership of non-negative counts summing to {@code sum}, refusing a sum past h·w. */
    static Rle checked(int h, int w, int[] counts, long sum) {
        return checked(h, w, counts, sum, areaOf(counts), canonical(counts));
    }

    /** {@link #checked(int, int, int[], long)} with area and canonical form already known to the caller. */
    static Rle checked(int h, int w, int[] counts, long sum, int area, boolean canonical) {
        long pixels = (long) h * w;
        if (sum > pixels) {
            throw new IllegalArgumentException(
                    "RLE counts sum to " + sum + ", more than h*w = " + h + "*" + w + " = " + pixels);
        }
        return new Rle(h, w, counts, sum, area, canonical);
    }

    /** An RLE over all of {@code counts} (copied). */
    public static Rle of(int h, int w, int... counts) {
        return of(h, w, counts, counts.length);
    }

    /** An RLE from counts as read from untrusted JSON (any long), refusing values outside uint32 semantics we support. */
    public static Rle ofLongs(int h, int w, long[] counts) {
        int[] c = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            long v = counts[i];
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE count #" + i + " is out of range [0, 2^31): " + v);
            }
            c[i] = (int) v;
        }
        return of(h, w, c, c.length);
    }

    /** Takes ownership of counts already checked by the caller in this package. */
    static Rle trusted(int h, int w, int[] counts) {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return new Rle(h, w, counts, sum);
    }

    static void checkSize(int h, int w) {
        if (h < 0 || w < 0) {
            throw new IllegalArgumentException("mask size must be non-negative, got h=" + h + ", w=" + w);
        }
        if ((long) h * w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "mask size h*w = " + h + "*" + w + " = " + (long) h * w + " exceeds 2^31-1 pixels");
        }
    }

    public int h() {
        return h;
    }

    public int w() {
        return w;
    }

    /** Number of runs ({@code m} in maskApi.c). */
    public int m() {
        return counts.length;
    }

    /** The i-th run length. */
    public int count(int i) {
        return counts[i];
    }

    /** A copy of the run lengths. */
    public int[] counts() {
        return counts.clone();
    }

    /** The run lengths without a copy, for this package's hot loops. */
    int[] countsView() {
        return counts;
    }

    /** Whether the counts sum to exactly {@code h·w}. */
    public boolean isComplete() {
        return sum == (long) h * w;
    }

    /** No zero-length run after the first: runs alternate strictly, as encode and frPoly produce them. */
    boolean canonical() {
        return canonical;
    }

    /** Foreground pixels (rleArea), computed once. */
    int area() {
        return area;
    }

    /** Sum of the counts. */
    public long countsSum() {
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.h == h && r.w == w && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * h + w) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle{size=[" + h + ", " + w + "], counts=" + Masks.toString(this) + "}";
    }
}
