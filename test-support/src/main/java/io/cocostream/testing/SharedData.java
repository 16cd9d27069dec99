package io.cocostream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The read-only reference data in {@code ../shared/coco}, read in place. */
public final class SharedData {
    public static final ObjectMapper JSON = new ObjectMapper();

    private SharedData() {}

    /** The shared COCO folder, found from the module or the project root. */
    public static Path coco() {
        for (Path p : List.of(Path.of("../shared/coco"), Path.of("../../shared/coco"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("../shared/coco not found from " + Path.of("").toAbsolutePath());
    }

    public static JsonNode readJson(String relative) {
        try {
            return JSON.readTree(coco().resolve(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> readJsonLines(String relative) {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<String> lines = Files.lines(coco().resolve(relative))) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** A JSON node as the generic List/Map/Number/String tree the Mask API's dispatch takes. */
    public static Object plain(JsonNode n) {
        return JSON.convertValue(n, Object.class);
    }

    public static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    public static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }
}
