package io.cocostream.cli;

import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * How a command reaches a cluster. Each setting resolves, first found wins: the command-line
 * option, the environment variable, the properties file, the default.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>option</th><th>environment</th><th>properties key</th><th>default</th></tr>
 * <tr><td>--bootstrap-servers</td><td>COCOSTREAM_BOOTSTRAP_SERVERS</td><td>bootstrap.servers</td><td>127.0.0.1:9092</td></tr>
 * <tr><td>--schema-registry-url</td><td>COCOSTREAM_SCHEMA_REGISTRY_URL</td><td>schema.registry.url</td><td>http://127.0.0.1:8081</td></tr>
 * <tr><td>--partitions</td><td>COCOSTREAM_PARTITIONS</td><td>cocostream.partitions</td><td>6</td></tr>
 * <tr><td>--replication-factor</td><td>COCOSTREAM_REPLICATION_FACTOR</td><td>cocostream.replication.factor</td><td>broker default</td></tr>
 * <tr><td>--config</td><td>COCOSTREAM_CONFIG</td><td></td><td>none</td></tr>
 * <tr><td>--kafka KEY=VALUE</td><td>COCOSTREAM_KAFKA_&lt;KEY&gt;</td><td>kafka.&lt;key&gt;</td><td></td></tr>
 * <tr><td></td><td>COCOSTREAM_BASIC_AUTH_&lt;KEY&gt;</td><td>basic.auth.&lt;key&gt;</td><td>no registry auth</td></tr>
 * </table>
 *
 * <p>{@code kafka.*} settings (TLS, SASL, ...) go to every Kafka client without the prefix; in the
 * environment, {@code COCOSTREAM_KAFKA_SASL_MECHANISM=PLAIN} is {@code sasl.mechanism=PLAIN}. The
 * registry's own keys ({@code basic.auth.*}, {@code schema.registry.*}) go to the serdes as they are;
 * {@code COCOSTREAM_BASIC_AUTH_USER_INFO} is {@code basic.auth.user.info}.
 */
public final class ConnectionOptions {
    static final String ENV_BOOTSTRAP = "COCOSTREAM_BOOTSTRAP_SERVERS";
    static final String ENV_REGISTRY = "COCOSTREAM_SCHEMA_REGISTRY_URL";
    static final String ENV_PARTITIONS = "COCOSTREAM_PARTITIONS";
    static final String ENV_REPLICATION = "COCOSTREAM_REPLICATION_FACTOR";
    static final String ENV_CONFIG = "COCOSTREAM_CONFIG";
    static final String ENV_KAFKA_PREFIX = "COCOSTREAM_KAFKA_";
    static final String ENV_BASIC_AUTH_PREFIX = "COCOSTREAM_BASIC_AUTH_";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env " + ENV_BOOTSTRAP + "; default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Schema registry URL(s), comma-separated (env " + ENV_REGISTRY + "; default http://127.0.0.1:8081).")
    String schemaRegistryUrl;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of every topic keyed by image id (env " + ENV_PARTITIONS + "; default 6).")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication factor of created topics (env " + ENV_REPLICATION + "; default: the broker's).")
    Short replicationFactor;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with the settings above and kafka.* client settings (env " + ENV_CONFIG + ").")
    Path configFile;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting, e.g. --kafka security.protocol=SASL_SSL (repeatable; env COCOSTREAM_KAFKA_<KEY>).")
    Map<String, String> kafka = new LinkedHashMap<>();

    private Map<String, String> env = System.getenv();

    /** For tests: resolve against this environment instead of the process's. */
    ConnectionOptions withEnv(Map<String, String> env) {
        this.env = env;
        this.fileSettings = null;
        return this;
    }

    private Properties fileSettings;

    /** The properties file's settings, read once. */
    private Properties file() {
        if (fileSettings != null) {
            return fileSettings;
        }
        Properties p = new Properties();
        Path f = configFile != null ? configFile : env.get(ENV_CONFIG) != null ? Path.of(env.get(ENV_CONFIG)) : null;
        if (f != null) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + f + ": " + e.getMessage(), e);
            }
        }
        fileSettings = p;
        return p;
    }

    private String resolve(String option, String envName, String key, String dflt) {
        if (option != null) {
            return option;
        }
        if (env.get(envName) != null) {
            return env.get(envName);
        }
        return file().getProperty(key, dflt);
    }

    public String bootstrapServers() {
        return resolve(bootstrapServers, ENV_BOOTSTRAP, "bootstrap.servers", "127.0.0.1:9092");
    }

    public String schemaRegistryUrl() {
        return resolve(schemaRegistryUrl, ENV_REGISTRY, SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:8081");
    }

    public int partitions() {
        return Integer.parseInt(resolve(partitions == null ? null : partitions.toString(), ENV_PARTITIONS,
                "cocostream.partitions", "6"));
    }

    /** Empty: the broker's default. */
    public java.util.Optional<Short> replicationFactor() {
        String v = resolve(replicationFactor == null ? null : replicationFactor.toString(), ENV_REPLICATION,
                "cocostream.replication.factor", null);
        return v == null ? java.util.Optional.empty() : java.util.Optional.of(Short.parseShort(v));
    }

    /** Settings for Kafka clients and serdes: bootstrap, registry, kafka.* pass-through, registry auth keys. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        Properties p = file();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("kafka.")) {
                c.put(key.substring("kafka.".length()), p.getProperty(key));
            } else if (key.startsWith("basic.auth.") || key.startsWith("schema.registry.")) {
                c.put(key, p.getProperty(key));
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(ENV_KAFKA_PREFIX)) {
                c.put(key(e.getKey(), ENV_KAFKA_PREFIX), e.getValue());
            } else if (e.getKey().startsWith(ENV_BASIC_AUTH_PREFIX)) {
                c.put("basic.auth." + key(e.getKey(), ENV_BASIC_AUTH_PREFIX), e.getValue());
            }
        }
        c.putAll(kafka);
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        return c;
    }

    /** The setting an environment variable under {@code prefix} names: {@code SASL_MECHANISM} is {@code sasl.mechanism}. */
    static String key(String envName, String prefix) {
        return envName.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@link #clientConfig()}, once every cocostream topic exists (created with these partitions and replicas if not). */
    public Map<String, Object> clientConfigWithTopics() {
        Map<String, Object> c = clientConfig();
        TopicAdmin.ensure(c, partitions(), replicationFactor());
        return c;
    }
}
