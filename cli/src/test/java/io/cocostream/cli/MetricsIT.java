package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.metrics.Prometheus;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics of a running {@code serve} and {@code ingest --watch}, each a process of its own: after
 * a delivery with a known defect, the alerts counted are the alerts on coco.alerts.v1, the events
 * the file's images, and the lag falls to 0; the watch folder counts its files, images and dead
 * letters by reason; every metric {@code deploy/grafana/cocostream.json} and the k8s manifests
 * query is among those the two processes exposed.
 */
@ExtendWith(EmbeddedStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Each process's last scrape, for the dashboards' check. */
    private static final Map<String, String> SCRAPED = new ConcurrentHashMap<>();
    private static final Pattern METRIC = Pattern.compile("cocostream_[a-z0-9_]+");

    @Test
    @Order(1)
    void serveCountsWhatTheTopicsHoldAndItsLagFallsToZero(KafkaStack stack, @TempDir Path dir) throws Exception {
        // Given serve running, /metrics on its API port
        int port = CommandLines.freePort();
        try (ChildJvm serve = ChildJvm.start(dir.resolve("serve.log"), CommandLines.concat(new String[] {"serve",
            "--application-id", "metrics-it", "--threads", "1", "--port", String.valueOf(port), "--state-dir",
            dir.resolve("state").toString()}, CommandLines.connection(stack, 2)))) {
            serve.awaitOutput("COCO API on", Duration.ofSeconds(60));

            // When a delivery with one wrong area is ingested
            PlantedDefect bad = PlantedDefect.wrongArea(dir, "vendor-delivery.json");
            Ingest.run(Ingest.Options.of(bad.file()), b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
            int images = bad.images();

            // Then every event is counted, the lag of every input partition falls to 0, and the alerts
            // counted are the alerts on coco.alerts.v1 (the class's other test may have delivered too: all count)
            String url = "http://127.0.0.1:" + port + "/metrics";
            String scrape = await(url, m -> sum(m, "cocostream_events_total", "kind=\"instances\"")
                    == Committed.count(stack, Topics.INSTANCES) && count(m, "cocostream_consumer_lag_records") > 0
                    && sum(m, "cocostream_consumer_lag_records", "") == 0
                    && sum(m, "cocostream_alerts_total", "") == Committed.count(stack, Topics.ALERTS));
            SCRAPED.put("serve", scrape);
            double alerts = sum(scrape, "cocostream_alerts_total", "");
            assertTrue(sum(scrape, "cocostream_events_total", "kind=\"instances\"") >= images, scrape);
            assertTrue(alerts >= 2, "the planted error and the file's own warning: " + alerts);
            long planted = Committed.read(stack, Topics.ALERTS, true).stream()
                    .filter(e -> ((ValidationAlert) e.value()).getRule().equals("area.polygon")).count();
            assertEquals(planted, sum(scrape, "cocostream_alerts_total", "rule=\"area.polygon\""), scrape);
            assertTrue(planted >= 1);
            assertEquals(sum(scrape, "cocostream_events_total", "kind=\"instances\""),
                    sum(scrape, "cocostream_view_updates_total", "view=\"instances-view\""));
            assertTrue(scrape.contains("jvm_memory_used_bytes"), "JVM metrics");
            assertTrue(scrape.contains("kafka_stream_thread"), "Kafka Streams' own metrics");
            assertTrue(scrape.contains("# TYPE cocostream_alerts_total counter"), "Prometheus' text format");
            System.out.printf("serve's /metrics after the delivery: %d events, %.0f alerts (as on coco.alerts.v1), lag 0"
                    + " on %d partitions%n", images, alerts, count(scrape, "cocostream_consumer_lag_records"));
            serve.terminate();
        }
    }

    @Test
    @Order(2)
    void theWatchFolderCountsFilesImagesAndDeadLettersByReason(KafkaStack stack, @TempDir Path dir) throws Exception {
        // Given ingest --watch running, /metrics on a port of its own
        Path drop = Files.createDirectories(dir.resolve("drop"));
        int port = CommandLines.freePort();
        try (ChildJvm watch = ChildJvm.start(dir.resolve("watch.log"), CommandLines.concat(new String[] {"ingest", "--watch",
            drop.toString(), "--settle-ms", "300", "--metrics-port", String.valueOf(port), "--metrics-host", "127.0.0.1"},
                CommandLines.connection(stack, 2)))) {
            watch.awaitOutput("watching", Duration.ofSeconds(60));

            // When a delivery with one unreadable annotation is dropped
            ObjectNode root = (ObjectNode) SharedData.readJson("person_keypoints/person_keypoints_val2017_mini.json");
            ((ObjectNode) ((ArrayNode) root.get("annotations")).get(0)).put("bbox", "not a box");
            Path file = dir.resolve("delivery.json");
            SharedData.JSON.writeValue(file.toFile(), root);
            long bytes = Files.size(file);
            Files.move(file, drop.resolve("delivery.json"));

            // Then its bytes, images and dead letter (an annotation) are counted, and its duration timed
            String url = "http://127.0.0.1:" + port + "/metrics";
            String scrape = await(url, m -> sum(m, "cocostream_ingest_images_total", "kind=\"person_keypoints\"") > 0);
            SCRAPED.put("ingest --watch", scrape);
            assertEquals(root.get("images").size(), sum(scrape, "cocostream_ingest_images_total", "kind=\"person_keypoints\""));
            assertEquals(1.0, sum(scrape, "cocostream_dead_letters_total", "reason=\"annotation\""), scrape);
            assertEquals(bytes, sum(scrape, "cocostream_ingest_bytes_total", ""));
            assertEquals(1.0, sum(scrape, "cocostream_batch_seconds_count", ""));
            watch.terminate();
        }
    }

    @Test
    @Order(2)
    void aDeliverysProducerIsScrapedWhileItPublishesAndGoneAfter(KafkaStack stack) throws Exception {
        // Given the watch folder's registry and sink, as ingest --watch builds them
        try (Prometheus metrics = new Prometheus()) {
            AtomicReference<String> during = new AtomicReference<>("");
            // When a delivery publishes, scraped as it does
            Ingest.Result r = Ingest.run(Ingest.Options.of(SharedData.coco().resolve("instances/instances_val2017_mini.json"))
                    .withRedeliver(true), batch -> {
                        KafkaSink sink = new KafkaSink(stack.clientConfig(), batch);
                        return new MeteredSink(sink, metrics.meters(), metrics.bind(sink.producer()));
                    }, new Ingest.Progress() {
                        @Override
                        public void publishing(long images, long totalImages) {
                            if (images > 0) {
                                during.set(metrics.scrape());
                            }
                        }
                    });
            // Then the producer's own metrics were there while it published (its sends counted), and leave with it
            assertTrue(r.images() > 0);
            assertTrue(sum(during.get(), "kafka_producer_record_send_total", "") > 0, during.get());
            assertTrue(during.get().contains("client_id=\"producer-cocostream-ingest-"), "named by its transaction");
            assertEquals(0, count(metrics.scrape(), "kafka_producer_record_send_total"), "removed with the producer");
        }
    }

    @Test
    @Order(3)
    void everyMetricTheDashboardAndTheAutoscalerQueryIsOneTheProcessesExpose() throws Exception {
        assumeTrue(SCRAPED.size() == 2, "needs both scrapes above: " + SCRAPED.keySet());
        Set<String> exposed = new TreeSet<>();
        SCRAPED.values().forEach(scrape -> {
            Matcher m = Pattern.compile("(?m)^(cocostream_[a-z0-9_]+)[{ ]").matcher(scrape);
            while (m.find()) {
                exposed.add(m.group(1));
            }
        });
        Map<Path, Set<String>> queried = new TreeMap<>();
        List<Path> files = new ArrayList<>(List.of(Path.of("..", "deploy", "grafana", "cocostream.json")));
        files.addAll(DeployManifestsTest.manifests());
        for (Path f : files) {
            Matcher m = METRIC.matcher(Files.readString(f));
            while (m.find()) {
                queried.computeIfAbsent(f, k -> new TreeSet<>()).add(m.group());
            }
        }
        Set<String> all = new TreeSet<>();
        queried.forEach((f, names) -> {
            all.addAll(names);
            Set<String> missing = new TreeSet<>(names);
            missing.removeAll(exposed);
            assertEquals(Set.of(), missing, f + " queries what no process exposes (exposed: " + exposed + ")");
        });
        assertTrue(all.size() >= 9, "the dashboard's panels: " + all);
        System.out.printf("%d metrics the dashboard and KEDA query, all among the %d cocostream_* exposed%n", all.size(),
                exposed.size());
    }

    /** The sum of a meter's samples whose labels contain {@code label} ("" for all). */
    static double sum(String scrape, String name, String label) {
        double s = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([-+0-9.eE]+|NaN)$").matcher(scrape);
        while (m.find()) {
            if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
                s += Double.parseDouble(m.group(2));
            }
        }
        return s;
    }

    private static int count(String scrape, String name) {
        int n = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "\\{").matcher(scrape);
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String await(String url, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    last = r.body();
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (ConnectException e) {
                last = "(not listening yet)";
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/metrics not as expected within 90 s; last scrape:\n" + last);
    }
}
