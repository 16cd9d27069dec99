package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Image;
import io.cocostream.testing.Fuzz;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded, bounded fuzzing of the JSON readers: the byte path (an element's bytes, as the parallel
 * read takes them), the tree path (Converters), and whole files through ingest. The byte readers
 * return a record or null, never throw, and never accept what the tree path refuses; the tree
 * path throws only CocoFormatException; a whole file always ends in a result (FAILED with a dead
 * letter when it does not parse), never an exception, an OutOfMemoryError or a long run. The
 * classes of input worth keeping are the regression tests below.
 */
class JsonFuzzTest {
    private static final int ITERATIONS = 3000;
    private static final long MAX_NANOS = Fuzz.MAX_NANOS;
    private static final List<byte[]> ANNOTATIONS = new ArrayList<>();
    private static final List<byte[]> IMAGES = new ArrayList<>();
    private static byte[] file;

    @BeforeAll
    static void seeds() throws IOException {
        Path f = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        file = Files.readAllBytes(f);
        JsonNode root = SharedData.JSON.readTree(file);
        for (JsonNode a : root.get("annotations")) {
            ANNOTATIONS.add(SharedData.JSON.writeValueAsBytes(a));
        }
        for (JsonNode im : root.get("images")) {
            IMAGES.add(SharedData.JSON.writeValueAsBytes(im));
        }
    }

    /** One byte changed, inserted, removed, or a JSON-ish token spliced in. */
    static byte[] mutate(Random rnd, byte[] in) {
        byte[] tokens = "{}[],:\"\\-+.eE0123456789nulltruefalse \n\u00e9".getBytes(StandardCharsets.UTF_8);
        List<Byte> b = new ArrayList<>(in.length + 8);
        for (byte x : in) {
            b.add(x);
        }
        for (int n = 1 + rnd.nextInt(3); n > 0 && !b.isEmpty(); n--) {
            int at = rnd.nextInt(b.size());
            switch (rnd.nextInt(4)) {
                case 0 -> b.set(at, tokens[rnd.nextInt(tokens.length)]);
                case 1 -> b.add(at, tokens[rnd.nextInt(tokens.length)]);
                case 2 -> b.remove(at);
                default -> b.set(at, (byte) rnd.nextInt(256));
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    /** The tree path's one documented refusal. */
    private static final List<Class<? extends Exception>> REFUSED = List.of(CocoFormatException.class);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void annotationsByteAndTreePathsAgreeOnMutatedInput(long seed) {
        FastAnnotationReader fast = new FastAnnotationReader(false);
        Fuzz.inputs("annotations", seed, ITERATIONS, REFUSED, rnd -> {
            byte[] raw = mutate(rnd, ANNOTATIONS.get(rnd.nextInt(ANNOTATIONS.size())));
            return () -> {
                byte[] got = fast.read(raw, 0, raw.length, id -> 0, id -> 0);
                JsonNode tree = treeOrNull(raw);
                if (tree == null) {
                    assertNull(got, "the byte path took what is not a JSON object: " + new String(raw, StandardCharsets.UTF_8));
                    return;
                }
                SpecificRecord slow = treePath(got, tree,
                        () -> Converters.instance(tree, AT, Converters.ImageSize.UNKNOWN));
                if (got != null) {
                    assertArrayEquals(ConvertersEquivalenceTest.encode(slow), got, "the same bytes for " + tree);
                }
            };
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void imagesByteAndTreePathsAgreeOnMutatedInput(long seed) {
        FastImageReader fast = new FastImageReader();
        Fuzz.inputs("images", seed, ITERATIONS, REFUSED, rnd -> {
            byte[] raw = mutate(rnd, IMAGES.get(rnd.nextInt(IMAGES.size())));
            return () -> {
                Image got = fast.read(raw, 0, raw.length);
                JsonNode tree = treeOrNull(raw);
                if (tree == null) {
                    assertNull(got, "the byte path took what is not a JSON object: " + new String(raw, StandardCharsets.UTF_8));
                    return;
                }
                Image slow = treePath(got, tree, () -> Converters.image(tree, AT));
                if (got != null) {
                    assertEquals(slow, got);
                }
            };
        });
    }

    private static final Location AT = new Location("fuzz.json", "$.annotations[0]", 1, 1);

    /** The element as the parser reads it, null when it is not a JSON object. */
    private static JsonNode treeOrNull(byte[] raw) {
        try {
            JsonNode tree = CocoJsonReader.JSON.readTree(raw);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The tree path's record; when it refuses, the byte path must have refused too. */
    private static <T> T treePath(Object byBytes, JsonNode tree, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (CocoFormatException e) {
            assertNull(byBytes, "the byte path took what the tree path refuses: " + tree);
            throw e;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void wholeFilesAlwaysEndInAResult(long seed, @TempDir Path dir) {
        int[] n = {0};
        Fuzz.inputs("whole files", seed, 60, List.of(), rnd -> {
            byte[] content = file;
            for (int k = 0; k < 1 + rnd.nextInt(20); k++) {
                content = mutate(rnd, content);
            }
            byte[] bytes = content;
            Path f = dir.resolve("fuzz-" + n[0]++ + ".json");
            return () -> {
                Files.write(f, bytes);
                Ingest.Result r = IngestTest.ingest(f, new MemorySink.Log(), Integer.MAX_VALUE, 100);
                assertTrue(r.status() != BatchStatus.IN_PROGRESS);
            };
        });
    }

    // ---------------------------------------------------------------- the regression corpus

    /** Ingests {@code content} as a file: the result, its dead letters' reasons, and how long it took. */
    private static List<String> failsClearly(Path dir, String name, byte[] content) throws IOException {
        Path f = Files.write(dir.resolve(name), content);
        return failsClearly(f);
    }

    private static List<String> failsClearly(Path f) throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        // The bound is beyond what reading the input costs: a 200 MB file takes half a second to hash here,
        // and ingest reads it twice (the split that gives it up, then the parser that names the problem).
        long t0 = System.nanoTime();
        Digests.sha256(f);
        long reading = System.nanoTime() - t0;
        t0 = System.nanoTime();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        long nanos = System.nanoTime() - t0;
        assertTrue(nanos < MAX_NANOS + 2 * reading, f.getFileName() + " took " + nanos / 1e6 + " ms, reading it "
                + reading / 1e6 + " ms");
        assertEquals(List.of(), log.on(Topics.INSTANCES), "nothing published of a file that does not parse");
        List<String> reasons = log.on(Topics.DEAD_LETTERS).stream().map(s -> ((DeadLetter) s.value()).getReason()).toList();
        assertEquals(BatchStatus.FAILED, r.status(), reasons.toString());
        assertTrue(!reasons.isEmpty());
        return reasons;
    }

    @Test
    void anEmptyFile(@TempDir Path dir) throws IOException {
        assertTrue(failsClearly(dir, "empty.json", new byte[0]).get(0).contains("empty file"));
    }

    @Test
    void binaryGarbage(@TempDir Path dir) throws IOException {
        byte[] b = new byte[100_000];
        new Random(7).nextBytes(b);
        b[0] = (byte) 0x89; // not a '{' or '[' either
        assertTrue(failsClearly(dir, "garbage.json", b).get(0).contains("malformed JSON"));
    }

    @Test
    void aUtf8ByteOrderMarkIsReadLikeJackson(@TempDir Path dir) throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path f = dir.resolve("bom.json");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(bom);
            out.write(file);
        }
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        assertEquals(BatchStatus.COMPLETE, r.status(), r.firstError());
        assertEquals(79, log.on(Topics.INSTANCES).size());
    }

    @Test
    void aHundredThousandNestedBrackets(@TempDir Path dir) throws IOException {
        String deep = "{\"images\": [], \"annotations\": [" + "[".repeat(100_000) + "]".repeat(100_000) + "]}";
        List<String> reasons = failsClearly(dir, "deep.json", deep.getBytes(StandardCharsets.US_ASCII));
        assertTrue(reasons.get(0).contains("nesting depth"), reasons.toString());
    }

    @Test
    void aTwoHundredMegabyteString(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("long-string.json");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            out.write("{\"images\": [{\"id\": 1, \"width\": 10, \"height\": 10, \"file_name\": \"".getBytes(StandardCharsets.US_ASCII));
            byte[] block = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 200; i++) {
                out.write(block);
            }
            out.write("\"}], \"annotations\": []}".getBytes(StandardCharsets.US_ASCII));
        }
        List<String> reasons = failsClearly(f);
        assertTrue(reasons.get(0).contains("String value length"), reasons.toString());
    }

    @Test
    void numbersBeyondDoubleAndABareNaN(@TempDir Path dir) throws IOException {
        String images = "\"images\": [{\"id\": 1, \"width\": 10, \"height\": 10}]";
        String ann = "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": %s, \"bbox\": [1, 1, 7, 6],"
                + " \"segmentation\": [[1, 1, 8, 1, 4, 7]]}";
        for (String number : List.of("1e400", "NaN", "-1e400")) {
            Path f = Files.writeString(dir.resolve("n.json"), "{" + images + ", \"annotations\": ["
                    + String.format(ann, number) + "]}");
            MemorySink.Log log = new MemorySink.Log();
            Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
            assertEquals(1, r.deadLetters(), number);
            DeadLetter d = (DeadLetter) log.on(Topics.DEAD_LETTERS).get(0).value();
            assertEquals("$.annotations[0].area", d.getJsonPath(), number + ": " + d.getReason());
            assertEquals(1, log.on(Topics.INSTANCES).size(), "the image is published, the annotation named on it");
        }
    }

    @Test
    void anImageOfTwoBillionByTwoBillionPixels(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("huge.json"), "{\"images\": [{\"id\": 1, \"width\": 2000000000,"
                + " \"height\": 2000000000}], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1,"
                + " \"area\": 1, \"bbox\": [0, 0, 1, 1], \"iscrowd\": 1, \"segmentation\": {\"size\": [2000000000,"
                + " 2000000000], \"counts\": [0, 1]}}]}");
        MemorySink.Log log = new MemorySink.Log();
        long t0 = System.nanoTime();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        assertTrue(System.nanoTime() - t0 < MAX_NANOS);
        assertEquals(1, r.deadLetters(), "the RLE cannot be of such an image: " + r.firstError());
        assertEquals(1, log.on(Topics.INSTANCES).size());
    }
}
