package io.cocostream.embedded;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

/**
 * A KRaft cluster of several combined brokers and controllers in this JVM, replication factor
 * their number, {@code min.insync.replicas} one less, with the embedded schema registry on it: what
 * the fault tests stop and restart brokers of, and {@code cocostream local --brokers 3}. Node
 * {@code i} (1-based) keeps its ports and data across a stop and a start.
 */
public final class EmbeddedCluster implements RunningStack {
    private final Path dataDir;
    private final boolean keepData;
    private final String clusterId;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final KafkaRaftServer[] nodes;
    private final int registryPort;
    private EmbeddedSchemaRegistry registry;

    private EmbeddedCluster(Path dataDir, int size, int firstPort, int registryPort, boolean keepData) throws IOException {
        this.dataDir = dataDir;
        this.keepData = keepData;
        this.clusterId = clusterId(dataDir);
        this.registryPort = registryPort == 0 ? EmbeddedKafka.freePort() : registryPort;
        this.clientPorts = new int[size];
        this.controllerPorts = new int[size];
        this.nodes = new KafkaRaftServer[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = firstPort == 0 ? EmbeddedKafka.freePort() : firstPort + i;
            controllerPorts[i] = EmbeddedKafka.freePort();
        }
    }

    /** The cluster id kept in {@code dataDir} (made on first use): its nodes' storage is formatted with it. */
    private static String clusterId(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path f = dataDir.resolve("cluster.id");
        if (!Files.exists(f)) {
            Files.writeString(f, Uuid.randomUuid().toString());
        }
        return Files.readString(f).trim();
    }

    /** {@code size} nodes on free ports, with temporary storage deleted on close. */
    public static EmbeddedCluster start(Path dataDir, int size) throws IOException {
        return start(dataDir, size, 0, 0, false);
    }

    /**
     * Starts {@code size} nodes (every one at once: a quorum needs a majority to start) on client
     * ports {@code firstPort, firstPort + 1, ...} (0: free ones) and the registry on
     * {@code registryPort} (0: a free one); {@code keepData} keeps the storage for the next start.
     */
    public static EmbeddedCluster start(Path dataDir, int size, int firstPort, int registryPort, boolean keepData)
            throws IOException {
        EmbeddedCluster c = new EmbeddedCluster(dataDir, size, firstPort, registryPort, keepData);
        ExecutorService starts = Executors.newFixedThreadPool(size);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                int node = i;
                started.add(starts.submit(() -> {
                    c.startBroker(node);
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get();
            }
            EmbeddedKafka.awaitReady(c.bootstrapServers(), size, Duration.ofSeconds(90));
            c.startRegistry();
            return c;
        } catch (ExecutionException | InterruptedException | RuntimeException e) {
            c.close();
            throw new IOException("cannot start a cluster of " + size + ": " + e, e);
        } finally {
            starts.shutdownNow();
        }
    }

    /**
     * Starts node {@code node} (1-based) again, with its data: a broker that comes back. Not under
     * a lock: a node's start waits for the quorum, which the others' starts make.
     */
    public void startBroker(int node) throws IOException {
        int i = node - 1;
        if (nodes[i] != null) {
            return;
        }
        Path logDir = dataDir.resolve("node-" + node);
        Files.createDirectories(logDir);
        Map<String, Object> props = EmbeddedKafka.nodeConfig(node, clientPorts[i], controllerPorts[i], voters(), logDir,
                nodes.length);
        KafkaRaftServer s = EmbeddedKafka.startNode(props, logDir, clusterId);
        synchronized (this) {
            nodes[i] = s;
        }
    }

    /** Stops node {@code node} (1-based): its broker and its controller go away at once. */
    public void stopBroker(int node) {
        KafkaRaftServer s;
        synchronized (this) {
            s = nodes[node - 1];
            nodes[node - 1] = null;
        }
        if (s != null) {
            s.shutdown();
            s.awaitShutdown();
        }
    }

    /** Stops and starts the schema registry on the same port (its schemas are on the cluster). */
    public void restartRegistry() throws IOException {
        registry.close();
        startRegistry();
    }

    private void startRegistry() throws IOException {
        registry = EmbeddedSchemaRegistry.startOnKafka("127.0.0.1", registryPort,
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    private String voters() {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            v.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        return String.join(",", v);
    }

    @Override
    public String bootstrapServers() {
        return java.util.Arrays.stream(clientPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        // Every node's shutdown at once: one at a time, the last ones would wait for a lost quorum.
        List<Thread> stops = new ArrayList<>();
        for (int i = 1; i <= nodes.length; i++) {
            int node = i;
            Thread t = new Thread(() -> stopBroker(node), "cocostream-cluster-stop-" + node);
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (keepData) {
            return;
        }
        try {
            Utils.delete(dataDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
