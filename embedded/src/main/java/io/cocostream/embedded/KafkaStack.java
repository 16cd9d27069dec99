package io.cocostream.embedded;

import io.cocostream.schemas.serde.SerdeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster with a Confluent-compatible schema registry: what integration tests and the
 * embedded commands run against, whether in-process or in containers.
 */
public interface KafkaStack {

    /** Bootstrap servers of the cluster. */
    String bootstrapServers();

    /** Base URL of the schema registry. */
    String schemaRegistryUrl();

    /** Creates topics (replication factor: the broker's default), ignoring ones that exist. */
    default void createTopics(int partitions, String... names) {
        Properties p = new Properties();
        p.putAll(clientConfig());
        try (Admin admin = Admin.create(p)) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
                            .all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        }
    }

    /** Client settings for this stack: bootstrap servers and registry URL. */
    default Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        return c;
    }
}
