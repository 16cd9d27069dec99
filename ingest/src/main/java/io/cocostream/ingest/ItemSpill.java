package io.cocostream.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.avro.io.Encoder;

/**
 * A file's annotations (Avro-encoded items) spilled to temporary files by image: bucket {@code b}
 * holds the items of images {@code b << shift} to {@code ((b + 1) << shift) - 1}. Pass 2 walks the
 * images in order, so it reads each bucket once, sequentially, into one reused buffer instead of
 * reading every item with its own system call (a million of them for train2017; a third of pass 2).
 * A bucket larger than its share of the heap (annotations piled on few images) is read item by item.
 */
final class ItemSpill implements Closeable {
    /** What a bucket aims at: one sequential read, small against any heap. */
    private static final long BUCKET_BYTES = 8L << 20;
    /** Open files while writing: one per bucket. */
    private static final int MAX_BUCKETS = 256;

    private final Path dir;
    private final long fileBytes;
    private final int expected;
    /** The largest bucket read whole. */
    private final long maxLoad;
    /** Images per bucket as a power of two; -1 until the first item. */
    private int shift = -1;
    /** Items a bucket's index is sized for at first (it grows if needed). */
    private int bucketItems;
    private Spill[] buckets = new Spill[0];
    /** Each item's record index in its bucket. */
    private int[] local;
    private int count;
    private int loaded = -1;
    private boolean loadedWhole;
    private byte[] data = new byte[0];

    /** Items of a {@code fileBytes} file, about {@code expected} of them. */
    ItemSpill(Path dir, int expected, long fileBytes) {
        this(dir, expected, fileBytes, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));
    }

    ItemSpill(Path dir, int expected, long fileBytes, long maxLoad) {
        this.maxLoad = maxLoad;
        this.dir = dir;
        this.expected = expected;
        this.fileBytes = fileBytes;
        this.local = new int[Math.max(1024, expected)];
    }

    /**
     * Appends an item of image {@code ordinal}; {@code images} is how many images the file has
     * declared so far (fixes the bucket width at the first item; 0 when images come with their
     * items, as in results files: then one bucket).
     */
    void append(int ordinal, int images, byte[] bytes) throws IOException {
        if (shift < 0) {
            int wanted = (int) Math.max(1, Math.min(MAX_BUCKETS, (fileBytes + BUCKET_BYTES - 1) / BUCKET_BYTES));
            int perBucket = images == 0 ? 1 << 30 : Math.max(1, (images + wanted - 1) / wanted);
            shift = 32 - Integer.numberOfLeadingZeros(perBucket - 1);
            long used = images == 0 ? 1 : Math.max(1, (images + (1L << shift) - 1) >>> shift);
            bucketItems = (int) Math.max(1024, expected / used);
        }
        int b = ordinal >>> shift;
        if (b >= buckets.length) {
            buckets = Arrays.copyOf(buckets, Math.max(b + 1, buckets.length * 2));
        }
        if (buckets[b] == null) {
            buckets[b] = new Spill(dir, bucketItems);
        }
        if (count == local.length) {
            local = Arrays.copyOf(local, count + (count >> 1));
        }
        local[count++] = buckets[b].append(bytes);
    }

    /** Items the index holds before it grows. */
    int capacity() {
        return local.length;
    }

    /** Makes everything appended readable. */
    void flush() throws IOException {
        for (Spill s : buckets) {
            if (s != null) {
                s.flush();
            }
        }
    }

    /** Writes item {@code item} of image {@code ordinal}, as raw bytes; cheapest with images visited in order. */
    void writeTo(int item, int ordinal, Encoder out) throws IOException {
        Spill s = load(ordinal);
        int r = local[item];
        if (loadedWhole) {
            out.writeFixed(data, (int) s.start(r), (int) (s.end(r) - s.start(r)));
        } else {
            out.writeFixed(s.read(r));
        }
    }

    /** The encoded size of item {@code item} of image {@code ordinal}, without reading it. */
    long length(int item, int ordinal) {
        return buckets[ordinal >>> shift].length(local[item]);
    }

    /** Item {@code item} of image {@code ordinal}. */
    byte[] read(int item, int ordinal) throws IOException {
        Spill s = load(ordinal);
        int r = local[item];
        return loadedWhole ? Arrays.copyOfRange(data, (int) s.start(r), (int) s.end(r)) : s.read(r);
    }

    private Spill load(int ordinal) throws IOException {
        int b = ordinal >>> shift;
        Spill s = buckets[b];
        if (b != loaded) {
            loaded = b;
            loadedWhole = s.size() <= maxLoad;
            if (loadedWhole) {
                if (data.length < s.size()) {
                    data = new byte[(int) s.size()];
                }
                s.readAll(data);
            }
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Spill s : buckets) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
