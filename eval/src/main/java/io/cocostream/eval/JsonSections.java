package io.cocostream.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A COCO file's elements read one at a time, as small trees: the whole file is never in memory
 * (a train2017 ground truth as one tree takes gigabytes).
 */
public final class JsonSections {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is done with each element, given its index in its array. */
    public interface Each {
        void accept(int index, JsonNode element) throws IOException;
    }

    private JsonSections() {}

    /**
     * Each element of one top-level array of a COCO object ({@code images}, {@code annotations},
     * ...), or with {@code section} null each element of a file that is a bare array (results).
     *
     * @throws IllegalArgumentException when the file is not a COCO object (or, for null, not an array)
     */
    public static void forEach(Path file, String section, Each each) throws IOException {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            JsonToken first = p.nextToken();
            if (section == null) {
                if (first != JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException(file + ": expected a JSON array of results");
                }
                elements(p, each);
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(file + ": expected a COCO object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && name.equals(section)) {
                    elements(p, each);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void elements(JsonParser p, Each each) throws IOException {
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            each.accept(i++, p.readValueAsTree());
        }
    }
}
