package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Image;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast readers (from an element's bytes, as the parallel pass 1 reads) write exactly the bytes
 * the tree path writes, and accept nothing it refuses.
 */
class ConvertersEquivalenceTest {

    /** Compares the two paths on every annotation of a file; returns how many the fast path took. */
    static int compare(Path file, boolean keypoints) throws IOException {
        FastAnnotationReader fromBytes = new FastAnnotationReader(keypoints);
        return compare(file, "annotations", raw -> fromBytes.read(raw, 0, raw.length, id -> 0, id -> 0),
                (tree, at) -> keypoints ? Converters.keypoints(tree, at, Converters.ImageSize.UNKNOWN)
                        : Converters.instance(tree, at, Converters.ImageSize.UNKNOWN));
    }

    /** Compares the byte reader with the tree path on every image of a file; returns how many the byte reader took. */
    static int compareImages(Path file) throws IOException {
        FastImageReader fromBytes = new FastImageReader();
        return compare(file, "images", raw -> {
            Image got = fromBytes.read(raw, 0, raw.length);
            return got == null ? null : encode(got);
        }, Converters::image);
    }

    /** A fast reader from an element's bytes: its Avro bytes, or null. */
    interface BytePath {
        byte[] read(byte[] raw) throws IOException;
    }

    /** The tree path, which throws CocoFormatException for what it refuses. */
    interface TreePath {
        SpecificRecord read(JsonNode tree, Location at);
    }

    /**
     * Reads every element of {@code section} with the byte reader and with the tree path: the byte
     * reader accepts nothing the tree path refuses and writes the tree path's bytes. Returns how
     * many elements the byte reader took.
     */
    static int compare(Path file, String section, BytePath bytes, TreePath trees) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int taken = 0;
        try (JsonParser p = CocoJsonReader.JSON.getFactory().createParser(all)) {
            JsonToken t = p.nextToken();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                boolean wanted = p.currentName().equals(section);
                p.nextToken();
                if (!wanted) {
                    p.skipChildren();
                    continue;
                }
                long index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    Location at = new Location(file.toString(), "$." + section + "[" + index++ + "]",
                            p.currentTokenLocation().getLineNr(), p.currentTokenLocation().getColumnNr());
                    int from = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    byte[] raw = Arrays.copyOfRange(all, from, (int) p.currentLocation().getByteOffset());
                    JsonNode tree = CocoJsonReader.JSON.readTree(raw);
                    byte[] got = bytes.read(raw);
                    SpecificRecord slow;
                    try {
                        slow = trees.read(tree, at);
                    } catch (CocoFormatException e) {
                        assertNull(got, "the fast path must not accept what the tree path refuses: " + tree);
                        continue;
                    }
                    if (got != null) {
                        assertArrayEquals(encode(slow), got, "same Avro bytes for " + tree);
                        taken++;
                    }
                }
            }
        }
        return taken;
    }

    static byte[] encode(SpecificRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(r.getSchema()).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, false, 624",
        "person_keypoints/person_keypoints_val2017_mini.json, true, 118",
        "stuff/cocostuffapi__stuff_examples.json, false, 17",
        "panoptic/panopticapi__panoptic_coco_detection_format.json, false, 50",
    })
    void sharedFilesTakeTheFastPathWithIdenticalBytes(String relative, boolean keypoints, int expected) throws IOException {
        assertEquals(expected, compare(SharedData.coco().resolve(relative), keypoints));
    }

    /** Numbers written every way JSON allows, each read as Jackson reads it (bit for bit, via the Avro bytes). */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void everyWayOfWritingANumberReadsTheSame(long seed, @TempDir Path dir) throws IOException {
        java.util.Random rnd = new java.util.Random(seed);
        StringBuilder sb = new StringBuilder("{\"annotations\": [");
        for (int i = 0; i < 2000; i++) {
            StringBuilder poly = new StringBuilder();
            for (int j = 0; j < 8; j++) {
                poly.append(j == 0 ? "" : ", ").append(number(rnd));
            }
            sb.append(i == 0 ? "" : ",\n").append("{\"id\": ").append(i + 1).append(", \"image_id\": 1, \"category_id\": 1")
                    .append(", \"area\": ").append(number(rnd).replace("-", ""))
                    .append(", \"bbox\": [").append(number(rnd)).append(", ").append(number(rnd)).append(", 3, 4e0]")
                    .append(", \"segmentation\": [[").append(poly).append("]], \"extra\": {\"a\": [true, null, \"x\\\"\\u00e9\"]}}");
        }
        Path f = dir.resolve("numbers.json");
        Files.writeString(f, sb.append("]}").toString());
        assertEquals(2000, compare(f, false));
    }

    private static String number(java.util.Random rnd) {
        double v = (rnd.nextDouble() - 0.2) * Math.pow(10, rnd.nextInt(12) - 4);
        return switch (rnd.nextInt(9)) {
            case 0 -> Double.toString(v);
            case 1 -> String.format(java.util.Locale.ROOT, "%.2f", v);
            case 2 -> String.format(java.util.Locale.ROOT, "%.17f", v);
            case 3 -> String.format(java.util.Locale.ROOT, "%e", v);
            case 4 -> String.format(java.util.Locale.ROOT, "%.3E", v);
            case 5 -> Long.toString((long) v);
            case 6 -> new java.math.BigDecimal(v).toPlainString();
            case 7 -> rnd.nextBoolean() ? "-0" : "-0.0";
            default -> Long.toString(rnd.nextLong());
        };
    }

    @Test
    void badCorpusAndSyntheticFilesAgree(@TempDir Path dir) throws IOException {
        for (Kind k : new Kind[] {Kind.INSTANCES, Kind.PERSON_KEYPOINTS, Kind.STUFF}) {
            Path f = dir.resolve(k.id() + ".json");
            Synth.write(k, 50, 3, f);
            compare(f, k == Kind.PERSON_KEYPOINTS);
        }
        int i = 0;
        for (var args : (Iterable<org.junit.jupiter.params.provider.Arguments>) BadInputTest.corpus()::iterator) {
            Path f = dir.resolve("bad" + i++ + ".json");
            Files.writeString(f, (String) args.get()[1]);
            compare(f, false);
        }
        Path odd = dir.resolve("odd.json");
        Files.writeString(odd, "{\"annotations\": [{\"id\": 1.0, \"image_id\": 1, \"category_id\": 1, \"area\": 1,"
                + " \"bbox\": [0, 0, 1, 1], \"segmentation\": [[0, 0, 1, 0, 1, 1]], \"bbox\": [0, 0, 2, 2]},"
                + " {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"iscrowd\": 2, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"size\": [10.0, 10], \"counts\": \"0T3\"}}]}");
        compare(odd, false);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, 79",
        "person_keypoints/person_keypoints_val2017_mini.json, 79",
        "captions/captions_val2017.json, 5000",
        "panoptic/panopticapi__panoptic_examples.json, 2",
        "stuff/cocostuffapi__stuff_examples.json, 2",
    })
    void sharedImagesTakeTheFastPathWithIdenticalBytes(String relative, int expected) throws IOException {
        assertEquals(expected, compareImages(SharedData.coco().resolve(relative)));
    }

    @Test
    void oddImagesAgree(@TempDir Path dir) throws IOException {
        String[] odd = {
            "{\"id\": 1, \"width\": 640, \"height\": 480}",
            "{ \"height\" : 480 ,\n \"width\":640, \"extra\": {\"a\": [1, \"}\", null]}, \"id\": 7 }",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"license\": 1.5, \"file_name\": 12}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"license\": \"3\", \"coco_url\": null, \"file_name\": null}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"license\": -2, \"date_captured\": \"2013-11-14 16:28:13\"}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"license\": 99999999999999999999}",
            "{\"id\": 1.0, \"width\": 640, \"height\": 480}",
            "{\"id\": -1, \"width\": 640, \"height\": 480}",
            "{\"id\": 1, \"width\": 0, \"height\": 480}",
            "{\"id\": 1, \"width\": 4294967296, \"height\": 480}",
            "{\"id\": 1, \"height\": 480}",
            "{\"id\": 1, \"id\": 2, \"width\": 640, \"height\": 480}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"file_name\": \"caf\u00e9.jpg\"}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"file_name\": \"a\\\"b.jpg\", \"flickr_url\": \"http://x/y\"}",
            "{\"id\": 1, \"width\": 640, \"height\": 480, \"file_name\": \"a\\u0041.jpg\"}",
            "{}",
        };
        Path f = dir.resolve("images.json");
        Files.writeString(f, "{\"images\": [" + String.join(",\n", odd) + "]}");
        // Plain ones are taken; everything unusual is left to the tree path, which decides the same or names the problem.
        assertEquals(3, compareImages(f));
    }
}
