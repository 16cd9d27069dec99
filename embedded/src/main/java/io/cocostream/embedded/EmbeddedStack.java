package io.cocostream.embedded;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** An in-process KRaft broker with an embedded schema registry storing its schemas on it. */
public final class EmbeddedStack implements RunningStack {
    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Both on free loopback ports, with temporary storage. */
    public static EmbeddedStack startTemporary() throws IOException {
        return start(EmbeddedKafka.startTemporary(), 0);
    }

    /** Broker on {@code kafkaPort} keeping data in {@code dataDir}; registry on {@code registryPort} (0: free ports). */
    public static EmbeddedStack start(Path dataDir, int kafkaPort, int registryPort) throws IOException {
        return start(EmbeddedKafka.start(dataDir, kafkaPort, false, Map.of()), registryPort);
    }

    private static EmbeddedStack start(EmbeddedKafka kafka, int registryPort) throws IOException {
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startOnKafka("127.0.0.1", registryPort,
                    Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            return new EmbeddedStack(kafka, registry);
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
