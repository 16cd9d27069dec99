package io.cocostream.cli;

import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream serve}: the topology, and the COCO API over its views, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the topology as `streams` does and serves the COCO API over its views:"
                + " /coco/getImgIds, getAnnIds, getCatIds, loadImgs, loadAnns, loadCats, showAnns (SVG);"
                + " and the QA page at /: the alerts live (/alerts, /alerts/stream), the deliveries' reports"
                + " (/batches), each alert's image with its annotation highlighted.",
                "Several instances with the same --application-id share the work; each answers for every key,"
                + " forwarding to the instance that holds it (--advertised-host:--port is its application.server)."})
final class ServeCommand extends TopologyCommand {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--images-dir", paramLabel = "DIR",
            description = "Local photos, by their file_name, under the QA page's drawings (default: their coco_url).")
    Path imagesDir;

    @Option(names = "--advertised-host", description = "How other instances reach this one (default: --host).")
    String advertisedHost;

    @Override
    String name() {
        return "serve";
    }

    private HostInfo self() {
        return new HostInfo(advertisedHost == null ? host : advertisedHost, port);
    }

    @Override
    void configure(Properties streamsConfig) {
        streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self().host() + ":" + self().port());
    }

    @Override
    AutoCloseable started(KafkaStreams streams, Prometheus metrics) throws IOException {
        boolean own = metricsPort != null && metricsPort != port;
        CocoApiServer server = CocoApiServer.start(streams, self(), host, port,
                QaPage.start(connection.clientConfig(), imagesDir), own ? null : metrics);
        if (own) {
            MetricsServer m = metricsServer(metrics, port);
            return () -> {
                m.close();
                server.close();
            };
        }
        System.err.printf("cocostream serve: COCO API on http://%s:%d/coco/, QA page on http://%s:%d/ (application id %s);"
                + " Ctrl-C stops%n", host, server.port(), host, server.port(), app.applicationId);
        return server;
    }
}
