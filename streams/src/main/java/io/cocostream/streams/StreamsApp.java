package io.cocostream.streams;

import io.cocostream.rules.Tolerances;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** Runs cocostream's topology (validation and views): exactly-once, dead letters for what cannot be read or processed. */
public final class StreamsApp {
    /** The default application id (consumer group and internal topic prefix). */
    public static final String APPLICATION_ID = "cocostream-streams";

    private StreamsApp() {}

    /** The Streams settings: the client config (bootstrap, security, registry), then cocostream's. */
    public static Properties config(Map<String, Object> clientConfig, String applicationId, int threads) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
        // The categories' global store too: a category that cannot be stored is a dead letter, not a stop.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // All stores' RocksDB memory within one bound (cocostream.rocksdb.memory.bytes, default 256 MiB).
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        // Each input topic is its own kind (and retractions name their batch or image): nothing is
        // gained by holding a task until every one of its co-partitioned topics has data.
        p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Views are large records (masks, segmentations): bigger compressed batches cost less per record.
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Alerts within a second: commit (and so make visible to read_committed readers) every 200 ms.
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        return p;
    }

    /** A started app with these Streams settings (from {@link #config}, plus e.g. {@code application.server}). */
    public static KafkaStreams start(Map<String, Object> clientConfig, Properties streamsConfig) {
        KafkaStreams streams = new KafkaStreams(CocoTopology.build(new HashMap<>(clientConfig), Tolerances.DEFAULT),
                streamsConfig);
        streams.start();
        return streams;
    }
}
