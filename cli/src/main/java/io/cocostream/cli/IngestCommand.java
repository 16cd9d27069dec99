package io.cocostream.cli;

import io.cocostream.ingest.BrokerWait;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaReports;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.ingest.WatchFolder;
import io.cocostream.metrics.Meters;
import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.avro.BatchStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cocostream ingest}: deliveries into per-image events. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingests COCO files (instances, person keypoints, stuff, panoptic + PNGs, captions, DensePose,"
                + " detection results; the kind is detected from the content) into one Avro event per image and kind,"
                + " keyed by image id, with categories, dead letters for bad records, and a batch manifest written last.",
                "Memory is bounded by the largest image, not the file. Publishing is transactional and idempotent:"
                        + " rerunning a crashed ingest on the same file completes it without duplicates, and a file"
                        + " already ingested (same content, same PNGs) is not published again unless --redeliver.",
                "A file that does not parse to its end publishes only its dead letter and a FAILED manifest:"
                        + " nothing consumers have changes.",
                "Exit code: 0 all complete; 1 some records went to coco.dead-letters.v1 or a file was malformed;"
                        + " 2 an error stopped the command."})
final class IngestCommand implements Callable<Integer> {
    static final String ENV_PRODUCER = "COCOSTREAM_PRODUCER";

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "COCO files to ingest.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--watch", paramLabel = "DIR",
            description = "Ingest files as they are dropped into DIR (complete files only), moving each to DIR/done or DIR/failed with a report.")
    Path watch;

    @Option(names = "--settle-ms", defaultValue = "2000",
            description = "With --watch: how long a file's size must stay unchanged before it is taken (default ${DEFAULT-VALUE}).")
    long settleMillis;

    @Option(names = "--kind", paramLabel = "KIND", description = "Force the kind instead of detecting it: instances, person_keypoints, stuff, panoptic, captions, densepose, results.")
    String kind;

    @Option(names = "--png-dir", paramLabel = "DIR", description = "PNG folder of a panoptic file (default: the folder named like the file).")
    Path pngDir;

    @Option(names = "--producer", paramLabel = "NAME", description = "Vendor or job recorded in every event's provenance (env " + ENV_PRODUCER + "; default: the user name).")
    String producer;

    @Option(names = "--chunk-images", defaultValue = "10000", description = "Images per transaction (default ${DEFAULT-VALUE}:"
            + " read_committed consumers see a delivery about a second at a time). Each commit drains the producer: one"
            + " transaction for a train2017-size file saves 0.4-1.4 s on 2 cores, but nothing is visible until the end and"
            + " a rerun after a crash redoes it all.")
    int chunkImages;

    @Option(names = "--spill-dir", paramLabel = "DIR", description = "Where the temporary regrouping file goes (default: java.io.tmpdir).")
    Path spillDir;

    @Option(names = "--redeliver", description = "Publish the file again as a new batch even if it was ingested before:"
            + " a vendor's correction, or restoring a good delivery after a bad one (re-delivery replaces each image's"
            + " annotations of the kind).")
    boolean redeliver;

    @Option(names = "--metrics-port", defaultValue = "9464", paramLabel = "PORT", description = "With --watch: where /metrics"
            + " (Prometheus' text format: files, bytes and images ingested, dead letters, batch durations, JVM and producer"
            + " metrics) is served (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "With --watch: the address /metrics listens on (default ${DEFAULT-VALUE}, for scrapers).")
    String metricsHost;

    /** Where --watch counts its ingests and their producers' client metrics; null for a one-shot ingest. */
    private Prometheus prometheus;

    @Option(names = "--run", paramLabel = "NAME", description = "The run a results file belongs to (default: the file's"
            + " name without its extension). A run's batches add up: the result ids of each continue after the earlier"
            + " ones', as loadRes would number the files put together.")
    String run;

    @Option(names = "--max-annotations-per-image", defaultValue = "100000", paramLabel = "N",
            description = "An image with more annotations is dead-lettered, not published; the rest of the file is"
                    + " (default ${DEFAULT-VALUE}; the largest real COCO image has a few hundred). An image whose event"
                    + " would exceed the producer's max.request.size is dead-lettered too.")
    int maxAnnotationsPerImage;

    @Option(names = "--broker-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for a broker that does not answer, saying so every few seconds, before"
                    + " giving up with exit code 2 (default ${DEFAULT-VALUE}); a rerun resumes after the last"
                    + " committed chunk.")
    long brokerTimeoutSeconds;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        if (files.isEmpty() && watch == null) {
            throw new IllegalArgumentException("give FILE... or --watch DIR");
        }
        Map<String, Object> client = connection.clientConfig();
        BrokerWait wait = new BrokerWait(client, Duration.ofSeconds(brokerTimeoutSeconds),
                notice -> System.err.println("cocostream ingest: " + notice));
        wait.await(client);
        TopicAdmin.ensure(client, connection.partitions(), connection.replicationFactor());
        int worst = 0;
        for (Path f : files) {
            Ingest.Result r = ingest(f, client, wait);
            worst = Math.max(worst, exitCode(r));
        }
        if (watch != null) {
            Foreground fg = new Foreground("ingest");
            try (Prometheus metrics = new Prometheus();
                    MetricsServer server = MetricsServer.start(metrics, metricsHost, metricsPort);
                    KafkaReports reports = new KafkaReports(client)) {
                prometheus = metrics;
                System.err.printf("cocostream ingest: metrics on http://%s:%d/metrics%n", metricsHost, server.port());
                System.err.println("cocostream ingest: watching " + watch.toAbsolutePath() + " (Ctrl-C stops)");
                new WatchFolder(watch, settleMillis, f -> ingest(f, client, wait), reports).run(500, fg::stopRequested);
            } finally {
                fg.closed();
            }
        }
        return worst;
    }

    private Ingest.Result ingest(Path f, Map<String, Object> client, BrokerWait wait) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IOException("no such file: " + f);
        }
        String who = producer != null ? producer : System.getenv().getOrDefault(ENV_PRODUCER,
                System.getProperty("user.name", "unknown"));
        Ingest.Options o = Ingest.Options.of(f).withProducer(who).withPngDir(pngDir).withChunkImages(chunkImages)
                .withKind(kind == null ? null : Kind.parse(kind)).withRedeliver(redeliver).withRun(run)
                .withMaxAnnotationsPerImage(maxAnnotationsPerImage);
        if (spillDir != null) {
            o = o.withSpillDir(spillDir);
        }
        long t0 = System.nanoTime();
        ConsoleProgress progress = new ConsoleProgress(f.getFileName().toString(), System.err, System.console() != null);
        Meters meters = prometheus == null ? Meters.NONE : prometheus.meters();
        Ingest.Result r = Ingest.run(o, batch -> {
            KafkaSink sink = new KafkaSink(client, batch, wait);
            return new MeteredSink(sink, meters, prometheus == null ? () -> { } : prometheus.bind(sink.producer()));
        }, progress);
        double secs = (System.nanoTime() - t0) / 1e9;
        long bytes = Files.size(f);
        if (!r.alreadyIngested()) {
            meters.ingested(r.kind().id(), bytes, r.images() - r.resumedAfterImages(), Duration.ofNanos(System.nanoTime() - t0));
        }
        if (r.alreadyIngested()) {
            System.out.printf("%s: already ingested as batch %s (%s); nothing published (--redeliver publishes it"
                    + " again)%n", f, r.batchId(), r.status());
        } else {
            System.out.printf("%s: %s, batch %s: %d images, %d annotations, %d categories, %d dead letters, %s"
                            + " in %.1f s (%.1f MB/s, %.0f images/s)%s%n",
                    f, r.kind().id(), r.batchId(), r.images(), r.annotations(), r.categories(), r.deadLetters(),
                    r.status(), secs, bytes / 1e6 / secs, r.images() / secs,
                    r.resumedAfterImages() > 0 ? ", resumed after " + r.resumedAfterImages() + " images" : "");
        }
        if (r.firstError() != null) {
            System.out.println("  first problem: " + r.firstError());
        }
        return r;
    }

    private static int exitCode(Ingest.Result r) {
        return r.deadLetters() > 0 || r.status() == BatchStatus.FAILED ? 1 : 0;
    }
}
