package io.cocostream.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.synth.Synth;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.tools.ProducerPerformance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cocostream bench}: end-to-end ingest throughput on the in-process broker, beside two
 * baselines measured in the same invocation: a bare Jackson token scan of the same file, and
 * Kafka's ProducerPerformance sending as many records of the same average size. The broker is warmed
 * first, as a production broker is; the ingest runs twice, as the first file of a JVM (our code
 * cold) and as the next one (what {@code ingest --watch} does for every delivery after its first).
 * Then like against like for a one-shot run: {@code cocostream ingest} and ProducerPerformance, each
 * a fresh JVM (start, JIT and exit included), and the issue's scale reference, Python loading the
 * file as pycocotools does, with each one's peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures ingest (MB/s, images/s, peak heap) of a synthetic or given file on an in-process broker,"
                + " next to a bare Jackson token scan of the file and Kafka's ProducerPerformance sending the same"
                + " number of records of the same average size, and prints the ratios. The broker is warmed first; the"
                + " ingest runs twice: as the first file of this JVM and as the next one (as `ingest --watch` runs)."
                + " Then, each as a process of its own timed from start to exit with its peak RSS: a one-shot ingest with"
                + " cli/jvm/ingest.options, ProducerPerformance, and python3 loading the file as pycocotools does (json.load"
                + " and its index; skipped without python3). A measurement, not a test."})
final class BenchCommand implements Callable<Integer> {
    private static final String WARM_UP_TOPIC = "bench.warm-up";
    private static final String PRODUCER_PERFORMANCE_TOPIC = "bench.producer-performance";
    private static final int WARM_UP_RECORDS = 20_000;

    @Option(names = "--file", description = "A COCO file to ingest (default: a synthetic instances file).")
    Path file;

    @Option(names = "--images", defaultValue = "118000",
            description = "Images of the synthetic file (default ${DEFAULT-VALUE}, train2017's; for --validation try 5000).")
    int images;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic file (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation", description = "Benchmark validation instead: the Mask API, the rules and check alone,"
            + " then the topology with --threads stream threads: a first delivery to every alert and view committed (bytes"
            + " written per event byte, where the threads' time goes, small deliveries meanwhile), a re-delivery, then"
            + " ingest-to-alert latency at --rate events/s for --seconds.")
    boolean validation;

    @Option(names = "--rate", defaultValue = "200", description = "With --validation: events/s for the latency run (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "With --validation: length of the latency run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--eval", description = "Benchmark COCOeval instead: on a synthetic ground truth of --images images and a"
            + " detector's results for it, the offline eval (bbox, segm) beside pycocotools' COCOeval (when a cocoapi build is"
            + " on PYTHONPATH), then the live evaluation from the last results event to its stats on coco.evaluations.v1.")
    boolean eval;

    @Option(names = "--threads", defaultValue = "2", description = "With --eval or --validation: stream threads of the topology"
            + " (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rocksdb-memory-mb", defaultValue = "${env:COCOSTREAM_ROCKSDB_MEMORY_MB:-256}",
            description = "With --validation: all state stores' RocksDB memory, MiB, as streams takes it (default ${DEFAULT-VALUE}).")
    long rocksDbMemoryMb;

    @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
            description = "With --validation: a Kafka Streams setting for the topology, over cocostream's (e.g."
                    + " producer.compression.type=zstd); repeatable.")
    Map<String, String> streamsConfig = new LinkedHashMap<>();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (validation) {
            new ValidationBench(out).run(file, images, seed, rate, seconds, threads, rocksDbMemoryMb, streamsConfig);
            return 0;
        }
        if (eval) {
            new EvalBench(out).run(images, seed, threads);
            return 0;
        }
        Path tmp = Files.createTempDirectory("cocostream-bench-");
        Path f = file;
        if (f == null) {
            f = tmp.resolve("synthetic_instances.json");
            long t0 = System.nanoTime();
            Synth.write(Kind.INSTANCES, images, seed, f);
            out.printf("synthetic file: %s, %.1f MB, %d images (%.1f s)%n", f, Files.size(f) / 1e6, images, secs(t0));
        }
        double mb = Files.size(f) / 1e6;
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            Map<String, Object> client = stack.clientConfig();
            TopicAdmin.ensure(client, 6, Optional.empty());
            // A production broker is long warm: both the ingest and ProducerPerformance below meet a
            // broker that has already taken traffic, not one whose request path is still being compiled.
            stack.createTopics(6, WARM_UP_TOPIC, PRODUCER_PERFORMANCE_TOPIC);
            long t0 = System.nanoTime();
            producerPerformance(stack.bootstrapServers(), WARM_UP_TOPIC, WARM_UP_RECORDS, 4096);
            out.printf("broker warm-up: %d records of 4096 bytes through ProducerPerformance (%.1f s)%n", WARM_UP_RECORDS, secs(t0));

            t0 = System.nanoTime();
            long tokens = scan(f);
            double scan = secs(t0);
            out.printf("baseline Jackson token scan: %d tokens in %.2f s = %.1f MB/s%n", tokens, scan, mb / scan);

            Timed cold = ingest(f, client, mb, "first file in this JVM (our code not compiled yet)");
            Ingest.Result r = cold.result();

            int recordSize = (int) Math.max(1, Files.size(f) / Math.max(1, r.images()));
            double ppMb = producerPerformance(stack.bootstrapServers(), PRODUCER_PERFORMANCE_TOPIC, r.images(), recordSize);
            out.printf("baseline ProducerPerformance: %d records of %d bytes = %.1f MB/s%n", r.images(), recordSize, ppMb);

            // What `ingest --watch` does for every delivery after its first.
            Timed warm = ingest(newBatch(f, tmp, 1), client, mb, "next file in the same JVM (`cocostream ingest --watch`)");

            ratios("first file", cold.mbPerSecond(), mb / scan, ppMb);
            ratios("next file", warm.mbPerSecond(), mb / scan, ppMb);

            // A one-shot ingest against ProducerPerformance as one-shot (both pay their JVM start and
            // JIT), and against the issue's scale reference, loading the file as pycocotools does.
            oneShot(stack, newBatch(f, tmp, 2), tmp, r.images(), recordSize);
        } finally {
            // The synthetic file, the copies and the extracted resources; never --file.
            try (var left = Files.list(tmp)) {
                for (Path p : left.toList()) {
                    Files.delete(p);
                }
            }
            Files.deleteIfExists(tmp);
        }
        return 0;
    }

    private record Timed(Ingest.Result result, double mbPerSecond) {}

    /** The same content plus {@code newlines} newlines, in {@code dir}: a new batch (its id comes from the sha256). */
    private static Path newBatch(Path f, Path dir, int newlines) throws IOException {
        Path copy = dir.resolve("same-content-batch-" + newlines + ".json");
        Files.copy(f, copy);
        Files.write(copy, "\n".repeat(newlines).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        return copy;
    }

    private void ratios(String which, double ingest, double scan, double producerPerformance) {
        out.printf("ratios, %s: ingest/scan %.2f, ingest/ProducerPerformance %.2f, ingest/slower baseline %.2f (target >= 0.5)%n",
                which, ingest / scan, ingest / producerPerformance, ingest / Math.min(scan, producerPerformance));
    }

    /** One timed ingest, printed with its JIT compilation time (the cold start a first file pays). */
    private Timed ingest(Path f, Map<String, Object> client, double mb, String what) throws Exception {
        resetPeaks();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jit0 = jit.getTotalCompilationTime();
        long t0 = System.nanoTime();
        Ingest.Result r = Ingest.run(Ingest.Options.of(f).withProducer("bench"),
                batch -> new KafkaSink(client, batch), new Ingest.Progress() { });
        double s = secs(t0);
        out.printf("cocostream ingest, %s: %d images, %d annotations in %.2f s = %.1f MB/s, %.0f images/s, peak heap %.0f MB,"
                + " JIT compiling %.1f s (%s)%n", what, r.images(), r.annotations(), s, mb / s, r.images() / s, peakHeapMb(),
                (jit.getTotalCompilationTime() - jit0) / 1e3, r.status());
        return new Timed(r, mb / s);
    }

    private static long scan(Path f) throws Exception {
        long n = 0;
        try (InputStream in = Files.newInputStream(f); JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * A one-shot ingest and one-shot ProducerPerformance, each in a fresh JVM against this broker,
     * timed from process start to exit, then the Python load of the same file.
     */
    private void oneShot(EmbeddedStack stack, Path f, Path tmp, long records, int recordSize) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        double mb = Files.size(f) / 1e6;
        out.println("one-shot processes, each timed from its start to its exit (peak RSS: VmHWM, sampled every 20 ms):");
        List<String> pp = new ArrayList<>(List.of(java, "-cp", classPath, ProducerPerformance.class.getName()));
        pp.addAll(producerPerformanceArgs(stack.bootstrapServers(), PRODUCER_PERFORMANCE_TOPIC, records, recordSize));
        Child producer = Child.run(pp);
        out.printf("  ProducerPerformance on this broker, %d records of %d bytes: %.2f s, peak RSS %.0f MB%n", records,
                recordSize, producer.seconds(), producer.peakRssMb());
        Path options = Child.resource("/jvm/ingest.options", tmp);
        Child ingest = Child.run(List.of(java, "@" + options, "-cp", classPath, Cocostream.class.getName(), "ingest",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl(), f.toString()));
        out.printf("  cocostream ingest on this broker, with cli/jvm/ingest.options: %.2f s = %.1f MB/s, peak RSS %.0f MB%n",
                ingest.seconds(), mb / ingest.seconds(), ingest.peakRssMb());
        out.printf("ratio, one-shot: ingest/ProducerPerformance %.2f (target >= 0.5)%n", producer.seconds() / ingest.seconds());
        Optional<Child> python = Child.tryRun(List.of("python3", Child.resource("/python/pycocotools_load.py", tmp).toString(), f.toString()));
        if (python.isEmpty()) {
            out.println("  Python load skipped: no python3 on the PATH");
            return;
        }
        Matcher m = Pattern.compile("seconds ([0-9.]+) peak_rss_mb ([0-9]+)").matcher(python.get().output());
        if (!m.find()) {
            throw new IllegalStateException("no result from the Python load: " + python.get().output());
        }
        double seconds = Double.parseDouble(m.group(1));
        double rss = Double.parseDouble(m.group(2));
        out.printf("  Python json.load + pycocotools' index (pycocotools_load.py): %.2f s, peak RSS %.0f MB%n", seconds, rss);
        out.printf("ratios, one-shot ingest to the Python load: %.1fx as fast (target 5x), %.2f of its memory (target <= 0.10)%n",
                seconds / ingest.seconds(), ingest.peakRssMb() / rss);
    }

    private static List<String> producerPerformanceArgs(String bootstrap, String topic, long records, int size) {
        return List.of("--topic", topic, "--num-records", String.valueOf(records), "--record-size", String.valueOf(size),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true",
                "linger.ms=20", "batch.size=262144", "compression.type=lz4", "max.request.size=8388608");
    }

    /** Runs Kafka's ProducerPerformance in-process with our producer settings and returns its MB/s. */
    private static double producerPerformance(String bootstrap, String topic, long records, int size) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            ProducerPerformance.main(producerPerformanceArgs(bootstrap, topic, records, size).toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("records sent, [0-9.]+ records/sec \\(([0-9.]+) MB/sec\\)").matcher(text);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        if (Double.isNaN(last)) {
            throw new IllegalStateException("no result from ProducerPerformance: " + text);
        }
        // ProducerPerformance's MB is 2^20 bytes; ours are 10^6.
        return last * 1024 * 1024 / 1e6;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum / 1e6;
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
