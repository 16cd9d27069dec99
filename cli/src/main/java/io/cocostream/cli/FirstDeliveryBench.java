package io.cocostream.cli;

import io.cocostream.metrics.ConsumerLag;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.streams.StreamsApp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code bench --validation}'s first delivery: a file ingested before the clock starts, then the
 * topology started with {@code threads} stream threads, timed until its group has consumed and
 * committed every input partition (so every alert and view is committed, exactly-once), beside
 * {@code check}'s time on the same file; the process's CPU by thread ({@link ThreadCpu}) and the
 * stream threads' producers' retries; the bytes the broker wrote per byte of event input; where
 * the stream threads' time went ({@link StreamThreadProfile}); and, meanwhile, small deliveries of
 * ten images each, timed from their send to their last alert (fairness).
 */
final class FirstDeliveryBench {
    static final int SMALL_DELIVERIES = 20;
    static final int SMALL_IMAGES = 10;

    private final PrintStream out;
    private final Map<String, Object> client;

    FirstDeliveryBench(PrintStream out, Map<String, Object> client) {
        this.out = out;
        this.client = client;
    }

    /** Runs the timed first delivery on {@code app} (not started yet: the clock starts with it). */
    void run(KafkaStreams app, String appId, long annotations, double checkSeconds, int threads, InstancesEvent template,
            Path tmp) throws Exception {
        Map<String, Long> before = topicBytes();
        long input = before.entrySet().stream().filter(e -> isEvent(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        AtomicBoolean bigDone = new AtomicBoolean();
        List<Double> small = new ArrayList<>();
        double seconds;
        StreamThreadProfile.Parts parts;
        ThreadCpu cpu = ThreadCpu.start();
        Map<String, Double> cpuGroups;
        Map<String, Double> producers;
        try (StreamThreadProfile profile = StreamThreadProfile.start(tmp)) {
            long t0 = System.nanoTime();
            app.start();
            Thread fairness = new Thread(() -> small.addAll(smallDeliveries(template, bigDone)), "bench-small-deliveries");
            fairness.start();
            awaitNoLag(client, appId);
            seconds = (System.nanoTime() - t0) / 1e9;
            cpuGroups = cpu.groups();
            producers = producerTotals(app);
            bigDone.set(true);
            parts = profile.parts();
            fairness.join();
        }
        out.printf("first delivery, %d stream threads, from start to every alert and view committed: %.1f s, %.0f"
                + " annotations/s (check on the same file: %.1f s; %.1f× check's time)%n", threads, seconds,
                annotations / seconds, checkSeconds, seconds / checkSeconds);
        double processCpu = cpuGroups.values().stream().mapToDouble(Double::doubleValue).sum();
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("CPU meanwhile: this process (the broker, registry and GC with the topology) %.0f cpu-s of %d cores × %.0f s"
                + " (%.0f%%); by thread, cpu-s: %s%n", processCpu, cores, seconds, 100 * processCpu / (cores * seconds),
                ThreadCpu.shares(cpuGroups, 10));
        out.printf("the stream threads' producers: %.0f records sent, %.0f retried, %.0f failed; %.0f commits%n",
                producers.get("record-send-total"), producers.get("record-retry-total"),
                producers.get("record-error-total"), producers.get("commit-total"));
        Map<String, Long> after = topicBytes();
        Map<String, Long> written = new TreeMap<>();
        after.forEach((t, b) -> {
            if (!isEvent(t)) {
                written.merge(group(t, appId), b - before.getOrDefault(t, 0L), Long::sum);
            }
        });
        long total = written.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder by = new StringBuilder();
        written.forEach((g, b) -> by.append(by.length() == 0 ? "" : ", ").append(String.format("%s %.2f", g, (double) b / input)));
        out.printf("bytes the broker holds beyond the events, per byte of event input (%.1f MB): %.2f (%s)%n", input / 1e6,
                (double) total / input, by);
        out.printf("stream threads running Java (%s); in native code (%s); parked %.0f s in all%n",
                StreamThreadProfile.Parts.shares(parts.java()), StreamThreadProfile.Parts.shares(parts.inNative()),
                parts.parkedSeconds());
        double[] ms = small.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf("fairness: %d of %d deliveries of %d images sent while it ran got all their alerts; send to last alert"
                + " p50 %.1f s, p99 %.1f s%n", ms.length, SMALL_DELIVERIES, SMALL_IMAGES, ValidationBench.pct(ms, 0.5) / 1e3,
                ValidationBench.pct(ms, 0.99) / 1e3);
    }

    /** The stream threads' producers' sends, retries and errors, and the threads' commits, summed over them. */
    private static Map<String, Double> producerTotals(KafkaStreams app) {
        Map<String, Double> sums = new HashMap<>();
        Set<String> wanted = Set.of("record-send-total", "record-retry-total", "record-error-total", "commit-total");
        app.metrics().forEach((name, metric) -> {
            boolean ours = name.group().equals("producer-metrics") || name.group().equals("stream-thread-metrics");
            if (ours && wanted.contains(name.name()) && metric.metricValue() instanceof Number n) {
                sums.merge(name.name(), n.doubleValue(), Double::sum);
            }
        });
        wanted.forEach(w -> sums.putIfAbsent(w, 0.0));
        return sums;
    }

    /** The event topics ingest writes, which the figures divide by. */
    private static boolean isEvent(String topic) {
        for (Kind k : Kind.values()) {
            if (k.topic().equals(topic)) {
                return true;
            }
        }
        return topic.equals(Topics.CATEGORIES) || topic.equals(Topics.BATCHES);
    }

    /** A topic's group in the figures: its name, or changelogs and repartitions by kind. */
    private static String group(String topic, String appId) {
        if (topic.startsWith(appId + "-")) {
            return topic.endsWith("-changelog") ? "changelogs" : topic.endsWith("-repartition") ? "repartitions" : "internal";
        }
        return topic.startsWith("__") ? "kafka internal" : topic;
    }

    /** Bytes in the broker's logs per topic (every replica of this one-node cluster). */
    private Map<String, Long> topicBytes() throws Exception {
        Map<String, Long> bytes = new HashMap<>();
        try (Admin admin = Admin.create(client)) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription d : dirs.values()) {
                    d.replicaInfos().forEach((tp, info) -> bytes.merge(tp.topic(), info.size(), Long::sum));
                }
            }
        }
        return bytes;
    }

    /** Waits until the group has committed the end of every partition its topology reads. */
    static void awaitNoLag(Map<String, Object> client, String appId) throws Exception {
        List<String> topics = StreamsApp.inputTopics(appId);
        try (Admin admin = Admin.create(client)) {
            while (true) {
                List<ConsumerLag.Partition> lag = ConsumerLag.of(admin, appId, topics);
                if (!lag.isEmpty() && lag.stream().allMatch(p -> p.lag() == 0 && (p.committed() != null || p.end() == 0))) {
                    return;
                }
                Thread.sleep(500); // each look lists every partition's offsets: not so often that it competes
            }
        }
    }

    /**
     * One delivery of {@link #SMALL_IMAGES} images (each with a wrong area) a second while the big one
     * runs, each timed from its send to the last of its alerts; milliseconds, those completed.
     */
    private List<Double> smallDeliveries(InstancesEvent template, AtomicBoolean bigDone) {
        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        Map<Integer, Set<Long>> waiting = new HashMap<>();
        List<Double> done = new ArrayList<>();
        try (KafkaProducer<Long, InstancesEvent> producer = ValidationBench.eventProducer(client);
                KafkaConsumer<byte[], ValidationAlert> consumer = ValidationBench.alertConsumer(client, "bench-fairness-")) {
            long next = System.nanoTime();
            int sent = 0;
            long giveUp = Long.MAX_VALUE;
            while (done.size() < SMALL_DELIVERIES && System.nanoTime() < giveUp) {
                if (sent < SMALL_DELIVERIES && System.nanoTime() >= next) {
                    Set<Long> images = new HashSet<>();
                    for (int j = 0; j < SMALL_IMAGES; j++) {
                        long image = 2_000_000_000L + sent * 100L + j;
                        producer.send(new ProducerRecord<>(Topics.INSTANCES, image, ValidationBench.wrongArea(template, image)));
                        images.add(image);
                    }
                    producer.flush();
                    sentAt.put(sent, System.nanoTime());
                    waiting.put(sent, images);
                    sent++;
                    next += Duration.ofSeconds(1).toNanos();
                }
                if (bigDone.get() && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                }
                for (ConsumerRecord<byte[], ValidationAlert> r : consumer.poll(Duration.ofMillis(20))) {
                    Long image = r.value().getImageId();
                    if (image == null || image < 2_000_000_000L) {
                        continue;
                    }
                    int d = (int) ((image - 2_000_000_000L) / 100);
                    Set<Long> left = waiting.get(d);
                    if (left != null && left.remove(image) && left.isEmpty()) {
                        done.add((System.nanoTime() - sentAt.get(d)) / 1e6);
                        waiting.remove(d);
                    }
                }
            }
        }
        return done;
    }
}
