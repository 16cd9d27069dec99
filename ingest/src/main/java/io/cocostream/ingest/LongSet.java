package io.cocostream.ingest;

import java.util.Arrays;

/**
 * A set of non-negative longs in one open-addressing array (8 bytes a slot, no boxing, any
 * capacity rather than powers of two): the annotation ids seen, for millions of annotations in a
 * small heap.
 */
final class LongSet {
    private static final long EMPTY = Long.MIN_VALUE;
    private static final double LOAD = 0.7;
    private long[] slots;
    private int size;

    LongSet(int expected) {
        slots = new long[Math.max(16, (int) (expected / LOAD) + 1)];
        Arrays.fill(slots, EMPTY);
    }

    /** Adds {@code v} (≥ 0); returns false if it was already there. */
    boolean add(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("only non-negative values: " + v);
        }
        int i = slot(v, slots.length);
        while (slots[i] != EMPTY) {
            if (slots[i] == v) {
                return false;
            }
            i = i + 1 == slots.length ? 0 : i + 1;
        }
        slots[i] = v;
        if (++size > slots.length * LOAD) {
            grow();
        }
        return true;
    }

    private static int slot(long v, int capacity) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) Long.remainderUnsigned(h ^ (h >>> 29), capacity);
    }

    private void grow() {
        long[] old = slots;
        slots = new long[(int) Math.min(Integer.MAX_VALUE - 8, old.length * 1.6)];
        Arrays.fill(slots, EMPTY);
        size = 0;
        for (long v : old) {
            if (v != EMPTY) {
                add(v);
            }
        }
    }
}
