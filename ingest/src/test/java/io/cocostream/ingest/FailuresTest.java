package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ingest does when a delivery is not simply good: corrections and redeliveries, images too
 * large to publish, ids beyond 64 bits, a resumed batch's manifest, spills of a killed run.
 */
public class FailuresTest {
    private static final Path INSTANCES = SharedData.coco().resolve("instances/instances_val2017_mini.json");

    private static Ingest.Result ingest(Ingest.Options o, MemorySink.Log log) throws IOException {
        return Ingest.run(o.withProducer("test"), batch -> new MemorySink(log, Integer.MAX_VALUE), new Ingest.Progress() { });
    }

    @Test
    void aRedeliveryIsANewBatchAndPublishesAgain() throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result first = ingest(Ingest.Options.of(INSTANCES), log);
        Ingest.Result again = ingest(Ingest.Options.of(INSTANCES), log);
        assertTrue(again.alreadyIngested(), "the same delivery twice publishes nothing");
        Ingest.Result redelivered = ingest(Ingest.Options.of(INSTANCES).withRedeliver(true), log);
        assertFalse(redelivered.alreadyIngested());
        assertTrue(redelivered.batchId().startsWith(first.batchId() + "-r"), redelivered.batchId());
        assertEquals(2 * 79, log.on(Topics.INSTANCES).size(), "every image published again");
        assertEquals(BatchStatus.COMPLETE, redelivered.status());
    }

    @Test
    void aCorrectedPngIsANewDelivery(@TempDir Path dir) throws IOException {
        Path pngs = Files.createDirectories(dir.resolve("pan"));
        BufferedImage png = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        png.setRGB(1, 1, 7);
        ImageIO.write(png, "png", pngs.resolve("1.png").toFile());
        Path f = dir.resolve("pan.json");
        Files.writeString(f, "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}],"
                + " \"annotations\": [{\"image_id\": 1, \"file_name\": \"1.png\", \"segments_info\": [{\"id\": 7,"
                + " \"category_id\": 1, \"area\": 1, \"bbox\": [1, 1, 1, 1]}]}], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result before = ingest(Ingest.Options.of(f), log);
        png.setRGB(2, 2, 7);
        ImageIO.write(png, "png", pngs.resolve("1.png").toFile());
        Ingest.Result fixed = ingest(Ingest.Options.of(f), log);
        assertNotEquals(before.batchId(), fixed.batchId(), "the batch id covers the PNGs");
        assertFalse(fixed.alreadyIngested());
        assertEquals(2, log.on(Topics.PANOPTIC).size());
        BatchManifest m = (BatchManifest) log.on(Topics.BATCHES).get(1).value();
        assertEquals(Digests.sha256(f), m.getSha256(), "the manifest's sha256 stays the file's own");
    }

    @Test
    void anImageWithTooManyAnnotationsIsDeadLetteredAndTheRestPublished() throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        // Image 397133 (the first) has 14 annotations; most have fewer.
        Ingest.Result r = ingest(Ingest.Options.of(INSTANCES).withMaxAnnotationsPerImage(13), log);
        List<DeadLetter> dead = log.on(Topics.DEAD_LETTERS).stream().map(s -> (DeadLetter) s.value()).toList();
        assertTrue(dead.size() > 0);
        assertEquals(dead.size(), r.deadLetters());
        assertEquals(BatchStatus.COMPLETE_WITH_DEAD_LETTERS, r.status());
        assertTrue(dead.get(0).getReason().matches("image \\d+ has \\d+ annotations, more than the 13 .*"),
                dead.get(0).getReason());
        assertEquals(79 - dead.size(), log.on(Topics.INSTANCES).size(), "every other image is published");
        long published = log.on(Topics.INSTANCES).stream()
                .mapToLong(s -> ((InstancesEvent) s.value()).getAnnotations().size()).max().orElseThrow();
        assertTrue(published <= 13, "no published image has more than 13: " + published);
    }

    /** A file whose image 1 has {@code n} annotations (the largest real COCO image has a few hundred) and image 2 one. */
    public static Path crowdedImage(Path dir, int n) throws IOException {
        Path f = dir.resolve("crowded.json");
        try (java.io.Writer w = Files.newBufferedWriter(f)) {
            w.write("{\"images\": [{\"id\": 1, \"height\": 100, \"width\": 100}, {\"id\": 2, \"height\": 100,"
                    + " \"width\": 100}],\n\"categories\": [{\"id\": 1, \"name\": \"x\"}],\n\"annotations\": [\n");
            for (int i = 1; i <= n + 1; i++) {
                w.write((i == 1 ? "" : ",\n") + "{\"id\": " + i + ", \"image_id\": " + (i <= n ? 1 : 2)
                        + ", \"category_id\": 1, \"area\": 21, \"bbox\": [1, 1, 7, 6], \"segmentation\": [[1, 1, 8, 1, 4, 7]]}");
            }
            w.write("]}");
        }
        return f;
    }

    @Test
    void anImageOfAMillionAnnotationsIsDeadLetteredAtTheDefaultLimit(@TempDir Path dir) throws IOException {
        Path f = crowdedImage(dir, 1_000_000);
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = ingest(Ingest.Options.of(f).withSpillDir(dir), log);
        assertEquals(1, r.deadLetters());
        DeadLetter d = (DeadLetter) log.on(Topics.DEAD_LETTERS).get(0).value();
        assertTrue(d.getReason().startsWith("image 1 has 1000000 annotations, more than the 100000"), d.getReason());
        assertEquals(List.of(2L), log.on(Topics.INSTANCES).stream().map(s -> s.key()).toList(), "image 2 published");
    }

    @Test
    void anImageWhoseEventExceedsTheRecordLimitIsDeadLettered() throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = Ingest.run(Ingest.Options.of(INSTANCES).withProducer("test"), batch -> new MemorySink(log,
                Integer.MAX_VALUE) {
            @Override
            public long maxRecordBytes() {
                return 4_000;
            }
        }, new Ingest.Progress() { });
        List<DeadLetter> dead = log.on(Topics.DEAD_LETTERS).stream().map(s -> (DeadLetter) s.value()).toList();
        assertTrue(dead.size() > 0 && dead.size() < 79, dead.size() + " dead letters");
        assertTrue(dead.get(0).getReason().contains("more than the 4000 a record may have"), dead.get(0).getReason());
        assertEquals(79 - dead.size(), log.on(Topics.INSTANCES).size());
        assertEquals(dead.size(), r.deadLetters());
    }

    @Test
    void idsBeyond64BitsAreDeadLetteredNotWrappedAround(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("big-ids.json");
        Files.writeString(f, "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}, {\"id\": 18446744073709551617,"
                + " \"height\": 10, \"width\": 10}],\n\"annotations\": [" + BadInputTest.GOOD.replace("\"image_id\": 2", "\"image_id\": 1")
                + ",\n{\"id\": 18446744073709551621, \"image_id\": 1, \"category_id\": 1, \"area\": 21, \"bbox\": [1, 1, 7, 6],"
                + " \"segmentation\": [[1, 1, 8, 1, 4, 7]]}], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = ingest(Ingest.Options.of(f), log);
        List<DeadLetter> dead = log.on(Topics.DEAD_LETTERS).stream().map(s -> (DeadLetter) s.value()).toList();
        assertEquals(2, dead.size(), dead.toString());
        assertEquals("$.images[1].id", dead.get(0).getJsonPath());
        assertTrue(dead.get(0).getReason().contains("18446744073709551617"), dead.get(0).getReason());
        assertEquals("$.annotations[1].id", dead.get(1).getJsonPath());
        assertTrue(dead.get(1).getReason().contains("64-bit range"), dead.get(1).getReason());
        assertEquals(1, r.images(), "image 1 only: no image 1 made of 2^64 + 1");
        InstancesEvent e = (InstancesEvent) log.on(Topics.INSTANCES).get(0).value();
        assertEquals(List.of(100L), e.getAnnotations().stream().map(a -> a.getId()).toList(), "no annotation 5");
    }

    @Test
    void aBadRecordIsNamedOnItsImagesEvent(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("one-bad.json");
        Files.writeString(f, "{" + BadInputTest.IMAGES + ",\n\"annotations\": [" + BadInputTest.GOOD + ",\n"
                + "{\"id\": 5, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": [[0, 0, 1, 0, 1]]},\n"
                + "{\"image_id\": 1, \"category_id\": 1, \"area\": 1, \"bbox\": [0, 0, 1, 1], \"segmentation\": []},\n"
                + "{\"id\": 6, \"image_id\": 9, \"category_id\": 1, \"area\": 1, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": [[0, 0, 1, 0, 1, 1]]}]}");
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = ingest(Ingest.Options.of(f), log);
        assertEquals(3, r.deadLetters());
        InstancesEvent one = (InstancesEvent) log.on(Topics.INSTANCES).get(0).value();
        assertEquals(1L, one.getImageId());
        assertEquals(List.of(), one.getAnnotations());
        assertEquals(2, one.getRejected().size(), "both of image 1's bad annotations: " + one.getRejected());
        assertEquals(5L, one.getRejected().get(0).getId());
        assertTrue(one.getRejected().get(0).getJsonPath().startsWith("$.annotations[1]"), one.getRejected().get(0).toString());
        assertEquals(3, one.getRejected().get(0).getLine());
        assertEquals(null, one.getRejected().get(1).getId(), "no id to read: its place says which");
        assertTrue(one.getRejected().get(1).getJsonPath().startsWith("$.annotations[2]"));
        InstancesEvent two = (InstancesEvent) log.on(Topics.INSTANCES).get(1).value();
        assertEquals(List.of(), two.getRejected(), "image 2's annotation was fine; image 9 is not in the file");
        // Which dead letters an event names (the topology alerts the others from the dead letter itself).
        assertEquals(List.of(true, true, false), log.on(Topics.DEAD_LETTERS).stream()
                .map(s -> ((DeadLetter) s.value()).getNamedOnEvent()).toList());
        assertEquals(9L, ((DeadLetter) log.on(Topics.DEAD_LETTERS).get(2).value()).getImageId());
    }

    @Test
    void aResumedBatchsFinalManifestCoversEveryRun() throws IOException {
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Options o = Ingest.Options.of(INSTANCES).withProducer("test").withChunkImages(20);
        try {
            Ingest.run(o, batch -> new MemorySink(log, 2), new Ingest.Progress() { });
        } catch (IllegalStateException crash) {
            // the simulated crash after two committed chunks
        }
        Ingest.Result r = Ingest.run(o, batch -> new MemorySink(log, Integer.MAX_VALUE), new Ingest.Progress() { });
        assertEquals(40, r.resumedAfterImages());
        List<BatchManifest> manifests = log.on(Topics.BATCHES).stream().map(s -> (BatchManifest) s.value()).toList();
        BatchManifest last = manifests.get(manifests.size() - 1);
        assertEquals(BatchStatus.COMPLETE, last.getStatus());
        Map<String, Long> perTopic = last.getRecordsPerTopic();
        assertEquals(79L, perTopic.get(Topics.INSTANCES), "every image's event, over both runs");
        assertEquals(80L, perTopic.get(Topics.CATEGORIES), "the categories the first run wrote");
        assertEquals(624L, last.getAnnotations());
        assertEquals(79, log.on(Topics.INSTANCES).size(), "and each exactly once");
    }

    @Test
    void spillsOfAKilledRunAreRemovedByTheNext(@TempDir Path dir) throws IOException {
        Path dead = Files.writeString(dir.resolve("cocostream-spill-" + Integer.MAX_VALUE + "-1.bin"), "left behind");
        Path mine = Files.writeString(dir.resolve("cocostream-spill-" + ProcessHandle.current().pid() + "-1.bin"), "in use");
        Path other = Files.writeString(dir.resolve("notes.bin"), "not a spill");
        ingest(Ingest.Options.of(INSTANCES).withSpillDir(dir), new MemorySink.Log());
        assertFalse(Files.exists(dead), "a spill of a process that is gone");
        assertTrue(Files.exists(mine), "a live process's spill stays");
        assertTrue(Files.exists(other));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "the run's own spills are gone too");
        }
    }
}
