package io.cocostream.mask;

import java.util.Arrays;

/**
 * Caller-owned, reusable work buffers for {@link Masks}: one per thread, so that rasterizing and
 * merging thousands of masks allocates only when a buffer has to grow.
 */
public final class MaskScratch {
    /** Default cap on boundary steps of one polygon (5× upsampled perimeter), so hostile coordinates cannot hang. */
    public static final long DEFAULT_MAX_POLY_STEPS = 1L << 27;

    int[] a = new int[1024];
    int[] b = new int[1024];
    int[] c = new int[1024];
    int[] d = new int[1024];
    /** frPoly's crossings so far (in a, their columns in b) and their column range. */
    int crossings;
    int xmin;
    int xmax;
    byte[] bytes = new byte[1024];
    char[] chars = new char[1024];
    final long maxPolySteps;

    public MaskScratch() {
        this(DEFAULT_MAX_POLY_STEPS);
    }

    /** Scratch whose polygons may have at most {@code maxPolySteps} upsampled boundary steps. */
    public MaskScratch(long maxPolySteps) {
        if (maxPolySteps <= 0) {
            throw new IllegalArgumentException("maxPolySteps must be positive, got " + maxPolySteps);
        }
        this.maxPolySteps = maxPolySteps;
    }

    static int[] grow(int[] buf, int needed) {
        if (needed <= buf.length) {
            return buf;
        }
        return Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
    }

    static char[] grow(char[] buf, int needed) {
        if (needed <= buf.length) {
            return buf;
        }
        return Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
    }

    static byte[] grow(byte[] buf, int needed) {
        if (needed <= buf.length) {
            return buf;
        }
        return Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
    }
}
