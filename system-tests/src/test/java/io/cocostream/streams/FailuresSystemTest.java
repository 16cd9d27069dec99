package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.ingest.DecodingSink;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.WatchFolder;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed or partial delivery never changes what consumers have: the three cases, end to
 * end from a file to the instances view (ingest piped into the topology).
 */
class FailuresSystemTest {
    private static final Path GOOD = SharedData.coco().resolve("instances/instances_val2017_mini.json");
    private Driver d;
    /** The instances view as a compacted topic holds it, kept across reads. */
    private final Map<Long, SpecificRecord> view = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        d = new Driver();
        assertEquals(BatchStatus.COMPLETE, Deliveries.ingest(d, GOOD, null).status());
        assertEquals(624, annotations(), "the good delivery is served");
    }

    @AfterEach
    void stop() {
        d.close();
    }

    private long annotations() {
        view.putAll(Driver.latest(d.read(Topics.INSTANCES_VIEW)));
        return view.values().stream().mapToLong(v -> ((InstanceView) v).getAnnotations().size()).sum();
    }

    private Ingest.Result ingest(Ingest.Options o) throws IOException {
        return Ingest.run(o.withProducer("test"), batch -> new DecodingSink() {
            @Override
            protected void accept(String topic, Object key, SpecificRecord value) {
                d.pipe(topic, key, value);
            }
        }, new Ingest.Progress() { });
    }

    @Test
    void aCopyWithASyntaxErrorLeavesTheViewsAsTheyWere(@TempDir Path dir) throws IOException {
        String json = Files.readString(GOOD);
        int cut = json.indexOf("\"annotations\"") + json.substring(json.indexOf("\"annotations\"")).length() / 2;
        Path broken = Files.writeString(dir.resolve("instances_val2017_mini.json"),
                json.substring(0, cut) + "}{" + json.substring(cut));
        Ingest.Result r = ingest(Ingest.Options.of(broken));
        assertEquals(BatchStatus.FAILED, r.status());
        assertEquals(624, annotations(), "before this fix: 321");
    }

    @Test
    void aFileCopiedSlowlyIntoTheWatchFolderIsTakenWhole(@TempDir Path dir) throws Exception {
        WatchFolder w = new WatchFolder(dir, 100, f -> ingest(Ingest.Options.of(f).withRedeliver(true)));
        byte[] full = Files.readAllBytes(GOOD);
        try (OutputStream out = Files.newOutputStream(dir.resolve("slow.json"))) {
            out.write(full, 0, full.length / 3);
            out.flush();
            for (int i = 0; i < 6; i++) {
                Thread.sleep(100);
                assertEquals(0, w.pollOnce(), "a third of a file, settled, is not a delivery");
            }
            out.write(full, full.length / 3, full.length - full.length / 3);
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (w.pollOnce() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(dir.resolve("done/slow.json")));
        assertEquals(624, annotations(), "before this fix: 570");
    }

    @Test
    void aBadDeliveryIsAlertedAndARedeliveryOfTheGoodOneRestoresIt(@TempDir Path dir) throws IOException {
        // The vendor's second delivery breaks one polygon (odd length) and changes one area.
        String json = Files.readString(GOOD);
        String bad = json.replaceFirst("\"segmentation\": \\[\\[([-0-9.]+), ", "\"segmentation\": [[$1, 1.5, 2.5, ")
                .replaceFirst("\"area\": ([0-9.]+),", "\"area\": 999999,");
        Path second = Files.writeString(dir.resolve("instances_val2017_mini.json"), bad, StandardCharsets.UTF_8);
        d.alerts();
        ingest(Ingest.Options.of(second));
        List<ValidationAlert> alerts = d.alerts();
        assertTrue(alerts.stream().anyMatch(a -> a.getAnnotationId() != null && a.getImageId() != null),
                "alerts name the image and annotation: " + alerts);
        annotations();
        long invalid = view.values().stream().filter(v -> ((InstanceView) v).getStatus() == ValidationStatus.INVALID).count();
        assertTrue(invalid >= 1, "the bad delivery's images are INVALID in the view");

        // (That the good file alone is refused as already ingested is FailuresTest's, where batches are remembered.)
        Ingest.Result restored = ingest(Ingest.Options.of(GOOD).withRedeliver(true));
        assertEquals(BatchStatus.COMPLETE, restored.status());
        assertTrue(restored.batchId().contains("-r"), restored.batchId());
        assertEquals(624, annotations());
        assertTrue(view.values().stream().allMatch(v -> ((InstanceView) v).getStatus() != ValidationStatus.INVALID),
                "restored: nothing INVALID");
        assertTrue(view.values().stream().flatMap(v -> ((InstanceView) v).getAnnotations().stream())
                .map(ValidatedAnnotation::getArea).noneMatch(a -> a == 999999), "the changed area is gone");
    }
}
