package io.cocostream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker and registry restarted on the same data directory keep topics and schema ids. */
class EmbeddedRestartIT {

    @Test
    void schemaIdsSurviveARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, Integer> ids = new java.util.HashMap<>();
        try (EmbeddedStack stack = EmbeddedStack.start(data, 0, 0)) {
            SchemaRegistryClient c = client(stack);
            for (Topics.TopicSpec t : Topics.ALL) {
                ids.put(t.name(), c.register(t.name() + "-value", t.valueSchema()));
            }
        }
        try (EmbeddedStack stack = EmbeddedStack.start(data, 0, 0)) {
            SchemaRegistryClient c = client(stack);
            for (Topics.TopicSpec t : Topics.ALL) {
                assertEquals(ids.get(t.name()), c.version(t.name() + "-value", "latest").id(), t.name());
                assertEquals(ids.get(t.name()), c.register(t.name() + "-value", t.valueSchema()));
            }
        } finally {
            Utils.delete(data.toFile());
        }
    }

    private static SchemaRegistryClient client(KafkaStack stack) {
        return new SchemaRegistryClient(SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl())));
    }
}
