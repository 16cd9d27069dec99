package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pass 1 split over parsing threads publishes exactly what the sequential scan publishes: the same
 * records in the same order, dead letters with the same JSON path, line and column, and the same
 * batch id (the file's hash), on real files, on files of many chunks and on bad ones.
 */
class ParallelReadTest {
    @TempDir
    Path tmp;

    /** Every published record as text, without the times that differ between two runs. */
    static List<String> published(Path file, int parsers) throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        Ingest.run(Ingest.Options.of(file).withProducer("test").withParsers(parsers).withSpillDir(file.getParent()),
                batch -> new MemorySink(log, Integer.MAX_VALUE), new Ingest.Progress() { });
        List<String> out = new ArrayList<>();
        for (MemorySink.Sent s : log.committed) {
            out.add(s.topic() + " " + s.key() + " " + s.value().toString()
                    .replaceAll("\"(ingest_time|started_at|completed_at|occurred_at)\": [0-9.:TZ\"-]+", "\"$1\": _"));
        }
        return out;
    }

    private static void sameAsSequential(Path file) throws IOException {
        List<String> sequential = published(file, 0);
        assertEquals(sequential, published(file, 2), file.toString());
        assertEquals(sequential, published(file, 1), file.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"instances/instances_val2017_mini.json",
        "person_keypoints/person_keypoints_val2017_mini.json", "stuff/cocostuffapi__stuff_examples.json",
        "panoptic/panopticapi__panoptic_coco_detection_format.json"})
    void sharedFiles(String relative) throws IOException {
        Path copy = tmp.resolve(Path.of(relative).getFileName());
        Files.copy(SharedData.coco().resolve(relative), copy);
        sameAsSequential(copy);
    }

    @Test
    void aFileOfManyChunksWithBadAnnotationsOnManyLines() throws IOException {
        Path synth = tmp.resolve("synth.json");
        Synth.write(Kind.INSTANCES, 3000, 7, synth);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(synth.toFile());
        ArrayNode anns = (ArrayNode) root.get("annotations");
        // Spread over the chunks: an unknown image, a repeated id, a wrong type, a negative area.
        ((ObjectNode) anns.get(10)).put("image_id", 999_999_999L);
        ((ObjectNode) anns.get(5000)).put("id", anns.get(4000).get("id").asLong());
        ((ObjectNode) anns.get(9000)).put("category_id", "seven");
        ((ObjectNode) anns.get(anns.size() - 1)).put("area", -1);
        // Pretty-printed, so that lines and columns of the dead letters say something.
        Path pretty = tmp.resolve("pretty.json");
        json.writerWithDefaultPrettyPrinter().writeValue(pretty.toFile(), root);
        assertTrue(Files.size(pretty) > 3 * ElementSplitter.CHUNK_BYTES, "several chunks");
        List<String> sequential = published(pretty, 0);
        assertEquals(4, sequential.stream().filter(s -> s.startsWith(Topics.DEAD_LETTERS)).count());
        assertEquals(sequential, published(pretty, 2));
    }

    static Stream<Arguments> badFiles() {
        return Stream.concat(BadInputTest.corpus().map(a -> Arguments.of(a.get()[0], a.get()[1])), Stream.of(
                Arguments.of("annotations before images", "{\"annotations\": [" + BadInputTest.GOOD + "], "
                        + BadInputTest.IMAGES + "}"),
                Arguments.of("truncated", "{" + BadInputTest.IMAGES + ", \"annotations\": [" + BadInputTest.GOOD + ", {\"id\": 3"),
                Arguments.of("malformed number", "{" + BadInputTest.IMAGES + ", \"annotations\": ["
                        + BadInputTest.GOOD.replace("21", "2.1.2") + "]}"),
                Arguments.of("a key twice", "{" + BadInputTest.IMAGES + ", \"annotations\": [" + BadInputTest.GOOD
                        + "], \"annotations\": []}"),
                Arguments.of("annotations not an array", "{" + BadInputTest.IMAGES + ", \"annotations\": {}}"),
                Arguments.of("trailing content", "{" + BadInputTest.IMAGES + ", \"annotations\": ["
                        + BadInputTest.GOOD + "]} []"),
                Arguments.of("an element that is not an object", "{" + BadInputTest.IMAGES + ", \"annotations\": [7, "
                        + BadInputTest.GOOD + ", \"x\"]}"),
                Arguments.of("escapes and brackets in strings", "{\"info\": {\"d\": \"a \\\"]}[{\"}, " + BadInputTest.IMAGES
                        + ", \"annotations\": [" + BadInputTest.GOOD.replace("\"iscrowd\"", "\"note\": \"}]\\\\\", \"iscrowd\"")
                        + "]}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFiles(String name, String content) throws IOException {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        sameAsSequential(file);
    }

    @Test
    void deadLettersKeepTheirLineAndColumn() throws IOException {
        Path file = tmp.resolve("lines.json");
        Files.writeString(file, "{" + BadInputTest.IMAGES + ",\n\"annotations\": [\n  " + BadInputTest.GOOD
                + ",\n    {\"id\": 7, \"image_id\": 9, \"category_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1],"
                + " \"segmentation\": [[0,0,1,0,1,1]]}]}");
        MemorySink.Log log = new MemorySink.Log();
        Ingest.run(Ingest.Options.of(file).withParsers(2).withSpillDir(tmp),
                batch -> new MemorySink(log, Integer.MAX_VALUE), new Ingest.Progress() { });
        DeadLetter d = (DeadLetter) log.on(Topics.DEAD_LETTERS).get(0).value();
        assertEquals("$.annotations[1].image_id", d.getJsonPath());
        assertEquals(4, d.getLine());
        assertEquals(5, d.getColumn());
        JsonNode raw = new ObjectMapper().readTree(d.getRaw());
        assertEquals(9, raw.get("image_id").asInt());
    }
}
