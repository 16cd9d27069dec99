package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.embedded.EmbeddedCluster;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.ingest.offline.OfflineCheck;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, for real: a three-broker KRaft cluster in this JVM (replication factor 3,
 * min.insync.replicas 2) and ingest and the Streams app in JVMs of their own, stopped, killed
 * (SIGKILL) and restarted; every count read back with isolation.level=read_committed.
 */
class FaultsIT {
    private static final int IMAGES = 30_000;

    private static EmbeddedCluster cluster(Path dir) throws IOException {
        EmbeddedCluster c = EmbeddedCluster.start(dir.resolve("cluster"), 3);
        TopicAdmin.ensure(c.clientConfig(), 3, Optional.of((short) 3));
        return c;
    }

    private static String[] connection(EmbeddedCluster c) {
        return new String[] {"--bootstrap-servers", c.bootstrapServers(), "--schema-registry-url", c.schemaRegistryUrl(),
            "--partitions", "3", "--replication-factor", "3"};
    }

    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + timeout + ": " + what);
            Thread.sleep(250);
        }
    }

    /** Every image of the file exactly once on its topic, and one COMPLETE manifest that says so. */
    static void exactlyOnce(KafkaStack c, int images) {
        Map<Object, Integer> perImage = new HashMap<>();
        for (Committed.Entry e : Committed.read(c, Topics.INSTANCES, true)) {
            perImage.merge(e.key(), 1, Integer::sum);
        }
        assertEquals(images, perImage.size(), "images on " + Topics.INSTANCES);
        assertTrue(perImage.values().stream().allMatch(n -> n == 1), "an image published twice");
        List<BatchManifest> complete = Committed.read(c, Topics.BATCHES, false).stream()
                .map(e -> (BatchManifest) e.value()).filter(m -> m.getStatus() == BatchStatus.COMPLETE).toList();
        assertEquals(1, complete.size(), complete.toString());
        assertEquals(images, complete.get(0).getImages());
        assertEquals((long) images, complete.get(0).getRecordsPerTopic().get(Topics.INSTANCES), "the whole batch");
    }

    /** The ingest command line of a synthetic {@link #IMAGES}-image file made with {@code seed}, in chunks of 1000 images. */
    private static String[] ingestOf(Path dir, long seed, EmbeddedCluster c) throws IOException {
        Path file = dir.resolve("train-part-" + seed + ".json");
        Synth.write(Kind.INSTANCES, IMAGES, seed, file);
        return CommandLines.concat(new String[] {"ingest", file.toString(), "--chunk-images", "1000"}, connection(c));
    }

    /** Starts an ingest in a JVM of its own and returns once its first chunk is committed (read without reading it). */
    private static ChildJvm startAndAwaitFirstChunk(Path log, String[] ingest, EmbeddedCluster c) throws Exception {
        ChildJvm run = ChildJvm.start(log, ingest);
        await("the first chunk committed", Duration.ofSeconds(120), () -> Committed.stableEnd(c, Topics.INSTANCES) > 0);
        return run;
    }

    @Test
    @Timeout(300)
    void aBrokerStoppedInTheMiddleOfAnIngest(@TempDir Path dir) throws Exception {
        try (EmbeddedCluster c = cluster(dir)) {
            String[] ingest = ingestOf(dir, 13, c);
            int code;
            try (ChildJvm run = startAndAwaitFirstChunk(dir.resolve("ingest-1.log"), ingest, c)) {
                c.stopBroker(2);
                code = run.awaitExit(Duration.ofSeconds(180));
                System.out.printf("ingest with broker 2 stopped: exit %d%n%s%n", code, run.output());
            }
            if (code != 0) {
                // A clear error is allowed; a rerun must complete the batch.
                try (ChildJvm rerun = ChildJvm.start(dir.resolve("ingest-2.log"), ingest)) {
                    assertEquals(0, rerun.awaitExit(Duration.ofSeconds(180)), rerun.output());
                }
            }
            exactlyOnce(c, IMAGES);
        }
    }

    @Test
    @Timeout(300)
    void anIngestKilledMidRunIsCompletedByItsRerunAndAThirdRunPublishesNothing(@TempDir Path dir) throws Exception {
        try (EmbeddedCluster c = cluster(dir)) {
            String[] ingest = ingestOf(dir, 17, c);
            try (ChildJvm run = startAndAwaitFirstChunk(dir.resolve("ingest-1.log"), ingest, c)) {
                run.pause(); // frozen mid-delivery, however fast this machine publishes, then killed there
                run.kill();
                run.awaitExit(Duration.ofSeconds(30));
            }
            long afterKill = Committed.count(c, Topics.INSTANCES);
            assertTrue(afterKill < IMAGES, "killed before the end: " + afterKill);
            try (ChildJvm rerun = ChildJvm.start(dir.resolve("ingest-2.log"), ingest)) {
                assertEquals(0, rerun.awaitExit(Duration.ofSeconds(180)), rerun.output());
                assertTrue(rerun.output().contains("resumed after"), rerun.output());
            }
            try (ChildJvm third = ChildJvm.start(dir.resolve("ingest-3.log"), ingest)) {
                assertEquals(0, third.awaitExit(Duration.ofSeconds(120)), third.output());
                assertTrue(third.output().contains("already ingested"), third.output());
            }
            exactlyOnce(c, IMAGES);
            System.out.printf("killed at %d of %d images; after rerun and third run: %d, each once%n", afterKill, IMAGES,
                    Committed.count(c, Topics.INSTANCES));
        }
    }

    @Test
    @Timeout(420)
    void theStreamsAppKilledMidDeliveryRestartsWithAndWithoutItsStateAndAlertsEachDefectOnce(@TempDir Path dir)
            throws Exception {
        Path file = plantDefects(dir, "defects.json", 5000, 23, 150);
        Map<String, Integer> expected = offlineAlerts(file);
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= 20, "planted defects: " + expected);
        try (EmbeddedCluster c = cluster(dir)) {
            Ingest.Result delivered = Ingest.run(Ingest.Options.of(file), b -> new KafkaSink(c.clientConfig(), b),
                    new Ingest.Progress() { });
            String[] streams = {"streams", "--application-id", "faults-it", "--threads", "1", "--metrics-port", "0", "--state-dir"};
            Path state = dir.resolve("state-1");
            try (ChildJvm first = ChildJvm.start(dir.resolve("streams-1.log"),
                    CommandLines.concat(CommandLines.concat(streams, state.toString()), connection(c)))) {
                await("a third of the alerts", Duration.ofSeconds(180), () -> alerts(c).size() >= total / 3);
                first.kill();
                first.awaitExit(Duration.ofSeconds(30));
            }
            int atFirstKill = alerts(c).size();
            try (ChildJvm second = ChildJvm.start(dir.resolve("streams-2.log"),
                    CommandLines.concat(CommandLines.concat(streams, state.toString()), connection(c)))) {
                await("two thirds of the alerts", Duration.ofSeconds(180), () -> alerts(c).size() >= 2 * total / 3);
                second.kill();
                second.awaitExit(Duration.ofSeconds(30));
            }
            int atSecondKill = alerts(c).size();
            Path fresh = dir.resolve("state-2");
            try (ChildJvm third = ChildJvm.start(dir.resolve("streams-3.log"),
                    CommandLines.concat(CommandLines.concat(streams, fresh.toString()), connection(c)))) {
                await("every alert and view", Duration.ofSeconds(240),
                        () -> alerts(c).size() >= total && views(c).size() == 5000);
                Thread.sleep(3000); // anything duplicated would have come by now
                assertEquals(expected, count(alerts(c)), "each planted defect's alerts exactly once, no other");
                assertViewsEqualTheFile(c, file);
                // The delivery's report, kept through both kills and a lost state, counts each event and alert once
                await("the delivery's report VALIDATED", Duration.ofSeconds(30), () -> report(c, delivered.batchId())
                        .filter(r -> r.getStatus() == ReportStatus.VALIDATED).isPresent());
                BatchReport r = report(c, delivered.batchId()).orElseThrow();
                assertEquals(5000, r.getImagesValidated(), r.toString());
                assertEquals(delivered.annotations(), r.getAnnotationsValidated());
                Map<String, Long> byRule = new TreeMap<>();
                expected.forEach((key, n) -> byRule.merge(key.substring(0, key.indexOf(' ')), (long) n, Long::sum));
                Map<String, Long> reported = new TreeMap<>(r.getErrors());
                r.getWarnings().forEach((rule, n) -> reported.merge(rule, n, Long::sum));
                assertEquals(byRule, reported, "the report's counts per rule are check's");
                // and its examples, kept apart from its counts, came through too: three a rule (fewer if it
                // fired less), none twice
                byRule.forEach((rule, n) -> {
                    List<ValidationAlert> examples = r.getExamples().getOrDefault(rule, List.of());
                    assertEquals(Math.min(3, n), examples.size(), rule + ": " + examples);
                    assertEquals(examples.size(), examples.stream().map(a -> a.getImageId() + "/" + a.getAnnotationId())
                            .distinct().count(), rule + ": " + examples);
                });
                third.terminate();
                third.awaitExit(Duration.ofSeconds(15));
            }
            System.out.printf("streams killed at %d and %d of %d alerts (state kept, then lost); after: %d, each once%n",
                    atFirstKill, atSecondKill, total, alerts(c).size());
        }
    }

    @Test
    @Timeout(300)
    void aBrokerAndTheRegistryRestartWhileTheStreamsAppRuns(@TempDir Path dir) throws Exception {
        Path file = plantDefects(dir, "defects.json", 1500, 29, 100);
        Path real = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        Map<String, Integer> expected = offlineAlerts(file);
        offlineAlerts(real).forEach((k, n) -> expected.merge(k, n, Integer::sum)); // its one real 22:1 box's warning
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        try (EmbeddedCluster c = cluster(dir)) {
            String[] streams = CommandLines.concat(new String[] {"streams", "--application-id", "faults-restart-it",
                "--threads", "1", "--metrics-port", "0", "--state-dir", dir.resolve("state").toString()}, connection(c));
            try (ChildJvm app = ChildJvm.start(dir.resolve("streams.log"), streams);
                    ChildJvm tail = ChildJvm.start(dir.resolve("alerts.log"),
                            CommandLines.concat(new String[] {"alerts", "--from-beginning"}, connection(c)))) {
                app.awaitOutput("validating", Duration.ofSeconds(90));
                Ingest.run(Ingest.Options.of(file), b -> new KafkaSink(c.clientConfig(), b), new Ingest.Progress() { });
                int id = latestSchemaId(c, Topics.INSTANCES + "-value");
                c.stopBroker(3);
                Thread.sleep(2000);
                c.startBroker(3);
                c.restartRegistry();
                assertEquals(id, latestSchemaId(c, Topics.INSTANCES + "-value"), "schema ids survive the restart");
                // A producer after the restarts, and the same consumer carrying on.
                Ingest.run(Ingest.Options.of(real), b -> new KafkaSink(c.clientConfig(), b), new Ingest.Progress() { });
                await("every alert and view", Duration.ofSeconds(180),
                        () -> alerts(c).size() >= total && views(c).size() == 1500 + 79);
                Thread.sleep(3000);
                assertEquals(expected, count(alerts(c)), "each planted defect's alerts exactly once, no other");
                // The alerts tail ran through the broker's restart: it printed each alert once.
                long printed = tail.output().lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARNING ")).count();
                assertEquals(total, printed, tail.output());
                app.terminate();
                tail.terminate();
                app.awaitExit(Duration.ofSeconds(15));
            }
        }
    }

    /** The latest committed report of {@code batch} on coco.batch-reports.v1. */
    private static Optional<BatchReport> report(EmbeddedCluster c, String batch) {
        BatchReport last = null;
        for (Committed.Entry e : Committed.read(c, Topics.BATCH_REPORTS, false)) {
            if (batch.equals(e.key())) {
                last = (BatchReport) e.value();
            }
        }
        return Optional.ofNullable(last);
    }

    /** A synthetic delivery with the area of every {@code every}-th annotation tripled. */
    private static Path plantDefects(Path dir, String name, int images, long seed, int every) throws IOException {
        Path clean = dir.resolve("clean-" + name);
        Synth.write(Kind.INSTANCES, images, seed, clean);
        JsonNode root = SharedData.JSON.readTree(clean.toFile());
        int i = 0;
        for (JsonNode a : root.get("annotations")) {
            if (i++ % every == 0 && a.get("iscrowd").asInt() == 0) {
                ((ObjectNode) a).put("area", a.get("area").asDouble() * 3 + 100);
            }
        }
        Path f = dir.resolve(name);
        SharedData.JSON.writeValue(f.toFile(), root);
        return f;
    }

    /** The alerts {@code check} gives the file, as rule/image/annotation with how many of each. */
    private static Map<String, Integer> offlineAlerts(Path file) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        OfflineCheck.run(file, null, Tolerances.DEFAULT, a -> m.merge(key(a), 1, Integer::sum));
        return m;
    }

    private static List<ValidationAlert> alerts(EmbeddedCluster c) {
        return Committed.read(c, Topics.ALERTS, true).stream().map(e -> (ValidationAlert) e.value()).toList();
    }

    private static Map<String, Integer> count(List<ValidationAlert> alerts) {
        Map<String, Integer> m = new TreeMap<>();
        alerts.forEach(a -> m.merge(key(a), 1, Integer::sum));
        return m;
    }

    private static String key(ValidationAlert a) {
        return a.getRule() + " image " + a.getImageId() + " annotation " + a.getAnnotationId();
    }

    /** The instances view as its compacted topic holds it: the last value per image. */
    private static Map<Object, InstanceView> views(EmbeddedCluster c) {
        Map<Object, InstanceView> m = new HashMap<>();
        for (Committed.Entry e : Committed.read(c, Topics.INSTANCES_VIEW, true)) {
            if (e.value() == null) {
                m.remove(e.key());
            } else {
                m.put(e.key(), (InstanceView) e.value());
            }
        }
        return m;
    }

    private static void assertViewsEqualTheFile(EmbeddedCluster c, Path file) throws IOException {
        Map<Long, Integer> inFile = new HashMap<>();
        JsonNode root = SharedData.JSON.readTree(file.toFile());
        root.get("images").forEach(im -> inFile.put(im.get("id").asLong(), 0));
        root.get("annotations").forEach(a -> inFile.merge(a.get("image_id").asLong(), 1, Integer::sum));
        Map<Long, Integer> inViews = new HashMap<>();
        views(c).forEach((k, v) -> inViews.put((Long) k, v.getAnnotations().size()));
        assertEquals(inFile, inViews, "every image's annotations in the view, as many as in the file");
    }

    private static int latestSchemaId(EmbeddedCluster c, String subject) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(c.schemaRegistryUrl() + "/subjects/" + subject + "/versions/latest")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return SharedData.JSON.readTree(r.body()).get("id").asInt();
    }
}
