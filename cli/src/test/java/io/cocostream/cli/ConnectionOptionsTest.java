package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option beats environment beats properties file beats default; kafka.* passes through. */
class ConnectionOptionsTest {

    private static ConnectionOptions parse(Map<String, String> env, String... args) {
        ConnectionOptions o = new ConnectionOptions();
        new CommandLine(o).parseArgs(args);
        return o.withEnv(env);
    }

    @Test
    void defaults() {
        ConnectionOptions o = parse(Map.of());
        assertEquals("127.0.0.1:9092", o.bootstrapServers());
        assertEquals("http://127.0.0.1:8081", o.schemaRegistryUrl());
        assertEquals(6, o.partitions());
        assertEquals(java.util.Optional.empty(), o.replicationFactor());
    }

    @Test
    void precedenceAndPassThrough(@TempDir Path dir) throws IOException {
        Path props = dir.resolve("c.properties");
        Files.writeString(props, "bootstrap.servers=file:9092\nschema.registry.url=http://file:8081\n"
                + "cocostream.partitions=12\nkafka.security.protocol=SASL_SSL\nkafka.sasl.mechanism=PLAIN\n"
                + "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=u:p\n");
        Map<String, String> env = Map.of("COCOSTREAM_CONFIG", props.toString(),
                "COCOSTREAM_SCHEMA_REGISTRY_URL", "http://env:8081",
                "COCOSTREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "COCOSTREAM_BASIC_AUTH_USER_INFO", "env:pw");
        ConnectionOptions o = parse(env, "--bootstrap-servers", "cli:9092", "--kafka", "client.id=me");
        assertEquals("cli:9092", o.bootstrapServers());
        assertEquals("http://env:8081", o.schemaRegistryUrl());
        assertEquals(12, o.partitions());
        Map<String, Object> c = o.clientConfig();
        assertEquals("cli:9092", c.get("bootstrap.servers"));
        assertEquals("SASL_SSL", c.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", c.get("sasl.mechanism"), "environment beats the file");
        assertEquals("me", c.get("client.id"));
        assertEquals("env:pw", c.get("basic.auth.user.info"), "environment beats the file");
        assertEquals("USER_INFO", c.get("basic.auth.credentials.source"));
        assertEquals("http://env:8081", c.get("schema.registry.url"));
    }
}
