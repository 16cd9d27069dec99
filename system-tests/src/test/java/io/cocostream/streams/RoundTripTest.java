package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.streams.clients.Exporter;
import io.cocostream.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every shared file of an exportable kind: ingest, the topology's views, export, and the result
 * equals the input as data (images, categories, annotations; numbers equal; PNGs pixel-identical).
 */
class RoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, instances, ''",
        "person_keypoints/person_keypoints_val2017_mini.json, person_keypoints, ''",
        "captions/captions_val2017_mini.json, captions, ''",
        "captions/captions_val2017.json, captions, ''",
        "stuff/cocostuffapi__stuff_examples.json, stuff, ''",
        "panoptic/panopticapi__panoptic_coco_detection_format.json, instances, ''",
        "panoptic/panopticapi__panoptic_examples.json, panoptic, panoptic/panopticapi__panoptic_examples",
    })
    void exportEqualsTheIngestedFile(String relative, String kindName, String png) throws IOException {
        Kind kind = Kind.parse(kindName);
        Path file = SharedData.coco().resolve(relative);
        Path pngIn = png.isEmpty() ? null : SharedData.coco().resolve(png);
        Path out = tmp.resolve("out.json");
        Path pngOut = tmp.resolve("png");
        try (Driver d = new Driver()) {
            Deliveries.ingest(d, file, pngIn);
            Map<Long, SpecificRecord> views = Driver.latest(d.read(Exporter.topicOf(kind)));
            List<ValidationAlert> errors = d.alerts().stream().filter(a -> a.getSeverity() == Severity.ERROR).toList();
            assertEquals(List.of(), errors, "real COCO raises no error alert");
            Exporter.Summary s = Exporter.export(kind, action -> views.values().forEach(action),
                    d.categories.values(), out, pngOut, false);
            assertTrue(s.images() > 0, "images exported");
        }
        JsonNode in = JSON.readTree(file.toFile());
        JsonNode back = JSON.readTree(out.toFile());
        same("images", byId(in.get("images"), "id"), byId(back.get("images"), "id"));
        String annKey = kind == Kind.PANOPTIC ? "image_id" : "id";
        same("annotations", byId(in.get("annotations"), annKey), byId(back.get("annotations"), annKey));
        if (in.has("categories")) {
            same("categories", byId(in.get("categories"), "id"), byId(back.get("categories"), "id"));
        }
        if (pngIn != null) {
            for (JsonNode a : in.get("annotations")) {
                String name = a.get("file_name").asText();
                samePixels(name, ImageIO.read(pngIn.resolve(name).toFile()), ImageIO.read(pngOut.resolve(name).toFile()));
            }
        }
    }

    private static Map<Long, JsonNode> byId(JsonNode list, String key) {
        Map<Long, JsonNode> m = new TreeMap<>();
        for (JsonNode n : list) {
            assertTrue(m.put(n.get(key).asLong(), n) == null, "one entry per " + key);
        }
        return m;
    }

    private static void same(String what, Map<Long, JsonNode> expected, Map<Long, JsonNode> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what + " ids");
        for (Map.Entry<Long, JsonNode> e : expected.entrySet()) {
            String diff = diff(what + "[" + e.getKey() + "]", e.getValue(), actual.get(e.getKey()));
            if (diff != null) {
                fail(diff + "\nexpected " + e.getValue() + "\nactual   " + actual.get(e.getKey()));
            }
        }
    }

    /** Where two JSON values differ as data (numbers by value), or null. */
    static String diff(String path, JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? null : path + ": " + a + " != " + b;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return path + ": fields " + names(a) + " != " + names(b);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!b.has(f.getKey())) {
                    return path + ": no field " + f.getKey();
                }
                String d = diff(path + "." + f.getKey(), f.getValue(), b.get(f.getKey()));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return path + ": " + a.size() + " elements != " + b.size();
            }
            for (int i = 0; i < a.size(); i++) {
                String d = diff(path + "[" + i + "]", a.get(i), b.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return a.equals(b) ? null : path + ": " + a + " != " + b;
    }

    private static List<String> names(JsonNode n) {
        List<String> l = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l.stream().sorted().toList();
    }

    private static void samePixels(String name, BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth(), name + " width");
        assertEquals(a.getHeight(), b.getHeight(), name + " height");
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    fail(name + " differs at (" + x + ", " + y + "): " + Integer.toHexString(a.getRGB(x, y))
                            + " != " + Integer.toHexString(b.getRGB(x, y)));
                }
            }
        }
    }
}
