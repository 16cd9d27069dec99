package io.cocostream.cli;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.ingest.DecodingSink;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.ingest.offline.OfflineCheck;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.rules.EventValidator;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.streams.BoundedRocksDb;
import io.cocostream.streams.StreamsApp;
import io.cocostream.synth.Synth;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code cocostream bench --validation}: the Mask API alone, the rules alone and {@code check} on the
 * same annotations, then the live topology on them in the same run: a first delivery
 * ({@link FirstDeliveryBench}), a re-delivery to the warm topology, ingest-to-alert latency at a
 * steady rate.
 */
final class ValidationBench {
    private final PrintStream out;

    ValidationBench(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs every figure on {@code file} (an instances file, delivered again as it is for the
     * re-delivery), or without one on a synthetic file of {@code images} images (re-delivered as
     * the same images with seed {@code seed + 1}).
     */
    void run(Path file, int images, long seed, int rate, int seconds, int threads, long rocksDbMemoryMb,
            Map<String, String> settings) throws Exception {
        Path tmp = Files.createTempDirectory("cocostream-bench-validation-");
        boolean synthetic = file == null;
        Path f = synthetic ? tmp.resolve("synthetic_instances.json") : file;
        Path again = synthetic ? tmp.resolve("redelivery.json") : file;
        if (synthetic) {
            Synth.write(Kind.INSTANCES, images, seed, f);
            Synth.write(Kind.INSTANCES, images, seed + 1, again);
        }
        List<InstancesEvent> events = new ArrayList<>();
        Ingest.run(Ingest.Options.of(f).withProducer("bench"), b -> new Collect(events), new Ingest.Progress() { });
        if (events.isEmpty()) {
            throw new IllegalArgumentException(f + ": bench --validation takes an instances file, and this one has no"
                    + " instances events");
        }
        long anns = events.stream().mapToLong(e -> e.getAnnotations().size()).sum();
        out.printf("%s: %d images, %d annotations (%.1f MB)%n", synthetic ? "synthetic instances" : f, events.size(),
                anns, Files.size(f) / 1e6);

        List<MaskInput> inputs = MaskInput.of(events);
        double maskApi = best(3, () -> maskApi(inputs));
        out.printf("Mask API alone (frPoly/frString, merge, area, toBbox), one thread: %.0f annotations/s%n", anns / maskApi);
        EventValidator validator = new EventValidator(Tolerances.DEFAULT);
        Category any = Category.newBuilder().setKind("instances").setId(0).setName("")
                .setProvenance(io.cocostream.schemas.avro.Provenance.newBuilder().setBatchId("").setSourceFile("")
                        .setProducer("").setIngestTime(java.time.Instant.EPOCH).build())
                .build();
        double rules = best(3, () -> events.forEach(e -> validator.validate(e, id -> any)));
        out.printf("rules alone (EventValidator), one thread: %.0f annotations/s (%.2f of the Mask API)%n", anns / rules,
                maskApi / rules);
        long c0 = System.nanoTime();
        OfflineCheck.run(f, null, Tolerances.DEFAULT, a -> { });
        double check = (System.nanoTime() - c0) / 1e9;
        out.printf("check (offline, the same rules from the file): %.1f s, %.0f annotations/s%n", check, anns / check);

        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            Map<String, Object> client = stack.clientConfig();
            TopicAdmin.ensure(client, 6, Optional.empty());
            Ingest.run(Ingest.Options.of(f).withProducer("bench"), b -> new KafkaSink(client, b), new Ingest.Progress() { });
            String appId = "bench-validation-" + UUID.randomUUID();
            Properties p = StreamsApp.config(client, appId, threads);
            p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
            p.put(BoundedRocksDb.MEMORY_CONFIG, String.valueOf(rocksDbMemoryMb << 20));
            p.putAll(settings);
            out.printf("the topology: %d stream threads, %d MiB for all RocksDB stores%s%n", threads, rocksDbMemoryMb,
                    settings.isEmpty() ? "" : ", " + settings);
            KafkaStreams app = new KafkaStreams(io.cocostream.streams.CocoTopology.build(new HashMap<>(client),
                    Tolerances.DEFAULT), p);
            try {
                new FirstDeliveryBench(out, client).run(app, appId, anns, check, threads, events.get(0), tmp);
                // Timed: a re-delivery of the same images (another seed, or the file again) to the warm app,
                // ingest running alongside.
                long t1 = System.nanoTime();
                Ingest.run(Ingest.Options.of(again).withProducer("bench"), b -> new KafkaSink(client, b),
                        new Ingest.Progress() { });
                FirstDeliveryBench.awaitNoLag(client, appId);
                double streams = (System.nanoTime() - t1) / 1e9;
                out.printf("re-delivery to the warm topology (exactly-once, views, changelogs), %d stream threads:"
                        + " %.0f annotations/s (%.2f of the Mask API, %.2f of the rules alone; per thread %.2f of check's"
                        + " per core)%n", threads, anns / streams, maskApi / streams, rules / streams,
                        (anns / streams / threads) / (anns / check));
                // Steady state: let the re-delivery's changelog and compaction work settle first.
                Thread.sleep(2000);
                latency(client, events.get(0), rate, seconds);
            } finally {
                app.close(Duration.ofSeconds(10));
                app.cleanUp();
            }
        } finally {
            if (synthetic) {
                Files.deleteIfExists(f);
                Files.deleteIfExists(again);
            }
        }
    }

    /**
     * One annotation's segmentation as the Mask API takes it, converted from the Avro event before
     * timing, so that the baseline measures the Mask API alone.
     */
    private record MaskInput(int h, int w, double[][] polygons, RleMask rle, long[] uncompressed) {
        static List<MaskInput> of(List<InstancesEvent> events) {
            List<MaskInput> in = new ArrayList<>();
            for (InstancesEvent e : events) {
                for (InstanceAnnotation a : e.getAnnotations()) {
                    RleMask m = a.getSegmentation().getRle();
                    double[][] polys = a.getSegmentation().getPolygons().stream()
                            .map(p -> p.stream().mapToDouble(Double::doubleValue).toArray()).toArray(double[][]::new);
                    long[] counts = m == null || m.getUncompressedCounts() == null ? null
                            : m.getUncompressedCounts().stream().mapToLong(Long::longValue).toArray();
                    in.add(new MaskInput(e.getImage().getHeight(), e.getImage().getWidth(), polys, m, counts));
                }
            }
            return in;
        }
    }

    /** The Mask API work validation does for each annotation: rasterize or decode, merge, area, bbox. */
    private static void maskApi(List<MaskInput> inputs) {
        MaskScratch s = new MaskScratch();
        double[] bb = new double[4];
        for (MaskInput in : inputs) {
            Rle mask;
            if (in.rle() == null) {
                Rle[] rs = new Rle[in.polygons().length];
                for (int i = 0; i < rs.length; i++) {
                    rs[i] = Masks.frPoly(in.polygons()[i], in.h(), in.w(), s);
                }
                mask = Masks.merge(rs, false, s);
            } else {
                RleMask m = in.rle();
                mask = m.getCounts() != null ? Masks.frString(m.getCounts(), m.getHeight(), m.getWidth(), s)
                        : Rle.ofLongs(m.getHeight(), m.getWidth(), in.uncompressed());
            }
            Masks.area(mask);
            Masks.toBbox(mask, bb, 0);
        }
    }

    private static double best(int runs, Runnable work) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Sends one event with a wrong area every 1/rate s and times each until its first committed alert. */
    private void latency(Map<String, Object> client, InstancesEvent template, int rate, int seconds) throws Exception {
        Map<Long, Long> sent = new ConcurrentHashMap<>();
        List<Double> millis = new ArrayList<>();
        int total = rate * seconds;
        try (KafkaProducer<Long, InstancesEvent> producer = eventProducer(client);
                KafkaConsumer<byte[], ValidationAlert> consumer = alertConsumer(client, "bench-latency-")) {
            long start = System.nanoTime();
            long next = start;
            int i = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds + 30L);
            while ((i < total || millis.size() < total) && System.nanoTime() < deadline) {
                if (i < total && System.nanoTime() >= next) {
                    long image = 1_000_000_000L + i;
                    producer.send(new ProducerRecord<>(Topics.INSTANCES, image, wrongArea(template, image)));
                    sent.put(image, System.nanoTime());
                    i++;
                    next += TimeUnit.SECONDS.toNanos(1) / rate;
                }
                for (ConsumerRecord<byte[], ValidationAlert> r : consumer.poll(Duration.ofMillis(5))) {
                    Long t = r.value().getImageId() == null ? null : sent.remove(r.value().getImageId());
                    if (t != null) {
                        millis.add((System.nanoTime() - t) / 1e6);
                    }
                }
            }
        }
        double[] ms = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf("ingest-to-alert latency at %d events/s for %d s: %d of %d alerted, p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                + " (commit interval %s ms)%n", rate, seconds, ms.length, total, pct(ms, 0.50), pct(ms, 0.99),
                ms.length == 0 ? Double.NaN : ms[ms.length - 1], StreamsApp.config(client, "x", 1)
                        .get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    /** A producer of instances events as a vendor's would send them: each acknowledged by every replica, at once. */
    static KafkaProducer<Long, InstancesEvent> eventProducer(Map<String, Object> client) {
        Map<String, Object> pc = new HashMap<>(client);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        AvroSerializer<InstancesEvent> ser = new AvroSerializer<>();
        ser.configure(pc, false);
        return new KafkaProducer<>(pc, new LongSerializer(), ser);
    }

    /** A consumer of the alerts committed from now on, as QA reads them, already assigned its partitions. */
    static KafkaConsumer<byte[], ValidationAlert> alertConsumer(Map<String, Object> client, String groupPrefix) {
        Map<String, Object> cc = new HashMap<>(client);
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        AvroDeserializer<ValidationAlert> de = new AvroDeserializer<>(ValidationAlert.class);
        de.configure(cc, false);
        KafkaConsumer<byte[], ValidationAlert> consumer = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), de);
        consumer.subscribe(List.of(Topics.ALERTS));
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** A copy of {@code template} as image {@code image}, its first annotation's area 50% too large. */
    static InstancesEvent wrongArea(InstancesEvent template, long image) {
        InstancesEvent e = InstancesEvent.newBuilder(template).setImageId(image).build();
        List<InstanceAnnotation> anns = new ArrayList<>();
        for (InstanceAnnotation a : template.getAnnotations()) {
            anns.add(InstanceAnnotation.newBuilder(a).setImageId(image).setId(image * 1000 + anns.size())
                    .setArea(anns.isEmpty() ? a.getArea() * 1.5 : a.getArea()).build());
        }
        e.setAnnotations(anns);
        e.setImage(io.cocostream.schemas.avro.Image.newBuilder(template.getImage()).setId(image).build());
        return e;
    }

    /** Keeps the instances events ingest would publish. */
    private static final class Collect extends DecodingSink {
        private final List<InstancesEvent> events;

        Collect(List<InstancesEvent> events) {
            this.events = events;
        }

        @Override
        protected void accept(String topic, Object key, SpecificRecord value) {
            if (value instanceof InstancesEvent e) {
                events.add(e);
            }
        }
    }
}
