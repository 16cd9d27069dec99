package io.cocostream.cli;

import io.cocostream.embedded.EmbeddedCluster;
import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.embedded.RunningStack;
import io.cocostream.schemas.TopicAdmin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream local}: a broker and a registry in the foreground, for development. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Runs a single-node KRaft broker (or, with --brokers 3, a three-node cluster: replication"
                + " factor 3, min.insync.replicas 2, to try failures by hand) and a Confluent-compatible schema"
                + " registry in the foreground, keeping data between runs, with every cocostream topic created."
                + " Ctrl-C stops cleanly."})
final class LocalCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Registry port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--data-dir", defaultValue = "data/local", description = "Where the broker keeps its data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of image-keyed topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--brokers", defaultValue = "1", paramLabel = "N",
            description = "Brokers: 1 (default), or more for a cluster on --kafka-port and the ports after it.")
    int brokers;

    private RunningStack start() throws IOException {
        if (brokers < 1) {
            throw new IllegalArgumentException("--brokers must be at least 1, got " + brokers);
        }
        return brokers == 1 ? EmbeddedStack.start(dataDir, kafkaPort, registryPort)
                : EmbeddedCluster.start(dataDir.resolve("cluster-" + brokers), brokers, kafkaPort, registryPort, true);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Foreground fg = new Foreground("local");
        try (RunningStack stack = start()) {
            TopicAdmin.ensure(stack.clientConfig(), partitions, Optional.empty());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("cocostream local: broker %s, schema registry %s, data in %s (started in %d ms)%n",
                    stack.bootstrapServers(), stack.schemaRegistryUrl(), dataDir.toAbsolutePath(), ms);
            System.out.println("Press Ctrl-C to stop.");
            fg.awaitStop();
            System.out.println("cocostream local: stopping");
        } finally {
            System.out.println("cocostream local: stopped");
            fg.closed();
        }
        return 0;
    }
}
