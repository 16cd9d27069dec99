package io.cocostream.streams;

import io.cocostream.metrics.Meters;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.serde.SerdeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;

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
        // Transactions v2: a transaction's first sends may reach a partition before the previous
        // commit's marker, and are answered CONCURRENT_TRANSACTIONS (the sends behind them
        // OUT_OF_ORDER_SEQUENCE); each retry waited retry.backoff.ms, 100 ms, and the commit with it.
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10L);
        // Alerts within a second: commit (and so make visible to read_committed readers) every 200 ms.
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        return p;
    }

    /** A started app with these Streams settings (from {@link #config}, plus e.g. {@code application.server}). */
    public static KafkaStreams start(Map<String, Object> clientConfig, Properties streamsConfig) {
        return start(clientConfig, streamsConfig, Meters.NONE);
    }

    /** A started app as {@link #start(Map, Properties)} starts it, its topology counting in {@code meters}. */
    public static KafkaStreams start(Map<String, Object> clientConfig, Properties streamsConfig, Meters meters) {
        KafkaStreams streams = new KafkaStreams(CocoTopology.build(new HashMap<>(clientConfig), Tolerances.DEFAULT, meters),
                streamsConfig);
        streams.start();
        return streams;
    }

    /**
     * The topics the topology's tasks consume (its sources and repartition topics, not the global
     * categories): read from the topology itself.
     */
    public static List<String> inputTopics(String applicationId) {
        Set<String> out = new TreeSet<>();
        TopologyDescription d = CocoTopology.build(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"),
                Tolerances.DEFAULT).describe();
        for (TopologyDescription.Subtopology sub : d.subtopologies()) {
            for (TopologyDescription.Node n : sub.nodes()) {
                if (n instanceof TopologyDescription.Source src) {
                    for (String t : src.topicSet()) {
                        out.add(t.endsWith("-repartition") ? applicationId + "-" + t : t);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
