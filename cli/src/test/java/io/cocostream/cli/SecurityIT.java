package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.EmbeddedKafka;
import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import io.cocostream.embedded.registry.KafkaSchemaLog;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented security settings, exercised: a broker whose only listener for clients is
 * SASL_SSL with SCRAM-SHA-512 (a self-signed certificate made here with the JDK's keytool), a
 * registry that wants basic auth, and {@code ingest}, {@code streams} and {@code alerts} configured
 * only through a properties file of {@code kafka.*} and {@code basic.auth.*} keys. A wrong password,
 * for the broker or the registry, ends the command with a message naming what refused it.
 */
class SecurityIT {
    private static final String PASSWORD = "store-pass";
    private static final String USER = "cocostream";
    private static final String SECRET = "scram-secret";
    private static final String REGISTRY_AUTH = "registry-user:registry-pass";

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startTheSecuredStack() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Certificates.selfSigned(keystore, truststore, PASSWORD);
        String l = "listener.name.sasl_ssl.";
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, false, Map.of(
                "sasl.enabled.mechanisms", "SCRAM-SHA-512",
                l + "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                l + "ssl.keystore.location", keystore.toString(),
                l + "ssl.keystore.password", PASSWORD,
                l + "ssl.key.password", PASSWORD,
                l + "ssl.keystore.type", "PKCS12"),
                List.of(new EmbeddedKafka.Listener("SASL_SSL", "SASL_SSL", 0)));
        // The operator's side: the user's SCRAM credential, set over the broker's own listener.
        Map<String, Object> operator = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(operator)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), SECRET))).all().get(30, TimeUnit.SECONDS);
        }
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0,
                new KafkaSchemaLog(KafkaSchemaLog.DEFAULT_TOPIC, new HashMap<>(operator)), REGISTRY_AUTH);
        Files.writeString(dir.resolve("client.properties"), settings(truststore, SECRET, REGISTRY_AUTH));
        Files.writeString(dir.resolve("wrong-password.properties"), settings(truststore, "guess", REGISTRY_AUTH));
        Files.writeString(dir.resolve("wrong-registry-password.properties"),
                settings(truststore, SECRET, "registry-user:guess"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Only the documented keys: bootstrap and registry, kafka.* for the clients, basic.auth.* for the registry. */
    private static String settings(Path truststore, String secret, String registryAuth) {
        return String.join("\n",
                "bootstrap.servers=" + kafka.bootstrapServers("SASL_SSL"),
                "schema.registry.url=" + registry.url(),
                "cocostream.partitions=2",
                "kafka.security.protocol=SASL_SSL",
                "kafka.sasl.mechanism=SCRAM-SHA-512",
                "kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + secret + "\";",
                "kafka.ssl.truststore.location=" + truststore,
                "kafka.ssl.truststore.password=" + PASSWORD,
                "kafka.ssl.truststore.type=PKCS12",
                "basic.auth.credentials.source=USER_INFO",
                "basic.auth.user.info=" + registryAuth, "");
    }

    @Test
    void ingestStreamsAndAlertsWorkOverSaslSslWithTheRegistrysBasicAuth() throws Exception {
        // Given streams running against the secured cluster
        String config = dir.resolve("client.properties").toString();
        try (ChildJvm streams = ChildJvm.start(dir.resolve("streams.log"), "streams", "--config", config,
                "--application-id", "security-it", "--threads", "1", "--state-dir", dir.resolve("state").toString(),
                "--metrics-port", "0")) {
            streams.awaitOutput("validating", Duration.ofSeconds(90));

            // When a delivery with one wrong area is ingested
            PlantedDefect bad = PlantedDefect.wrongArea(dir, "secured-delivery.json");
            CommandLines.run("ingest", bad.file().toString(), "--config", config);

            // Then alerts, over the same settings, shows the planted error with its image and annotation
            try (ChildJvm alerts = ChildJvm.start(dir.resolve("alerts.log"), "alerts", "--config", config,
                    "--from-beginning", "--format", "jsonl", "--rule", "area.polygon")) {
                alerts.awaitOutput("\"annotation_id\":" + bad.annotationId(), Duration.ofSeconds(90));
                JsonNode alert = null;
                for (String line : alerts.output().split("\n")) {
                    if (line.startsWith("{")) {
                        alert = SharedData.JSON.readTree(line);
                    }
                }
                assertEquals(bad.imageId(), alert.get("image_id").asLong(), alerts.output());
                alerts.terminate();
            }
            streams.terminate();
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorNamingTheBrokerNotAHang() throws Exception {
        String config = dir.resolve("wrong-password.properties").toString();
        Path file = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        for (String[] command : List.of(new String[] {"ingest", file.toString()}, new String[] {"alerts"},
                new String[] {"streams", "--application-id", "security-it-refused", "--state-dir",
                    dir.resolve("refused").toString(), "--metrics-port", "0"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--config", config));
            long start = System.nanoTime();
            CommandLines.Output o = CommandLines.runWithErrors(2, args.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(o.err().contains("cocostream " + command[0] + ": the Kafka cluster at " + kafka.bootstrapServers("SASL_SSL")
                    + " refused to authenticate us"), command[0] + ": " + o.err());
            assertTrue(seconds < 30, command[0] + " took " + seconds + " s");
            String said = o.err().lines().filter(x -> x.startsWith("cocostream ")).reduce((a, b) -> b).orElse("");
            System.out.printf("%s with a wrong password: exit 2 after %.1f s: %s%n", command[0], seconds, said);
        }
    }

    @Test
    void aWrongRegistryPasswordIsAClearErrorNamingTheRegistry() throws IOException {
        String config = dir.resolve("wrong-registry-password.properties").toString();
        Path file = Files.copy(SharedData.coco().resolve("instances/instances_val2017_mini.json"),
                dir.resolve("registry-refused.json"));
        CommandLines.Output o = CommandLines.runWithErrors(2, "ingest", file.toString(), "--config", config);
        assertTrue(o.err().contains(registry.url()), o.err());
        assertTrue(o.err().contains("401"), o.err());
    }
}
