package io.cocostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.StreamsApp;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import io.cocostream.synth.Detections;
import io.cocostream.synth.Synth;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@code cocostream bench --eval}: COCOeval at train2017 size. A synthetic ground truth and a
 * detector's results for it ({@link Synth}, {@link Detections}); then, for bbox and segm, the
 * offline {@code eval} as a one-shot JVM beside pycocotools' COCOeval on the same files (when a
 * cocoapi build is on PYTHONPATH), time and peak RSS of each; then the live evaluation: both files
 * ingested into the topology on the in-process broker, timed from the results' ingest to their
 * stats on {@code coco.evaluations.v1}, which must equal the offline ones.
 */
final class EvalBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TYPES = List.of("bbox", "segm");

    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    EvalBench(PrintStream out) {
        this.out = out;
    }

    void run(int images, long seed, int threads) throws Exception {
        Path tmp = Files.createTempDirectory("cocostream-bench-eval-");
        try {
            Path gt = tmp.resolve("synthetic_instances.json");
            Path results = tmp.resolve("synthetic_results.json");
            long t0 = System.nanoTime();
            Synth.write(Kind.INSTANCES, images, seed, gt);
            long n = Detections.write(gt, seed, results);
            out.printf("synthetic ground truth %.0f MB (%d images) and %d results %.0f MB (%.1f s)%n", Files.size(gt) / 1e6,
                    images, n, Files.size(results) / 1e6, secs(t0));
            Map<String, JsonNode> offline = new HashMap<>();
            for (String type : TYPES) {
                offline.put(type, offline(gt, results, type, tmp));
            }
            live(gt, results, offline, threads, tmp);
        } finally {
            try (var left = Files.walk(tmp)) {
                for (Path p : left.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** One type offline: eval's one-shot JVM, then pycocotools on the same files; eval's stats. */
    private JsonNode offline(Path gt, Path results, String type, Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path options = Child.resource("/jvm/eval.options", tmp);
        Child eval = Child.run(List.of(java, "@" + options, "-cp", System.getProperty("java.class.path"),
                Cocostream.class.getName(), "eval", "--gt", gt.toString(), "--results", results.toString(), "--iou-type", type,
                "--format", "json"));
        JsonNode stats = JSON.readTree(eval.output().substring(eval.output().indexOf('{'))).get("stats");
        out.printf("%s offline: cocostream eval %.2f s, peak RSS %.0f MB; AP %.3f%n", type, eval.seconds(), eval.peakRssMb(),
                stats.get(0).asDouble());
        Path script = Child.resource("/python/pycocotools_eval.py", tmp);
        try {
            Optional<Child> py = Child.tryRun(List.of("python3", script.toString(), gt.toString(), results.toString(), type));
            if (py.isEmpty()) {
                out.printf("%s offline: pycocotools skipped, no python3 on the PATH%n", type);
                return stats;
            }
            Matcher m = Pattern.compile("seconds ([0-9.]+) peak_rss_mb ([0-9]+) stats (\\[.*])").matcher(py.get().output());
            if (!m.find()) {
                throw new IllegalStateException("no result from pycocotools: " + py.get().output());
            }
            double seconds = Double.parseDouble(m.group(1));
            JsonNode theirs = JSON.readTree(m.group(3));
            out.printf("%s offline: pycocotools COCOeval %.2f s in its process (%.2f s with its start), peak RSS %s MB;"
                    + " stats %s%n", type, seconds, py.get().seconds(), m.group(2), equal(stats, theirs));
            out.printf("ratio, %s offline: cocostream eval %.1fx as fast as pycocotools, process to process (target 5x),"
                    + " %.2f of its memory%n", type, py.get().seconds() / eval.seconds(),
                    eval.peakRssMb() / Double.parseDouble(m.group(2)));
        } catch (IllegalStateException e) {
            out.printf("%s offline: pycocotools skipped (%s)%n", type, e.getMessage().lines().reduce((a, b) -> b).orElse(""));
        }
        return stats;
    }

    /** Both files through the topology; the time from the results' ingest to their stats on coco.evaluations.v1. */
    private void live(Path gt, Path results, Map<String, JsonNode> offline, int threads, Path tmp) throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            Map<String, Object> client = stack.clientConfig();
            TopicAdmin.ensure(client, 6, Optional.empty());
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Properties p = StreamsApp.config(client, "bench-eval-" + UUID.randomUUID(), threads);
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
            p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
            KafkaStreams app = StreamsApp.start(client, p);
            try (CocoApiServer server = CocoApiServer.start(app, new HostInfo("127.0.0.1", port), "127.0.0.1", port,
                    QaPage.start(client, null))) {
                long t0 = System.nanoTime();
                Ingest.Result truth = ingest(client, gt, null);
                await(port, "/batches", reports -> validated(reports, truth.batchId()));
                out.printf("live: ground truth ingested and validated (views, ground-truth counts) in %.1f s, %d threads%n",
                        secs(t0), threads);
                long t1 = System.nanoTime();
                Ingest.Result run = ingest(client, results, "bench");
                double ingest = secs(t1);
                long ingested = System.nanoTime();
                JsonNode evaluations = await(port, "/evaluations", e -> written(e, run.batchId()) == TYPES.size());
                double stats = secs(ingested);
                long ingestedAt = System.currentTimeMillis() - Math.round(stats * 1000);
                out.printf("live: %d results ingested in %.1f s; their stats on coco.evaluations.v1 %.1f s after the last"
                        + " results event (target 5 s)%n", run.annotations(), ingest, stats);
                for (JsonNode r : get(port, "/batches")) {
                    if (r.get("batch_id").asText().equals(run.batchId())) {
                        long validated = Instant.parse(r.get("validated_at").asText()).toEpochMilli();
                        out.printf("live: of which the topology validating and evaluating every image to the last %.1f s"
                                + " (its report VALIDATED), then accumulating and writing the stats %.1f s%n",
                                (validated - ingestedAt) / 1e3, stats - (validated - ingestedAt) / 1e3);
                    }
                }
                for (JsonNode e : evaluations) {
                    if (e.get("run").asText().equals("bench")) {
                        String type = e.get("iou_type").asText();
                        out.printf("live %s: %d of %d images evaluated; stats %s%n", type, e.get("images_evaluated").asLong(),
                                e.get("images").asLong(), equal(offline.get(type), e.get("stats")));
                    }
                }
                long t2 = System.nanoTime();
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/coco/eval?run=bench&iouType=segm"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                out.printf("live: one /coco/eval (segm) over the stores: %.2f s%n", secs(t2));
            } finally {
                app.close(Duration.ofSeconds(10));
            }
        }
    }

    private static Ingest.Result ingest(Map<String, Object> client, Path file, String run) throws Exception {
        return Ingest.run(Ingest.Options.of(file).withProducer("bench").withRun(run), b -> new KafkaSink(client, b),
                new Ingest.Progress() { });
    }

    private static boolean validated(JsonNode reports, String batch) {
        for (JsonNode r : reports) {
            if (r.get("batch_id").asText().equals(batch) && r.get("status").asText().equals("VALIDATED")) {
                return true;
            }
        }
        return false;
    }

    private static int written(JsonNode evaluations, String batch) {
        int n = 0;
        for (JsonNode e : evaluations) {
            n += e.get("batch_id").asText().equals(batch) ? 1 : 0;
        }
        return n;
    }

    private JsonNode get(int port, String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The page's JSON at {@code path} once {@code done} says so, asked every 100 ms for up to an hour. */
    private JsonNode await(int port, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode n = JSON.readTree(r.body());
                if (done.test(n)) {
                    return n;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(path + " not as expected within an hour");
    }

    /** "equal" when the stats are the same numbers, else the largest difference. */
    private static String equal(JsonNode ours, JsonNode theirs) {
        List<Double> diff = new ArrayList<>();
        for (int i = 0; i < Math.max(ours.size(), theirs.size()); i++) {
            diff.add(Math.abs(ours.path(i).asDouble(Double.NaN) - theirs.path(i).asDouble(Double.NaN)));
        }
        double max = diff.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return max == 0 ? "equal to cocostream eval's" : String.format("differ from cocostream eval's by up to %.3g", max);
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
