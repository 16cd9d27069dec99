package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code deploy/compose.yaml} checked without Docker: every cocostream command line parses with the
 * real command, every variable is one it reads, and the hosts and ports the services name are the
 * ones the others listen on. (The dashboard's metrics are checked against a real scrape in
 * {@link MetricsIT}.)
 */
class ComposeFileTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        // SnakeYAML itself: the file's anchors and merge keys (<<) are resolved as compose resolves them.
        try (Reader r = Files.newBufferedReader(DEPLOY.resolve("compose.yaml"))) {
            Map<String, Object> doc = new Yaml().load(r);
            services = (Map<String, Map<String, Object>>) doc.get("services");
        }
    }

    private static boolean isCocostream(Map<String, Object> service) {
        return String.valueOf(service.get("image")).startsWith("cocostream:");
    }

    @SuppressWarnings("unchecked")
    private static List<String> command(Map<String, Object> service) {
        List<String> out = new ArrayList<>();
        ((List<Object>) service.get("command")).forEach(a -> out.add(String.valueOf(a)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e != null) {
            ((Map<String, Object>) e).forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    private static ParseResult parse(Map<String, Object> service) {
        // Throws on an unknown subcommand or option, or a bad value.
        return new CommandLine(new Cocostream()).parseArgs(command(service).toArray(String[]::new)).subcommand();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCocostreamServiceRunsTheImageOfTheDockerfileWithACommandThatParses() {
        int cocostream = 0;
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            if (!isCocostream(s.getValue())) {
                continue;
            }
            cocostream++;
            Map<String, Object> build = (Map<String, Object>) s.getValue().get("build");
            assertEquals("deploy/Dockerfile", build.get("dockerfile"), s.getKey());
            assertTrue(Files.isRegularFile(DEPLOY.resolve(String.valueOf(build.get("context"))).resolve("deploy/Dockerfile")));
            parse(s.getValue());
            for (String name : env(s.getValue()).keySet()) {
                assertTrue(!name.startsWith("COCOSTREAM_") || KnownEnv.isRead(name), s.getKey() + ": " + name + " is not read");
            }
        }
        assertEquals(3, cocostream, "two serve instances and the watch-folder ingest");
    }

    @Test
    void theServeInstancesAdvertiseTheirServiceNamesOnThePortsTheyServe() {
        Set<String> advertised = new HashSet<>();
        Set<String> published = new HashSet<>();
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            if (!isCocostream(s.getValue()) || !parse(s.getValue()).commandSpec().name().equals("serve")) {
                continue;
            }
            ParseResult serve = parse(s.getValue());
            // the other instance forwards to host:port as advertised: the service's name, the port it binds
            assertEquals(s.getKey(), serve.matchedOptionValue("--advertised-host", ""), s.getKey());
            assertEquals("0.0.0.0", serve.matchedOptionValue("--host", ""), s.getKey() + " binds every interface");
            int port = serve.matchedOptionValue("--port", 8080);
            List<?> ports = (List<?>) s.getValue().get("ports");
            assertEquals(1, ports.size(), s.getKey());
            String[] mapping = String.valueOf(ports.get(0)).split(":");
            assertEquals(String.valueOf(port), mapping[1], s.getKey() + ": the container port is the one served");
            assertTrue(published.add(mapping[0]), s.getKey() + ": host port " + mapping[0] + " taken twice");
            advertised.add(s.getKey());
        }
        assertEquals(2, advertised.size(), "two serve instances");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryCocostreamMetricsEndpointAndNothingElse() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            if (isCocostream(s.getValue())) {
                ParseResult p = parse(s.getValue());
                int port = p.commandSpec().name().equals("serve")
                        ? p.matchedOptionValue("--port", 8080) : p.matchedOptionValue("--metrics-port", 9464);
                expected.add(s.getKey() + ":" + port);
            }
        }
        Set<String> scraped = new TreeSet<>();
        try (Reader r = Files.newBufferedReader(DEPLOY.resolve("prometheus/prometheus.yml"))) {
            Map<String, Object> config = new Yaml().load(r);
            for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
                assertEquals(null, job.get("metrics_path"), "/metrics, Prometheus' default");
                for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
                    scraped.addAll((List<String>) sc.get("targets"));
                }
            }
        }
        assertEquals(expected, scraped);
        List<String> mounts = (List<String>) services.get("prometheus").get("volumes");
        assertTrue(mounts.contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"), mounts.toString());
    }

    @Test
    void theClientsReachTheBrokerAndRegistryWhereTheyListen() throws IOException {
        Map<String, String> kafka = env(services.get("kafka"));
        URI advertised = URI.create(kafka.get("KAFKA_ADVERTISED_LISTENERS").replace("PLAINTEXT://", "kafka://"));
        URI registry = URI.create(env(services.get("schema-registry")).get("SCHEMA_REGISTRY_LISTENERS"));
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            if (isCocostream(s.getValue())) {
                Map<String, String> e = env(s.getValue());
                assertEquals(advertised.getHost() + ":" + advertised.getPort(), e.get(ConnectionOptions.ENV_BOOTSTRAP), s.getKey());
                assertEquals("http://schema-registry:" + registry.getPort(), e.get(ConnectionOptions.ENV_REGISTRY), s.getKey());
                // one node: created topics, offsets and transactions must all have one replica
                assertEquals("1", e.get(ConnectionOptions.ENV_REPLICATION), s.getKey());
            }
        }
        assertEquals("kafka", advertised.getHost(), "the broker advertises its service name");
        assertEquals("1", kafka.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"));
        assertEquals("1", kafka.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"));
        assertEquals("1", kafka.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
        assertEquals("kafka:9092", env(services.get("schema-registry")).get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"));
        assertEquals("apache/kafka:" + clientsVersion(), services.get("kafka").get("image"),
                "the broker is the version of the clients");
    }

    /** The kafka-clients version on the class path, as the clients report it. */
    private static String clientsVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafanaProvisionsThePrometheusSourceAndTheDashboardFile() throws IOException {
        List<String> mounts = (List<String>) services.get("grafana").get("volumes");
        assertTrue(mounts.contains("./grafana/provisioning:/etc/grafana/provisioning:ro"), mounts.toString());
        Map<String, Object> providers;
        try (Reader r = Files.newBufferedReader(DEPLOY.resolve("grafana/provisioning/dashboards/cocostream.yaml"))) {
            providers = new Yaml().load(r);
        }
        String path = ((Map<String, Object>) ((List<Map<String, Object>>) providers.get("providers")).get(0).get("options"))
                .get("path").toString();
        assertTrue(mounts.contains("./grafana/cocostream.json:" + path + "/cocostream.json:ro"), mounts.toString());
        Map<String, Object> sources;
        try (Reader r = Files.newBufferedReader(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yaml"))) {
            sources = new Yaml().load(r);
        }
        Map<String, Object> prometheus = ((List<Map<String, Object>>) sources.get("datasources")).get(0);
        assertEquals("http://prometheus:9090", prometheus.get("url"));
        String dashboard = Files.readString(DEPLOY.resolve("grafana/cocostream.json"));
        assertTrue(dashboard.contains("\"uid\": \"" + prometheus.get("uid") + "\""), "the panels use the provisioned source");
    }
}
