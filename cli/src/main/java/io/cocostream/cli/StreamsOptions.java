package io.cocostream.cli;

import io.cocostream.streams.BoundedRocksDb;
import io.cocostream.streams.StreamsApp;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** The Kafka Streams settings of the commands that run the topology ({@code streams}, {@code serve}). */
final class StreamsOptions {

    @Option(names = "--application-id", defaultValue = StreamsApp.APPLICATION_ID,
            description = "Kafka Streams application id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "2", description = "Stream threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rocksdb-memory-mb", defaultValue = "${env:COCOSTREAM_ROCKSDB_MEMORY_MB:-256}",
            description = "Off-heap memory for all state stores together, MiB (env COCOSTREAM_ROCKSDB_MEMORY_MB;"
                    + " default ${DEFAULT-VALUE}).")
    long rocksDbMemoryMb;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the state stores live (default: Kafka Streams' own).")
    Path stateDir;

    /** The Streams settings for these options. */
    Properties config(Map<String, Object> client) {
        Properties p = StreamsApp.config(client, applicationId, threads);
        p.put(BoundedRocksDb.MEMORY_CONFIG, String.valueOf(rocksDbMemoryMb << 20));
        if (stateDir != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        return p;
    }
}
