package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.testing.SharedData;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch folder takes complete files only, moves them with a report, and survives restarts. */
class WatchFolderTest {

    @Test
    void aReportGetsItsDeliverysValidationOnceThatHasEnded(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        MemorySink.Log log = new MemorySink.Log();
        Map<String, BatchReport> topic = new HashMap<>();
        WatchFolder w = new WatchFolder(in, 0, f -> IngestTest.ingest(f, log, Integer.MAX_VALUE, 100), ids -> {
            Map<String, BatchReport> asked = new HashMap<>(topic);
            asked.keySet().retainAll(ids);
            return asked;
        });
        Files.copy(SharedData.coco().resolve("instances/instances_val2017_mini.json"), in.resolve("vendor.json"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (w.pollOnce() == 0) {
            assertTrue(System.currentTimeMillis() < deadline, "not taken");
            Thread.sleep(50);
        }
        Path written = in.resolve("done/vendor.report.json");
        JsonNode report = SharedData.JSON.readTree(written.toFile());
        assertFalse(report.has("validation"), "not validated yet");
        String batch = report.get("batch_id").asText();

        // Still validating: the report stays as it was
        topic.put(batch, BatchReport.newBuilder().setBatchId(batch).setStatus(ReportStatus.VALIDATING)
                .setImagesValidated(40).setUpdatedAt(Instant.EPOCH).build());
        w.pollOnce();
        assertFalse(SharedData.JSON.readTree(written.toFile()).has("validation"));

        // Validated: written again with it, and no more after that
        topic.put(batch, BatchReport.newBuilder(topic.get(batch)).setStatus(ReportStatus.VALIDATED).setImagesValidated(79)
                .setErrors(Map.of("area.polygon", 2L)).build());
        w.pollOnce();
        JsonNode validated = SharedData.JSON.readTree(written.toFile());
        assertEquals("VALIDATED", validated.get("validation").get("status").asText());
        assertEquals(2, validated.get("validation").get("errors").get("area.polygon").asLong());
        assertEquals(report.get("images"), validated.get("images"), "what the ingest said stays");
        topic.put(batch, BatchReport.newBuilder(topic.get(batch)).setImagesValidated(1).build());
        w.pollOnce();
        assertEquals(79, SharedData.JSON.readTree(written.toFile()).get("validation").get("images_validated").asLong());
    }

    @Test
    void halfWrittenFileWaitsCompleteOnesGoToDoneBadOnesToFailed(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        MemorySink.Log log = new MemorySink.Log();
        WatchFolder.FileIngest ingest = f -> IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        WatchFolder w = new WatchFolder(in, 300, ingest);

        // A vendor is still writing: half of a valid file, growing between polls.
        byte[] full = Files.readAllBytes(SharedData.coco().resolve("instances/instances_val2017_mini.json"));
        Path growing = in.resolve("vendor.json");
        try (OutputStream out = Files.newOutputStream(growing)) {
            out.write(full, 0, full.length / 2);
            out.flush();
            assertEquals(0, w.pollOnce());
            Thread.sleep(400);
            out.write(full, full.length / 2, 1000);
            out.flush();
            assertEquals(0, w.pollOnce(), "size changed: not taken");
            Thread.sleep(100);
            assertEquals(0, w.pollOnce(), "still settling");
            out.write(full, full.length / 2 + 1000, full.length - full.length / 2 - 1000);
        }
        // A file renamed into the folder, and a bad one.
        Path staged = dir.resolve("captions.json.part");
        Files.copy(SharedData.coco().resolve("captions/captions_val2017_mini.json"), staged);
        Files.move(staged, in.resolve("captions.json"), StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(in.resolve("broken.json"), "{\"images\": [");
        int taken = 0;
        long deadline = System.currentTimeMillis() + 10_000;
        while (taken < 3 && System.currentTimeMillis() < deadline) {
            taken += w.pollOnce();
            Thread.sleep(100);
        }
        assertEquals(3, taken);
        assertTrue(Files.exists(in.resolve("done/vendor.json")));
        assertTrue(Files.readString(in.resolve("done/vendor.report.json")).contains("\"annotations\" : 624"));
        assertTrue(Files.exists(in.resolve("done/captions.json")));
        assertTrue(Files.exists(in.resolve("failed/broken.json")));
        assertTrue(Files.readString(in.resolve("failed/broken.report.json")).contains("malformed JSON"));
        assertEquals(79, log.on(Topics.INSTANCES).size());

        // A restart sees nothing new; the same delivery dropped again is recognised, not republished.
        WatchFolder restarted = new WatchFolder(in, 0, ingest);
        assertEquals(0, restarted.pollOnce());
        Files.copy(in.resolve("done/vendor.json"), in.resolve("again.json"));
        restarted.pollOnce();
        Thread.sleep(50);
        assertEquals(1, restarted.pollOnce());
        assertTrue(Files.readString(in.resolve("done/again.report.json")).contains("\"already_ingested\" : true"));
        assertEquals(79, log.on(Topics.INSTANCES).size(), "nothing published twice");
    }

    @Test
    void aClusterThatRefusesUsEndsTheWatchAndTheFileStaysForTheNextOne(@TempDir Path in) throws Exception {
        // Given a delivery in the folder and a cluster that refuses the watcher's credentials
        Files.copy(SharedData.coco().resolve("instances/instances_val2017_mini.json"), in.resolve("vendor.json"));
        MemorySink.Log log = new MemorySink.Log();
        WatchFolder refused = new WatchFolder(in, 0, f -> {
            throw new SaslAuthenticationException("Authentication failed: invalid credentials");
        });

        // When the watcher takes it (once it has seen it settle), the refusal ends the watch
        long deadline = System.currentTimeMillis() + 5000;
        SaslAuthenticationException ended = null;
        while (ended == null && System.currentTimeMillis() < deadline) {
            try {
                assertEquals(0, refused.pollOnce());
                Thread.sleep(50);
            } catch (SaslAuthenticationException e) {
                ended = e;
            }
        }
        assertNotNull(ended, "the refusal reached the watch's caller");

        // Then the file is where the vendor put it, with no report saying it failed
        assertTrue(Files.exists(in.resolve("vendor.json")));
        assertFalse(Files.exists(in.resolve("failed/vendor.json")), "not the file's fault");
        assertFalse(Files.exists(in.resolve("failed/vendor.report.json")));
        assertFalse(Files.exists(in.resolve("done/vendor.json")));
        // and the watcher restarted with the right credentials takes it whole
        WatchFolder fixed = new WatchFolder(in, 0, f -> IngestTest.ingest(f, log, Integer.MAX_VALUE, 100));
        int taken = 0;
        while (taken == 0 && System.currentTimeMillis() < deadline + 5000) {
            taken = fixed.pollOnce();
            Thread.sleep(50);
        }
        assertEquals(1, taken);
        assertTrue(Files.exists(in.resolve("done/vendor.json")));
        assertEquals(79, log.on(Topics.INSTANCES).size());
    }

    @Test
    void aCopyThatPausesLongerThanTheSettleTimeIsTakenOnlyWhenComplete(@TempDir Path in) throws Exception {
        MemorySink.Log log = new MemorySink.Log();
        List<Long> sizesTaken = new ArrayList<>();
        WatchFolder w = new WatchFolder(in, 200, f -> {
            sizesTaken.add(Files.size(f));
            return IngestTest.ingest(f, log, Integer.MAX_VALUE, 100);
        });
        byte[] full = Files.readAllBytes(SharedData.coco().resolve("instances/instances_val2017_mini.json"));
        Path copy = in.resolve("slow.json");
        try (OutputStream out = Files.newOutputStream(copy)) {
            for (int piece = 0; piece < 3; piece++) {
                out.write(full, piece * full.length / 4, full.length / 4);
                out.flush();
                // Each pause is longer than the settle time: size and time are stable, the JSON is not complete.
                long until = System.currentTimeMillis() + 700;
                while (System.currentTimeMillis() < until) {
                    assertEquals(0, w.pollOnce(), "piece " + piece + " is not a delivery");
                    Thread.sleep(50);
                }
            }
            out.write(full, 3 * full.length / 4, full.length - 3 * full.length / 4);
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (w.pollOnce() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of((long) full.length), sizesTaken, "taken once, whole");
        assertEquals(79, log.on(Topics.INSTANCES).size());
        assertTrue(Files.readString(in.resolve("done/slow.report.json")).contains("\"annotations\" : 624"));
    }

    @Test
    void temporaryNamesWaitForTheirRenameWhichIsTakenAtOnce(@TempDir Path in) throws Exception {
        MemorySink.Log log = new MemorySink.Log();
        WatchFolder w = new WatchFolder(in, 60_000, f -> IngestTest.ingest(f, log, Integer.MAX_VALUE, 100));
        Path shared = SharedData.coco().resolve("captions/captions_val2017_mini.json");
        for (String name : List.of("a.json.part", "b.json.tmp", "c.json.partial", "d.json.crdownload", ".e.json")) {
            Files.copy(shared, in.resolve(name));
        }
        assertEquals(0, w.pollOnce());
        assertEquals(0, w.pollOnce(), "temporary and hidden names are never taken");
        Files.move(in.resolve("a.json.part"), in.resolve("a.json"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals(1, w.pollOnce(), "a rename completes a delivery: no settle time to wait");
        assertTrue(Files.exists(in.resolve("done/a.json")));
        assertEquals(79, log.on(Topics.CAPTIONS).size());
    }
}
