package io.cocostream.ingest;

import java.util.Arrays;

/** An open-addressing long → int map (no boxing): image ids to ordinals, ids already seen. */
final class LongIntMap {
    private static final int FREE = -1;
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, FREE);
        mask = cap - 1;
    }

    /** The value of {@code key}, or -1. Values must be non-negative. */
    int get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] == FREE) {
                return -1;
            }
            if (keys[i] == key) {
                return values[i];
            }
        }
    }

    /** Puts {@code key → value} if absent; returns the existing value, or -1 if it was absent. */
    int putIfAbsent(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be non-negative: " + value);
        }
        int i = slot(key);
        for (; values[i] != FREE; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return -1;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, FREE);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != FREE) {
                putIfAbsent(oldKeys[i], oldValues[i]);
            }
        }
    }
}
