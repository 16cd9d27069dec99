package io.cocostream.ingest;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An append-only temporary file of records (Avro-encoded images, dead letters, one image range's
 * annotations) indexed by offset (8 bytes a record, lengths follow from the next offset): what lets
 * ingest regroup a file's annotations by image with memory bounded by the index, not by the file.
 */
final class Spill implements Closeable {
    /** Spill files are {@code cocostream-spill-<pid>-<random>.bin}: the pid says whose they are. */
    private static final String PREFIX = "cocostream-spill-";
    private final Path path;
    private final OutputStream out;
    /** Opened on the first read: a spill being written holds one file descriptor. */
    private FileChannel reader;
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
        this.path = Files.createTempFile(dir, PREFIX + ProcessHandle.current().pid() + "-", ".bin");
        path.toFile().deleteOnExit();
        this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
    }

    /**
     * Deletes the spill files in {@code dir} of processes that are gone (an ingest killed before it
     * could clean up); returns how many.
     */
    static int removeStale(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*.bin")) {
            for (Path f : files) {
                String rest = f.getFileName().toString().substring(PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(rest.substring(0, dash));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    Files.deleteIfExists(f);
                    removed++;
                } catch (IOException e) {
                    // another cleaner got there first, or it is not ours to delete: leave it
                }
            }
        } catch (IOException e) {
            // no folder yet, or not readable: nothing to clean
        }
        return removed;
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
        byte[] b = new byte[(int) (end(i) - offsets[i])];
        readAt(offsets[i], b, b.length);
        return b;
    }

    /** Reads the whole spill into the start of {@code into} in one sequential read. */
    void readAll(byte[] into) throws IOException {
        readAt(0, into, (int) written);
    }

    private void readAt(long pos, byte[] into, int n) throws IOException {
        if (reader == null) {
            reader = FileChannel.open(path, StandardOpenOption.READ);
        }
        ByteBuffer buf = ByteBuffer.wrap(into, 0, n);
        while (buf.hasRemaining()) {
            if (reader.read(buf, pos + buf.position()) < 0) {
                throw new IOException("spill file " + path + " ends early");
            }
        }
    }

    /** Where record {@code i} starts in the file. */
    /** The length of record {@code i}. */
    long length(int i) {
        return end(i) - start(i);
    }

    long start(int i) {
        return offsets[i];
    }

    /** Where record {@code i} ends in the file. */
    long end(int i) {
        return i + 1 < count ? offsets[i + 1] : written;
    }

    /** Bytes appended so far. */
    long size() {
        return written;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
            if (reader != null) {
                reader.close();
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
