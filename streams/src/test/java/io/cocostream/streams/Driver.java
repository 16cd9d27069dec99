package io.cocostream.streams;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import io.cocostream.embedded.registry.SchemaLog;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import io.cocostream.streams.query.StoreSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The whole topology in a TopologyTestDriver with an embedded registry: pipe records in by topic,
 * read views and alerts out. Reused by the system tests (test-jar), which pipe whole ingest runs in.
 */
final class Driver implements AutoCloseable {
    final EmbeddedSchemaRegistry registry;
    final Map<String, Object> serde;
    final TopologyTestDriver driver;
    private final Path stateDir;
    private final AvroSerde<SpecificRecord> any;
    private final Map<String, TestInputTopic<Object, SpecificRecord>> inputs = new HashMap<>();
    private final Map<String, TestOutputTopic<Long, SpecificRecord>> outputs = new HashMap<>();
    private final TestOutputTopic<String, SpecificRecord> reportsOut;
    private final Map<String, BatchReport> latestReports = new LinkedHashMap<>();
    /** Every category piped in, by topic key. */
    final Map<String, Category> categories = new LinkedHashMap<>();
    /** Each batch's latest manifest piped in. */
    final Map<String, BatchManifest> manifests = new LinkedHashMap<>();

    /** The topics the topology reads; ingest's other records stop here. */
    private static final java.util.Set<String> READ = new java.util.HashSet<>(List.of(Topics.CATEGORIES, Topics.RETRACTIONS,
            Topics.DEAD_LETTERS, Topics.BATCHES));

    static {
        CocoTopology.VALIDATED.forEach(k -> READ.add(k.topic()));
        READ.add(Topics.RESULTS);
    }

    Driver() throws IOException {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, SchemaLog.inMemory());
        serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // A state directory of its own: drivers of two builds on one machine must not share RocksDB's locks.
        stateDir = Files.createTempDirectory("topology-test-");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // The stores as the app configures them: one bounded, shared RocksDB cache.
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        driver = new TopologyTestDriver(CocoTopology.build(serde, Tolerances.DEFAULT), p);
        any = new AvroSerde<>(null, new SchemaRegistryClient(SerdeConfig.from(serde)), serde);
        reportsOut = driver.createOutputTopic(Topics.BATCH_REPORTS, new StringDeserializer(), any.deserializer());
    }

    @SuppressWarnings("unchecked")
    void pipe(String topic, Object key, SpecificRecord value) {
        if (value instanceof Category c) {
            categories.put((String) key, c);
        }
        if (value instanceof BatchManifest m) {
            manifests.remove(m.getBatchId()); // in the order of each batch's latest, as a sink reads them
            manifests.put(m.getBatchId(), m);
        }
        if (!READ.contains(topic)) {
            return;
        }
        inputs.computeIfAbsent(topic, t -> {
            Serializer<?> keys = Topics.spec(t).key() == Topics.Key.IMAGE_ID ? new LongSerializer() : new StringSerializer();
            return driver.createInputTopic(t, (Serializer<Object>) keys, any.serializer());
        }).pipeInput(key, value);
    }

    /** The stores as the COCO API reads them. */
    StoreSource stores() {
        return new StoreSource(new StoreSource.Queryable() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
                return (ReadOnlyKeyValueStore<K, V>) driver.getKeyValueStore(name);
            }
        });
    }

    /** Everything written to a topic since the last read, in order (null values are tombstones). */
    List<KeyValue<Long, SpecificRecord>> read(String topic) {
        return outputs.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new LongDeserializer(), any.deserializer()))
                .readKeyValuesToList();
    }

    /** What a compacted topic holds after everything written so far: the last value per key, tombstones removed. */
    static Map<Long, SpecificRecord> latest(List<KeyValue<Long, SpecificRecord>> records) {
        Map<Long, SpecificRecord> m = new LinkedHashMap<>();
        for (KeyValue<Long, SpecificRecord> kv : records) {
            if (kv.value == null) {
                m.remove(kv.key);
            } else {
                m.put(kv.key, kv.value);
            }
        }
        return m;
    }

    /** The alerts so far, {@code n} of them, the first of which is {@code rule}'s of that image and annotation. */
    ValidationAlert firstOf(int n, String rule, long imageId, Long annotationId) {
        List<ValidationAlert> alerts = alerts();
        org.junit.jupiter.api.Assertions.assertEquals(n, alerts.size(), alerts.toString());
        ValidationAlert a = alerts.get(0);
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Arrays.asList(rule, imageId, annotationId),
                java.util.Arrays.asList(a.getRule(), a.getImageId(), a.getAnnotationId()), a.toString());
        return a;
    }

    /** The batch reports written so far, the latest of each batch, after {@link BatchReports#EMIT_EVERY} more of wall-clock time. */
    Map<String, BatchReport> reports() {
        driver.advanceWallClockTime(BatchReports.EMIT_EVERY);
        readReports();
        return new LinkedHashMap<>(latestReports);
    }

    /** The batch reports written since the last read, in order. */
    List<BatchReport> readReports() {
        List<BatchReport> out = new java.util.ArrayList<>();
        for (KeyValue<String, SpecificRecord> kv : reportsOut.readKeyValuesToList()) {
            latestReports.put(kv.key, (BatchReport) kv.value);
            out.add((BatchReport) kv.value);
        }
        return out;
    }

    List<ValidationAlert> alerts() {
        return read(Topics.ALERTS).stream().map(kv -> (ValidationAlert) kv.value).toList();
    }

    @Override
    public void close() {
        driver.close();
        registry.close();
        try {
            Utils.delete(stateDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
