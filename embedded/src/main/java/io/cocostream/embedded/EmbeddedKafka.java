package io.cocostream.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft broker (combined broker and controller, Kafka's own
 * {@link KafkaRaftServer}) on loopback, with storage formatted at the latest production features.
 * Replication factors and min ISR are 1 so that transactions and exactly-once Streams work.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;
    private final Map<String, Integer> listenerPorts;

    /**
     * A client listener beside PLAINTEXT on 127.0.0.1 (a SASL_SSL one, say: its settings go in the
     * overrides under {@code listener.name.<name>.}); port 0 picks a free one.
     */
    public record Listener(String name, String protocol, int port) {}

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, int port, KafkaRaftServer server,
            Map<String, Integer> listenerPorts) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
        this.listenerPorts = listenerPorts;
    }

    /** Starts a broker on a free loopback port with a temporary data directory, deleted on close. */
    public static EmbeddedKafka startTemporary() throws IOException {
        return start(Files.createTempDirectory("cocostream-kafka-"), 0, true, Map.of());
    }

    /**
     * Starts a broker keeping its data in {@code dataDir} (formatted on first use, reused after).
     *
     * @param port the client port on 127.0.0.1; 0 picks a free one
     * @param overrides extra broker settings
     */
    public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose, Map<String, String> overrides)
            throws IOException {
        return start(dataDir, port, deleteOnClose, overrides, List.of());
    }

    /** Starts a broker as {@link #start(Path, int, boolean, Map)} does, with {@code extra} listeners for clients. */
    public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose, Map<String, String> overrides,
            List<Listener> extra) throws IOException {
        Files.createDirectories(dataDir);
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Path logDir = dataDir.resolve("kraft");
        Map<String, Object> props = nodeConfig(1, clientPort, controllerPort, "1@127.0.0.1:" + controllerPort, logDir, 1);
        Map<String, Integer> ports = new HashMap<>();
        for (Listener l : extra) {
            int p = l.port() == 0 ? freePort() : l.port();
            ports.put(l.name(), p);
            String at = l.name() + "://127.0.0.1:" + p;
            props.put("listeners", props.get("listeners") + "," + at);
            props.put("advertised.listeners", props.get("advertised.listeners") + "," + at);
            props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + "," + l.name() + ":"
                    + l.protocol());
        }
        props.putAll(overrides);
        KafkaRaftServer server = startNode(props, logDir, Uuid.randomUuid().toString());
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, clientPort, server, Map.copyOf(ports));
        awaitReady(kafka.bootstrapServers(), 1, Duration.ofSeconds(60));
        return kafka;
    }

    /**
     * The settings of one combined broker and controller, {@code node} of the quorum {@code voters},
     * with internal topics replicated {@code replicas} times (min ISR one less, at least 1): one
     * node must satisfy every internal topic by itself, or transactions and EOS hang.
     */
    static Map<String, Object> nodeConfig(int node, int clientPort, int controllerPort, String voters, Path logDir,
            int replicas) {
        String rf = String.valueOf(replicas);
        String minIsr = String.valueOf(Math.max(1, replicas - 1));
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(node));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", rf);
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", rf);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", rf);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("min.insync.replicas", minIsr);
        props.put("default.replication.factor", rf);
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    /** Formats the node's storage (first start only) and starts it. */
    static KafkaRaftServer startNode(Map<String, Object> props, Path logDir, String clusterId) throws IOException {
        KafkaConfig config = new KafkaConfig(props, false);
        format(Integer.parseInt(props.get("node.id").toString()), logDir, clusterId);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        return server;
    }

    private static void format(int nodeId, Path logDir, String clusterId) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, "UTF-8"))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot format KRaft storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@code brokers} brokers are in the cluster at {@code bootstrap}. */
    static void awaitReady(String bootstrap, int brokers, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Exception last = null;
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= brokers) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(brokers + " brokers on " + bootstrap + " not ready after "
                            + timeout, last);
                }
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the broker", e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>} of an extra listener. */
    public String bootstrapServers(String listener) {
        Integer p = listenerPorts.get(listener);
        if (p == null) {
            throw new IllegalArgumentException("no listener " + listener + ": " + listenerPorts.keySet());
        }
        return "127.0.0.1:" + p;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try {
                Utils.delete(dataDir.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
