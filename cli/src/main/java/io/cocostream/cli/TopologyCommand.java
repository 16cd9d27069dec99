package io.cocostream.cli;

import io.cocostream.streams.StreamsApp;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Mixin;

/**
 * What {@code streams} and {@code serve} share: the topology in the foreground against a cluster,
 * until Ctrl-C or SIGTERM, stopped within bounds ({@link Foreground}).
 */
abstract class TopologyCommand implements Callable<Integer> {

    @Mixin
    StreamsOptions app;

    @Mixin
    ConnectionOptions connection;

    /** The command's name, for what it says. */
    abstract String name();

    /** Adds the command's own Streams settings. */
    void configure(Properties streamsConfig) {}

    /** Starts what runs beside the topology (closed before it), and says the command is running. */
    abstract AutoCloseable started(KafkaStreams streams) throws Exception;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = connection.clientConfigWithTopics();
        Properties p = app.config(client);
        configure(p);
        Foreground fg = new Foreground(name());
        KafkaStreams streams = StreamsApp.start(client, p);
        try (AutoCloseable beside = started(streams)) {
            fg.awaitStop();
        } finally {
            Foreground.close(name(), streams);
            fg.closed();
        }
        return 0;
    }
}
