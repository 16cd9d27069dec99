package io.cocostream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import io.cocostream.embedded.registry.SchemaLog;
import io.cocostream.schemas.serde.RegistryException;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Failover, bounded retries and the errors a user sees. */
class SchemaRegistryClientTest {
    static final Schema S = Schema.createRecord("R", null, "t", false,
            java.util.List.of(new Schema.Field("x", Schema.create(Schema.Type.INT))));

    @Test
    void failsOverToTheNextUrl() throws IOException {
        int dead = EmbeddedKafka.freePort();
        try (EmbeddedSchemaRegistry r = EmbeddedSchemaRegistry.start("127.0.0.1", 0, SchemaLog.inMemory())) {
            SchemaRegistryClient c = new SchemaRegistryClient(SerdeConfig.from(Map.of(
                    SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + dead + "," + r.url(),
                    SerdeConfig.RETRY_BACKOFF_MS, "1")));
            int id = c.register("s-value", S);
            assertEquals(S, c.schemaById(id));
        }
    }

    @Test
    void unreachableRegistryNamesTheUrlAfterBoundedRetries() {
        int dead = EmbeddedKafka.freePort();
        SchemaRegistryClient c = new SchemaRegistryClient(SerdeConfig.from(Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + dead,
                SerdeConfig.MAX_RETRIES, "2", SerdeConfig.RETRY_BACKOFF_MS, "10")));
        long t0 = System.nanoTime();
        RegistryException e = assertThrows(RegistryException.class, () -> c.register("s-value", S));
        assertTrue(e.getMessage().contains("unreachable at http://127.0.0.1:" + dead), e.getMessage());
        assertTrue(e.getMessage().contains("3 attempt(s)"), e.getMessage());
        assertEquals(RegistryException.UNREACHABLE, e.errorCode());
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "bounded");
    }

    @Test
    void basicAuthCredentialsAreSentAndNeverPrinted() {
        SerdeConfig withUserInfo = SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", SerdeConfig.BASIC_AUTH_USER_INFO, "u:secret"));
        assertEquals("u:secret", withUserInfo.userInfo().orElseThrow());
        SerdeConfig inUrl = SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://u:pw@127.0.0.1:1",
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL", SerdeConfig.MAX_RETRIES, "0"));
        assertEquals("u:pw", inUrl.userInfo().orElseThrow());
        RegistryException e = assertThrows(RegistryException.class,
                () -> new SchemaRegistryClient(inUrl).schemaById(1));
        assertTrue(!e.getMessage().contains("pw"), e.getMessage());
    }
}
