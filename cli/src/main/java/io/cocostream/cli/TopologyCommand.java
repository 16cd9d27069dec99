package io.cocostream.cli;

import io.cocostream.metrics.ConsumerLag;
import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import io.cocostream.streams.StreamsApp;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code streams} and {@code serve} share: the topology in the foreground against a cluster,
 * until Ctrl-C or SIGTERM, stopped within bounds ({@link Foreground}).
 */
abstract class TopologyCommand implements Callable<Integer> {
    /** How often the lag gauges are read again. */
    static final int LAG_EVERY_SECONDS = 5;

    @Mixin
    StreamsOptions app;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Where /metrics (Prometheus' text format) is served:"
            + " default the API port for serve, " + MetricsServer.DEFAULT_PORT + " for streams; 0 picks a free one.")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "The address a /metrics port of its own listens on (default ${DEFAULT-VALUE}, for scrapers).")
    String metricsHost;

    /** The command's name, for what it says. */
    abstract String name();

    /** Adds the command's own Streams settings. */
    void configure(Properties streamsConfig) {}

    /** Starts what runs beside the topology (closed before it), {@code /metrics} among it, and says the command is running. */
    abstract AutoCloseable started(KafkaStreams streams, Prometheus metrics) throws Exception;

    /** {@code /metrics} on a port of its own. */
    MetricsServer metricsServer(Prometheus metrics, int defaultPort) throws IOException {
        MetricsServer m = MetricsServer.start(metrics, metricsHost, metricsPort == null ? defaultPort : metricsPort);
        System.err.printf("cocostream %s: metrics on http://%s:%d/metrics%n", name(), metricsHost, m.port());
        return m;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = connection.clientConfigWithTopics();
        Properties p = app.config(client);
        configure(p);
        Foreground fg = new Foreground(name());
        Prometheus metrics = new Prometheus();
        KafkaStreams streams = StreamsApp.start(client, p, metrics.meters());
        metrics.bind(streams);
        try (ConsumerLag lag = ConsumerLag.meter(metrics.registry(), client, app.applicationId,
                StreamsApp.inputTopics(app.applicationId), LAG_EVERY_SECONDS);
                AutoCloseable beside = started(streams, metrics)) {
            fg.awaitStop();
        } finally {
            Foreground.close(name(), streams);
            metrics.close();
            fg.closed();
        }
        return 0;
    }
}
