package io.cocostream.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Splits a COCO file into the elements of its top-level arrays with a byte-level scan that only
 * follows strings and brackets (no number is parsed, no token built), and hands them on in chunks
 * of whole elements, each chunk a JSON array of its own: what lets the expensive parsing of
 * annotations run on every core while one thread reads the file.
 *
 * <p>It only knows well-formed COCO objects. Anything else (a bare results array, a key given
 * twice, a section that is not an array, content after the top-level object, a file that ends
 * early) throws {@link Fallback}: the caller then reads the file with the sequential Jackson scan,
 * which names the problem where it is.
 *
 * <p>Its string skipping is its own, not {@link JsonCursor}'s: it runs over a buffer that refills
 * from the file mid-string and checks nothing (the parsers do), where the cursor reads one whole
 * element in memory and checks every byte.
 */
final class ElementSplitter {
    /** This file needs the sequential scan. */
    static final class Fallback extends Exception {
        private static final long serialVersionUID = 1L;

        Fallback(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Elements {@code firstIndex..} of a section as one JSON array {@code [e0,e1,...]}: element i
     * is {@code json[starts[i], ends[i])}, starting at 1-based {@code lines[i]}:{@code columns[i]}
     * of the file (bytes, as Jackson counts them).
     */
    record Chunk(String section, long firstIndex, byte[] json, int[] starts, int[] ends, long[] lines,
            long[] columns) {
        int size() {
            return starts.length;
        }
    }

    /** Receives the sections and their chunks in file order. */
    interface Handler {
        void begin(String section) throws IOException, Fallback;

        void chunk(Chunk chunk) throws IOException, Fallback;
    }

    /**
     * A chunk is handed on once it holds this many bytes. Its copy stays under G1's humongous size
     * (half a region: 512 KB on heaps below 2 GB); 1 MB chunks started a concurrent cycle each.
     */
    static final int CHUNK_BYTES = 1 << 18;
    /**
     * The largest element the split holds in memory: a real one is a few KB (a crowd RLE of a large
     * image a few MB); anything larger goes to the sequential scan, whose parser refuses values
     * beyond its limits (a 20 MB string) without holding them.
     */
    static final int MAX_ELEMENT_BYTES = 64 << 20;
    private static final int BLOCK = 1 << 22;
    /** Byte classes: 0 passes through an element without a look. */
    private static final byte[] CLASS = new byte[256];
    private static final byte OPEN = 1;
    private static final byte CLOSE = 2;
    private static final byte QUOTE = 3;
    private static final byte NEWLINE = 4;

    static {
        CLASS['{'] = OPEN;
        CLASS['['] = OPEN;
        CLASS['}'] = CLOSE;
        CLASS[']'] = CLOSE;
        CLASS['"'] = QUOTE;
        CLASS['\n'] = NEWLINE;
    }

    private final FileChannel in;
    private final MessageDigest digest;
    private final LongConsumer progress;
    private byte[] buf = new byte[BLOCK];
    private int pos;
    private int limit;
    /** File offset of buf[0]. */
    private long base;
    /** File offset from which the buffer must keep its bytes: the open chunk's first element, if any. */
    private long keep = Long.MAX_VALUE;
    private long line = 1;
    /** File offset of the current line's first byte. */
    private long lineStart;

    private ElementSplitter(FileChannel in, MessageDigest digest, LongConsumer progress) {
        this.in = in;
        this.digest = digest;
        this.progress = progress;
    }

    /**
     * Splits {@code file}, feeding every byte to {@code digest} and the bytes read so far to
     * {@code progress}; returns the top-level keys in file order.
     */
    static List<String> split(Path file, Set<String> sections, MessageDigest digest, Handler handler,
            LongConsumer progress) throws IOException, Fallback {
        try (FileChannel ch = FileChannel.open(file)) {
            return new ElementSplitter(ch, digest, progress).top(sections, handler);
        }
    }

    private List<String> top(Set<String> sections, Handler handler) throws IOException, Fallback {
        List<String> keys = new ArrayList<>();
        if (next() != '{') {
            throw new Fallback("not a COCO object");
        }
        int b = next();
        while (b != '}') {
            if (b != '"') {
                throw new Fallback("expected a key");
            }
            String key = key();
            if (keys.contains(key)) {
                throw new Fallback("key " + key + " given twice");
            }
            keys.add(key);
            if (next() != ':') {
                throw new Fallback("expected ':'");
            }
            if (sections.contains(key)) {
                if (next() != '[') {
                    throw new Fallback(key + " is not an array");
                }
                handler.begin(key);
                elements(key, handler);
            } else {
                skipValue(next());
            }
            b = next();
            if (b == ',') {
                b = next();
            } else if (b != '}') {
                throw new Fallback("expected ',' or '}'");
            }
        }
        if (next() != -1) {
            throw new Fallback("content after the top-level object");
        }
        return keys;
    }

    /** The elements of the array whose '[' was just read. */
    private void elements(String section, Handler handler) throws IOException, Fallback {
        long index = 0;
        long first = 0;
        LongList starts = new LongList();
        LongList ends = new LongList();
        LongList lines = new LongList();
        LongList columns = new LongList();
        int b = next();
        if (b == ']') {
            return;
        }
        while (true) {
            long start = offset() - 1;
            if (starts.size == 0) {
                keep = start;
                first = index;
            }
            starts.add(start);
            lines.add(line);
            columns.add(start - lineStart + 1);
            skipValue(b);
            ends.add(offset());
            index++;
            b = next();
            boolean last = b == ']';
            if (!last && b != ',') {
                throw new Fallback("expected ',' or ']' in " + section);
            }
            if (last || offset() - starts.at(0) >= CHUNK_BYTES) {
                handler.chunk(chunk(section, first, starts, ends, lines, columns));
                starts.size = ends.size = lines.size = columns.size = 0;
                keep = Long.MAX_VALUE;
            }
            if (last) {
                return;
            }
            b = next();
        }
    }

    private Chunk chunk(String section, long first, LongList starts, LongList ends, LongList lines, LongList columns) {
        long from = starts.at(0);
        long to = ends.at(ends.size - 1);
        byte[] json = new byte[(int) (to - from) + 2];
        json[0] = '[';
        System.arraycopy(buf, (int) (from - base), json, 1, (int) (to - from));
        json[json.length - 1] = ']';
        int n = starts.size;
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (int) (starts.at(i) - from) + 1;
            e[i] = (int) (ends.at(i) - from) + 1;
        }
        return new Chunk(section, first, json, s, e, Arrays.copyOf(lines.values, n), Arrays.copyOf(columns.values, n));
    }

    /** Skips the value whose first byte {@code b} was just read, leaving pos just after it. */
    private void skipValue(int b) throws IOException, Fallback {
        if (b == '"') {
            skipString();
            return;
        }
        if (b != '{' && b != '[') {
            // A scalar: through its last character.
            while (true) {
                if (pos == limit && !fill()) {
                    return;
                }
                int c = buf[pos];
                if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    return;
                }
                pos++;
            }
        }
        int depth = 1;
        // Locals, not fields, in the loop that sees every byte of the file: written back around calls.
        byte[] data = buf;
        int p = pos;
        int lim = limit;
        while (true) {
            while (p < lim && CLASS[data[p] & 0xff] == 0) {
                p++;
            }
            if (p == lim) {
                pos = p;
                if (!fill()) {
                    throw new Fallback("the file ends inside a value");
                }
                data = buf;
                p = pos;
                lim = limit;
                continue;
            }
            byte c = CLASS[data[p++] & 0xff];
            if (c == OPEN) {
                depth++;
            } else if (c == CLOSE) {
                if (--depth == 0) {
                    pos = p;
                    return;
                }
            } else if (c == QUOTE) {
                pos = p;
                skipString();
                data = buf;
                p = pos;
                lim = limit;
            } else {
                line++;
                lineStart = base + p;
            }
        }
    }

    /** Skips a string whose opening quote was just read. */
    private void skipString() throws IOException, Fallback {
        while (true) {
            if (pos == limit && !fill()) {
                throw new Fallback("the file ends inside a string");
            }
            byte c = buf[pos++];
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                if (pos == limit && !fill()) {
                    throw new Fallback("the file ends inside a string");
                }
                pos++;
            } else if (c == '\n') {
                // Not valid JSON, but counted so that lines stay right until a parser says so.
                line++;
                lineStart = offset();
            }
        }
    }

    /** A key whose opening quote was just read; escaped keys are left to the sequential scan. */
    private String key() throws IOException, Fallback {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = nextRaw();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' || c < 0x20) {
                throw new Fallback("a key with escapes or control characters");
            }
            sb.append((char) c);
        }
    }

    /** The next byte after whitespace, -1 at the end of the file. */
    private int next() throws IOException, Fallback {
        while (true) {
            if (pos == limit && !fill()) {
                return -1;
            }
            int c = buf[pos++] & 0xff;
            if (c == '\n') {
                line++;
                lineStart = offset();
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return c;
            }
        }
    }

    private int nextRaw() throws IOException, Fallback {
        if (pos == limit && !fill()) {
            throw new Fallback("the file ends inside a key");
        }
        return buf[pos++] & 0xff;
    }

    /** File offset of pos. */
    private long offset() {
        return base + pos;
    }

    /** Reads more of the file, keeping the bytes from {@link #keep} on; false at its end. */
    private boolean fill() throws IOException, Fallback {
        int from = (int) (Math.min(keep, offset()) - base);
        if (from > 0) {
            System.arraycopy(buf, from, buf, 0, limit - from);
            base += from;
            pos -= from;
            limit -= from;
        }
        if (limit == buf.length) {
            // One element larger than the buffer: memory grows with the largest element only, up to a bound.
            if (buf.length >= MAX_ELEMENT_BYTES) {
                throw new Fallback("an element of more than " + (MAX_ELEMENT_BYTES >> 20) + " MB");
            }
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, limit, buf.length - limit);
        int n = in.read(bb);
        if (n <= 0) {
            return false;
        }
        digest.update(buf, limit, n);
        limit += n;
        progress.accept(base + limit);
        return true;
    }

    /** A growable list of longs. */
    private static final class LongList {
        long[] values = new long[1024];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long at(int i) {
            return values[i];
        }
    }
}
