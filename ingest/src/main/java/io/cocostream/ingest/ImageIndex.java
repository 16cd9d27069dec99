package io.cocostream.ingest;

import java.util.Arrays;
import java.util.function.LongToIntFunction;

/**
 * Pass 1's images by ordinal (file order), in primitive arrays: id, height, width and where the
 * Image record was spilled (-1: no record, an image results name without declaring it).
 */
final class ImageIndex {
    private final LongIntMap ordinals = new LongIntMap(1024);
    private long[] ids = new long[1024];
    private int[] heights = new int[1024];
    private int[] widths = new int[1024];
    private int[] spill = new int[1024];
    private int size;
    /** Sizes by image id, 0 when unknown: made once for the fast reader, not per annotation. */
    private final LongToIntFunction heightOf = id -> sizeOf(id, heights);
    private final LongToIntFunction widthOf = id -> sizeOf(id, widths);

    /** Adds an image (its id must be new); returns its ordinal. */
    int add(long id, int h, int w, int spillIndex) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            heights = Arrays.copyOf(heights, n);
            widths = Arrays.copyOf(widths, n);
            spill = Arrays.copyOf(spill, n);
        }
        ordinals.putIfAbsent(id, size);
        ids[size] = id;
        heights[size] = h;
        widths[size] = w;
        spill[size] = spillIndex;
        return size++;
    }

    /** The ordinal of an image id, -1 when unknown. */
    int ordinalOf(long id) {
        return ordinals.get(id);
    }

    /** Images so far. */
    int size() {
        return size;
    }

    long id(int ordinal) {
        return ids[ordinal];
    }

    int height(int ordinal) {
        return heights[ordinal];
    }

    int width(int ordinal) {
        return widths[ordinal];
    }

    /** Where the image's record was spilled, -1 when it has none. */
    int spillIndex(int ordinal) {
        return spill[ordinal];
    }

    /** Heights by image id, 0 for an image unknown or without a record. */
    LongToIntFunction heights() {
        return heightOf;
    }

    /** Widths by image id, 0 for an image unknown or without a record. */
    LongToIntFunction widths() {
        return widthOf;
    }

    private int sizeOf(long id, int[] sizes) {
        int o = ordinals.get(id);
        return o < 0 || spill[o] < 0 ? 0 : sizes[o];
    }
}
