package io.cocostream.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link SerdeContract} against Apache Kafka and Confluent Schema Registry in containers: proves
 * the serde works with the real registry. Skipped where no Docker daemon runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersSerdeIT extends SerdeContract {
    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> registry;

    @BeforeAll
    static void start() {
        network = Network.newNetwork();
        kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
                .withNetwork(network).withNetworkAliases("kafka")
                .withListener("kafka:19092");
        kafka.start();
        registry = new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        registry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Override
    @Test
    void theStackIsTheOneUnderTest() {
        assertTrue(registry.isRunning() && kafka.isRunning(), "Confluent Schema Registry and Kafka containers");
        assertTrue(registry.getDockerImageName().startsWith("confluentinc/cp-schema-registry"), registry.getDockerImageName());
    }

    @Override
    KafkaStack stack() {
        return new KafkaStack() {
            @Override
            public String bootstrapServers() {
                return kafka.getBootstrapServers();
            }

            @Override
            public String schemaRegistryUrl() {
                return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
            }
        };
    }
}
