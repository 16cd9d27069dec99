package io.cocostream.embedded;

/** A stack this process runs, and stops when closed: the one-node {@link EmbeddedStack} or an {@link EmbeddedCluster}. */
public interface RunningStack extends KafkaStack, AutoCloseable {
    @Override
    void close();
}
