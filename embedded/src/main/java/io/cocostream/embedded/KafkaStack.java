package io.cocostream.embedded;

import io.cocostream.schemas.serde.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A Kafka cluster with a Confluent-compatible schema registry: what integration tests and the
 * embedded commands run against, whether in-process or in containers.
 */
public interface KafkaStack {

    /** Bootstrap servers of the cluster. */
    String bootstrapServers();

    /** Base URL of the schema registry. */
    String schemaRegistryUrl();

    /** Client settings for this stack: bootstrap servers and registry URL. */
    default Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        return c;
    }
}
