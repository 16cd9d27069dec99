package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.InstancesEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad deliveries: each bad record becomes a dead letter naming the file, JSON path and
 * line, with its raw JSON, and every valid image is still published.
 */
class BadInputTest {
    static final String IMAGES = "\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10, \"file_name\": \"1.jpg\"},"
            + " {\"id\": 2, \"height\": 10, \"width\": 10, \"file_name\": \"2.jpg\"}]";
    static final String GOOD = "{\"id\": 100, \"image_id\": 2, \"category_id\": 1, \"iscrowd\": 0, \"area\": 21,"
            + " \"bbox\": [1, 1, 7, 6], \"segmentation\": [[1, 1, 8, 1, 4, 7]]}";

    /** A file with one good annotation (image 2) and one bad one (image 1), and the error expected. */
    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("missing category_id", "{\"id\": 1, \"image_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].category_id", "missing required field"),
                bad("wrong type", "{\"id\": 1, \"image_id\": \"one\", \"category_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].image_id", "expected an integer"),
                bad("unknown image", "{\"id\": 1, \"image_id\": 9, \"category_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].image_id", "unknown image 9"),
                bad("duplicate id", "{\"id\": 100, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].id", "duplicate annotation id 100"),
                bad("negative area", "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": -4, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].area", "must not be negative"),
                bad("NaN bbox", "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"bbox\": [0,NaN,1,1], \"segmentation\": [[0,0,1,0,1,1]]}",
                        "$.annotations[1].bbox[1]", "finite number"),
                bad("odd polygon", "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": [[0,0,1,0,1,1,5]]}",
                        "$.annotations[1].segmentation[0]", "odd 7 numbers"),
                bad("RLE of another size", "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": {\"size\": [20, 10], \"counts\": [5, 195]}}",
                        "$.annotations[1].segmentation.size", "differs from its image's [10, 10]"),
                bad("RLE counts overrun", "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1, \"area\": 1, \"bbox\": [0,0,1,1], \"segmentation\": {\"size\": [10, 10], \"counts\": [5, 195]}}",
                        "$.annotations[1].segmentation.counts", "more than h*w"));
    }

    private static Arguments bad(String name, String annotation, String path, String message) {
        return Arguments.of(name, "{" + IMAGES + ",\n \"annotations\": [" + GOOD + ",\n " + annotation
                + "],\n \"categories\": [{\"id\": 1, \"name\": \"thing\", \"supercategory\": \"x\"}]}", path, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badRecordIsDeadLetteredWithWhereAndWhyAndTheRestIsPublished(String name, String json, String path,
            String message, @TempDir Path dir) throws IOException {
        Path f = dir.resolve("delivery.json");
        Files.writeString(f, json);
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        assertEquals(1, r.deadLetters(), name);
        assertEquals(BatchStatus.COMPLETE_WITH_DEAD_LETTERS, r.status());
        DeadLetter d = (DeadLetter) log.on(Topics.DEAD_LETTERS).get(0).value();
        assertEquals(path, d.getJsonPath(), d.getReason());
        assertTrue(d.getReason().contains(message), d.getReason());
        assertTrue(!d.getReason().contains(f.toString()), "where is in the fields, not the reason: " + d.getReason());
        assertEquals(3, d.getLine(), "line of the bad annotation");
        assertTrue(d.getRaw() != null && d.getRaw().startsWith("{"), "raw JSON kept");
        assertEquals("delivery.json", d.getSourceFile());
        // Both images still get their event; the good annotation is in image 2's.
        List<MemorySink.Sent> events = log.on(Topics.INSTANCES);
        assertEquals(2, events.size());
        InstancesEvent two = (InstancesEvent) events.get(1).value();
        assertEquals(1, two.getAnnotations().size());
        assertEquals(100L, two.getAnnotations().get(0).getId());
    }

    @Test
    void truncatedFilePublishesOnlyItsDeadLetterAndAFailedManifest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("truncated.json");
        Files.writeString(f, "{" + IMAGES + ",\n \"annotations\": [" + GOOD + ",\n {\"id\": 5, \"image_"
                + "x".repeat(20_000));
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        assertEquals(BatchStatus.FAILED, r.status());
        assertEquals(1, r.deadLetters());
        DeadLetter d = (DeadLetter) log.on(Topics.DEAD_LETTERS).get(0).value();
        assertTrue(d.getReason().contains("malformed JSON"), d.getReason());
        assertEquals(3, d.getLine());
        assertEquals(List.of(), log.on(Topics.INSTANCES), "no event: the views keep what they had");
        assertEquals(List.of(), log.on(Topics.CATEGORIES));
        BatchManifest m = (BatchManifest) log.on(Topics.BATCHES).get(0).value();
        assertEquals(BatchStatus.FAILED, m.getStatus());
        assertEquals(0, m.getImages());
        // The hash is the whole file's, though reading stopped early (one JSON token in).
        assertEquals(Digests.sha256(f), m.getSha256());
    }

    @Test
    void missingOversizedAndMismatchedPngsAreDeadLettered(@TempDir Path dir) throws IOException {
        Path pngs = Files.createDirectories(dir.resolve("pan"));
        ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "png", pngs.resolve("1.png").toFile());
        ImageIO.write(new BufferedImage(4000, 10, BufferedImage.TYPE_INT_RGB), "png", pngs.resolve("2.png").toFile());
        Files.writeString(pngs.resolve("3.png"), "not a png");
        Path f = dir.resolve("pan.json");
        Files.writeString(f, "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}, {\"id\": 2, \"height\": 10, \"width\": 10},"
                + " {\"id\": 3, \"height\": 10, \"width\": 10}, {\"id\": 4, \"height\": 10, \"width\": 10}],\n"
                + "\"annotations\": [{\"image_id\": 1, \"file_name\": \"1.png\", \"segments_info\": []},\n"
                + "{\"image_id\": 2, \"file_name\": \"2.png\", \"segments_info\": []},\n"
                + "{\"image_id\": 3, \"file_name\": \"3.png\", \"segments_info\": []},\n"
                + "{\"image_id\": 4, \"file_name\": \"4.png\", \"segments_info\": []}],\n"
                + "\"categories\": [{\"id\": 1, \"name\": \"x\", \"isthing\": 1}]}");
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        assertEquals(3, r.deadLetters());
        List<String> reasons = log.on(Topics.DEAD_LETTERS).stream().map(s -> ((DeadLetter) s.value()).getReason()).toList();
        assertTrue(reasons.get(0).contains("more than the 100 allowed"), reasons.get(0));
        assertTrue(reasons.get(1).contains("3.png"), reasons.get(1));
        assertTrue(reasons.get(2).contains("4.png"), reasons.get(2));
        assertEquals(4, log.on(Topics.PANOPTIC).size(), "every image still gets its event");
    }
}
