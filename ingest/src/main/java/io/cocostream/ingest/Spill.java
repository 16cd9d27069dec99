package io.cocostream.ingest;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An append-only temporary file of records (Avro-encoded items, images, dead letters) indexed by
 * offset (8 bytes a record, lengths follow from the next offset): what lets ingest regroup a
 * file's annotations by image with memory bounded by the index, not by the file.
 */
final class Spill implements Closeable {
    private final Path path;
    private final OutputStream out;
    private final FileChannel reader;
    private long written;
    /** Start of each record; a record ends where the next starts (or at {@link #written}). */
    private long[] offsets = new long[1024];
    private int count;

    /** A spill expecting about {@code expected} records (sized once to avoid copies while growing). */
    Spill(Path dir, int expected) throws IOException {
        this(dir);
        offsets = new long[Math.max(1024, expected)];
    }

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
            offsets = Arrays.copyOf(offsets, count + (count >> 1));
        }
        out.write(bytes);
        offsets[count] = written;
        written += bytes.length;
        return count++;
    }

    /** Makes everything appended readable. */
    void flush() throws IOException {
        out.flush();
    }

    /** Reads record {@code i} back. */
    byte[] read(int i) throws IOException {
        long end = i + 1 < count ? offsets[i + 1] : written;
        byte[] b = new byte[(int) (end - offsets[i])];
        ByteBuffer buf = ByteBuffer.wrap(b);
        long pos = offsets[i];
        while (buf.hasRemaining()) {
            int n = reader.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("spill file " + path + " ends early");
            }
        }
        return b;
    }

    /** Records the index can hold before it grows. */
    int capacity() {
        return offsets.length;
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
