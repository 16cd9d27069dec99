package io.cocostream.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Streams a COCO file with Jackson's token API: the top level is walked token by token and only
 * one element of a top-level array (an image, an annotation, a category) is held as a tree at a
 * time, so memory is bounded by the largest element, not by the file. Top-level keys may come in
 * any order; a bare top-level array (a results file) is the section {@link #RESULTS}.
 */
public final class CocoJsonReader {
    /** The section name of a bare top-level array. */
    public static final String RESULTS = "";

    /** Accepts NaN and Infinity as numbers so that validation can name them instead of failing the file. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    /** Receives one element of a requested section. */
    @FunctionalInterface
    public interface ElementHandler {
        void element(String section, long index, JsonNode element, Location location);

        /** Called when a requested section starts, before its elements. */
        default void begin(String section) {}

        /** Whether to build the tree of this element; false skips it unparsed. */
        default boolean wants(String section, long index) {
            return true;
        }
    }

    private final Path file;
    private volatile long bytesRead;

    public CocoJsonReader(Path file) {
        this.file = file;
    }

    /** Whether {@code file} is one complete JSON value: a token scan that builds nothing. */
    public static boolean parsesToEnd(Path file) {
        try (JsonParser p = JSON.getFactory().createParser(file.toFile())) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes of the file read so far by the running scan, for progress. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Calls the handler for every element of the requested top-level arrays, in file order. */
    public void scan(Set<String> sections, ElementHandler handler) {
        scan(sections, handler, new ArrayList<>(), null);
    }

    /**
     * {@link #scan(Set, ElementHandler)}, feeding every byte read to {@code digest} as well.
     *
     * @return the file's top-level keys in file order
     */
    public List<String> scan(Set<String> sections, ElementHandler handler, MessageDigest digest) {
        List<String> keys = new ArrayList<>();
        scan(sections, handler, keys, digest);
        return keys;
    }

    private void scan(Set<String> sections, ElementHandler handler, List<String> keysSeen, MessageDigest digest) {
        String name = file.toString();
        try (InputStream raw = counting(Files.newInputStream(file));
                InputStream in = digest == null ? raw : new DigestInputStream(raw, digest);
                JsonParser p = JSON.getFactory().createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                keysSeen.add(RESULTS);
                if (sections.contains(RESULTS)) {
                    handler.begin(RESULTS);
                }
                readArray(p, RESULTS, "$", sections.contains(RESULTS), handler);
            } else if (t == JsonToken.START_OBJECT) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    keysSeen.add(key);
                    JsonToken v = p.nextToken();
                    if (sections.contains(key)) {
                        if (v != JsonToken.START_ARRAY) {
                            throw new CocoFormatException(location(p, "$." + key), "expected an array, found " + v);
                        }
                        handler.begin(key);
                        readArray(p, key, "$." + key, true, handler);
                    } else {
                        p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new CocoFormatException(location(p, "$"), "expected a key or '}', found " + t);
                }
            } else {
                throw new CocoFormatException(location(p, "$"),
                        "expected a COCO object or a results array, found " + (t == null ? "an empty file" : t));
            }
            if (p.nextToken() != null) {
                throw new CocoFormatException(location(p, "$"), "unexpected content after the top-level value");
            }
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new CocoFormatException(new Location(name, pathOf(e), l == null ? -1 : l.getLineNr(),
                    l == null ? -1 : l.getColumnNr()), "malformed JSON: " + plain(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new CocoFormatException(new Location(name, "$", -1, -1), "cannot read: " + e, e);
        }
    }

    /** A parser's message without its internals (source descriptions, setting names). */
    static String plain(String message) {
        return message.replaceAll("\\s*at \\[Source: [^]]*]", "").replaceAll(", from `[^`]*`", "")
                .replace("StreamReadConstraints", "the reader's limits");
    }

    private InputStream counting(InputStream in) {
        bytesRead = 0;
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            }
        };
    }

    private void readArray(JsonParser p, String section, String path, boolean deliver, ElementHandler handler)
            throws IOException {
        long index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new CocoFormatException(location(p, path + "[" + index + "]"), "file ends inside " + path);
            }
            if (deliver && handler.wants(section, index)) {
                Location at = location(p, path + "[" + index + "]");
                JsonNode element = p.readValueAsTree();
                handler.element(section, index, element, at);
            } else {
                p.skipChildren();
            }
            index++;
        }
    }

    private Location location(JsonParser p, String path) {
        JsonLocation l = p.currentTokenLocation();
        return new Location(file.toString(), path, l.getLineNr(), l.getColumnNr());
    }

    private static String pathOf(JsonProcessingException e) {
        Object src = e.getProcessor();
        if (src instanceof JsonParser jp) {
            return jsonPointerToPath(jp.getParsingContext().pathAsPointer().toString());
        }
        return "$";
    }

    /** {@code /annotations/3/bbox} as {@code $.annotations[3].bbox}. */
    static String jsonPointerToPath(String pointer) {
        StringBuilder sb = new StringBuilder("$");
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append('.').append(part);
            }
        }
        return sb.toString();
    }
}
