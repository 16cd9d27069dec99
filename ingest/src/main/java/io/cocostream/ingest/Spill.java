package io.cocostream.ingest;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An append-only temporary file of records (Avro-encoded items, images, dead letters) indexed by
 * offset and length in primitive arrays: what lets ingest regroup a file's annotations by image
 * with memory bounded by the index (about 20 bytes per record), not by the file.
 */
final class Spill implements Closeable {
    private final Path path;
    private final OutputStream out;
    private final FileChannel reader;
    private long written;
    private long[] offsets = new long[1024];
    private int[] lengths = new int[1024];
    private int count;
    /** Map regions of 1 GiB: a MappedByteBuffer holds at most 2 GiB. */
    private static final long REGION = 1L << 30;
    private MappedByteBuffer[] regions = new MappedByteBuffer[0];
    private long mappedUpTo;

    Spill(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.path = Files.createTempFile(dir, "cocostream-spill-", ".bin");
        path.toFile().deleteOnExit();
        this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        this.reader = FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Appends a record; returns its index. */
    int append(byte[] bytes) throws IOException {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        out.write(bytes);
        offsets[count] = written;
        lengths[count] = bytes.length;
        written += bytes.length;
        return count++;
    }

    /** Makes everything appended readable. */
    void flush() throws IOException {
        out.flush();
    }

    /** Reads record {@code i} back (from a memory map of the flushed file: no system call per record). */
    byte[] read(int i) throws IOException {
        byte[] b = new byte[lengths[i]];
        long pos = offsets[i];
        int region = (int) (pos / REGION);
        long end = pos + b.length;
        if (end > mappedUpTo || region != (int) ((end - 1) / REGION) && b.length > 0) {
            // Not mapped yet, or straddling two regions: read it with a system call.
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                if (reader.read(buf, pos + buf.position()) < 0) {
                    throw new IOException("spill file " + path + " ends early");
                }
            }
            return b;
        }
        regions[region].get((int) (pos - (long) region * REGION), b);
        return b;
    }

    /** Maps everything written so far, in regions of {@link #REGION} bytes overlapping by none. */
    void map() throws IOException {
        flush();
        int n = (int) ((written + REGION - 1) / REGION);
        regions = new MappedByteBuffer[n];
        for (int r = 0; r < n; r++) {
            long from = (long) r * REGION;
            regions[r] = reader.map(FileChannel.MapMode.READ_ONLY, from, Math.min(REGION, written - from));
        }
        mappedUpTo = written;
    }

    int count() {
        return count;
    }

    long bytes() {
        return written;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
            reader.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
