package io.cocostream.cli;

import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import java.io.IOException;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;

/** {@code cocostream streams}: the validation topology against a cluster, until Ctrl-C. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = {"Runs the validation topology (exactly-once): every per-image event checked, alerts to"
                + " coco.alerts.v1, unreadable or failing records to coco.dead-letters.v1. Ctrl-C stops cleanly."})
final class StreamsCommand extends TopologyCommand {

    @Override
    String name() {
        return "streams";
    }

    @Override
    AutoCloseable started(KafkaStreams streams, Prometheus metrics) throws IOException {
        MetricsServer server = metricsServer(metrics, MetricsServer.DEFAULT_PORT);
        System.err.println("cocostream streams: validating (application id " + app.applicationId + "); Ctrl-C stops");
        return server;
    }
}
