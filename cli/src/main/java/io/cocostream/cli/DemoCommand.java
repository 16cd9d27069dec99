package io.cocostream.cli;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import io.cocostream.streams.StreamsApp;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream demo}: everything embedded, end to end, on the shipped sample data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an in-process broker and schema registry on free ports, creates every topic, registers"
                + " every schema, runs the topology (validation and views) with the COCO API and the QA page as `serve` does, ingests the shipped sample deliveries (samples/), reads"
                + " the events back as a read_committed consumer would and shows the alerts of the sample with"
                + " deliberate mistakes.",
                "With --once it exits 0 after that with a summary; without, it keeps the stack up until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--once", description = "Exit after processing, with a summary.")
    boolean once;

    @Option(names = "--samples", defaultValue = "samples", description = "Folder of sample deliveries (default ${DEFAULT-VALUE}).")
    Path samples;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of image-keyed topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--port", defaultValue = "8080",
            description = "Port of the COCO API, as `serve` (default ${DEFAULT-VALUE}; a free one if taken).")
    int port;

    @Option(names = "--images-dir", paramLabel = "DIR",
            description = "Local photos, by their file_name, under the QA page's drawings, as `serve`.")
    Path imagesDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Foreground fg = new Foreground("demo");
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            out.printf("broker %s and schema registry %s up in %d ms%n", stack.bootstrapServers(),
                    stack.schemaRegistryUrl(), ms(t0));
            Map<String, Object> client = stack.clientConfig();
            List<String> created = TopicAdmin.ensure(client, partitions, Optional.empty());
            SchemaRegistryClient registry = new SchemaRegistryClient(SerdeConfig.from(client));
            for (Topics.TopicSpec t : Topics.ALL) {
                registry.register(t.name() + "-value", t.valueSchema());
            }
            out.printf("created %d topics (%d partitions for image-keyed ones), registered %d schemas%n",
                    created.size(), partitions, Topics.ALL.size());
            int apiPort = portOrFree(port);
            Properties streamsConfig = StreamsApp.config(client, "cocostream-demo", 1);
            streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + apiPort);
            // The broker is temporary: so is the topology's state (under data/, not the OS's temp
            // folder, which Kafka Streams warns may be cleaned under it).
            Files.createDirectories(Path.of("data"));
            Path stateDir = Files.createTempDirectory(Path.of("data"), "demo-streams-");
            streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            KafkaStreams app = StreamsApp.start(client, streamsConfig);
            CocoApiServer api = CocoApiServer.start(app, new HostInfo("127.0.0.1", apiPort), "127.0.0.1", apiPort,
                    QaPage.start(client, imagesDir));
            boolean ok = true;
            Map<String, Long> expected = new TreeMap<>();
            List<String> batchesWithErrors = new ArrayList<>();
            long instanceImages = 0;
            for (Path f : deliveries()) {
                long t1 = System.nanoTime();
                Ingest.Result r = Ingest.run(Ingest.Options.of(f).withProducer("demo"),
                        batch -> new KafkaSink(client, batch), new Ingest.Progress() { });
                out.printf("  ingested %-32s %-16s %3d images %5d annotations %3d categories %d dead letters %s (%d ms)%n",
                        f.getFileName(), r.kind().id(), r.images(), r.annotations(), r.categories(), r.deadLetters(),
                        r.status(), ms(t1));
                ok &= r.status() == BatchStatus.COMPLETE;
                if (f.getFileName().toString().contains("errors")) {
                    batchesWithErrors.add(r.batchId());
                }
                expected.merge(r.kind().topic(), r.images(), Long::sum);
                // vendor_with_errors.json re-delivers instances_sample.json's images: the view replaces them
                if (r.kind().topic().equals(Topics.INSTANCES)) {
                    instanceImages = Math.max(instanceImages, r.images());
                }
                expected.merge(Topics.CATEGORIES, r.categories(), Long::sum);
            }
            Map<String, Long> seen = countCommitted(client, expected.keySet());
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                long n = seen.getOrDefault(e.getKey(), 0L);
                out.printf("  %-26s %5d records read back (read_committed)%s%n", e.getKey(), n,
                        n == e.getValue() ? "" : ", expected " + e.getValue());
                ok &= n == e.getValue();
            }
            ok &= reportAlerts(client, batchesWithErrors);
            ok &= reportApi(apiPort, instanceImages);
            out.printf("demo %s in %d ms%n", ok ? "done" : "FAILED", ms(t0));
            if (!once) {
                out.println("Stack stays up (Ctrl-C stops): bootstrap " + stack.bootstrapServers() + ", registry "
                        + stack.schemaRegistryUrl() + ", COCO API http://127.0.0.1:" + apiPort + "/coco/getImgIds"
                        + ", QA page http://127.0.0.1:" + apiPort + "/");
                fg.awaitStop();
            }
            api.close();
            app.close(Duration.ofSeconds(10));
            try (Stream<Path> files = Files.walk(stateDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
            return ok ? 0 : 1;
        } finally {
            fg.closed();
        }
    }

    /**
     * Prints the validation alerts: the deliberately broken sample must be alerted (3 errors), the
     * clean ones must not be.
     */
    private boolean reportAlerts(Map<String, Object> client, List<String> badBatches) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-alerts-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<ValidationAlert> de = new AvroDeserializer<>(ValidationAlert.class);
        de.configure(c, false);
        List<ValidationAlert> errors = new ArrayList<>();
        try (KafkaConsumer<byte[], ValidationAlert> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), de)) {
            consumer.subscribe(List.of(Topics.ALERTS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (errors.stream().filter(a -> badBatches.contains(a.getBatchId())).count() < EXPECTED_ERRORS
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], ValidationAlert> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().getSeverity() == Severity.ERROR) {
                        errors.add(r.value());
                    }
                }
            }
        }
        for (ValidationAlert a : errors) {
            out.printf("  alert %-20s %s image %d annotation %d: %s (expected %s, actual %s)%n", a.getRule(),
                    a.getSourceFile(), a.getImageId(), a.getAnnotationId(), a.getMessage(), a.getExpected(), a.getActual());
        }
        long fromBad = errors.stream().filter(a -> badBatches.contains(a.getBatchId())).count();
        out.printf("  %d error alert(s) on the sample with deliberate mistakes (expected %d), %d on the clean samples%n",
                fromBad, EXPECTED_ERRORS, errors.size() - fromBad);
        return fromBad == EXPECTED_ERRORS && errors.size() == fromBad;
    }

    /** Asks the COCO API (as `serve` runs it) for the instances' images until all the ingested ones are there. */
    private boolean reportApi(int apiPort, long images) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + apiPort + "/coco/";
        long deadline = System.currentTimeMillis() + 30_000;
        String body = "";
        int n = -1;
        while (n != images && System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "getImgIds")).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = r.body();
            n = r.statusCode() == 200 ? body.split(",").length : -1;
            if (n != images) {
                Thread.sleep(200);
            }
        }
        String first = body.replaceAll("[\\[\\]]", "").split(",")[0];
        out.printf("  COCO API %sgetImgIds: %d images (expected %d); try %sshowAnns?imgId=%s%n", base, n, images, base,
                first);
        out.printf("  QA page http://127.0.0.1:%d/ (the alerts live; click one to see its annotation on its image)%n",
                apiPort);
        return n == images;
    }

    private static int portOrFree(int wanted) {
        try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** samples/vendor_with_errors.json: an area 30% too large (2 rules) and a box 5 px off (1 rule). */
    private static final int EXPECTED_ERRORS = 3;

    private List<Path> deliveries() throws IOException {
        if (!Files.isDirectory(samples)) {
            throw new IOException("no sample folder " + samples.toAbsolutePath() + " (run from the project root or give --samples)");
        }
        try (Stream<Path> s = Files.list(samples)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static Map<String, Long> countCommitted(Map<String, Object> client, java.util.Set<String> topics) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        Map<String, Long> counts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(new ArrayList<>(topics));
            int idle = 0;
            while (idle < 6) {
                var records = consumer.poll(Duration.ofMillis(250));
                idle = records.isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    counts.merge(r.topic(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
