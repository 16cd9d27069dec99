package io.cocostream.cli;

import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.StreamsApp;
import io.cocostream.streams.query.CocoApiServer;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream serve}: the topology, and the COCO API over its views, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the topology as `streams` does and serves the COCO API over its views:"
                + " /coco/getImgIds, getAnnIds, getCatIds, loadImgs, loadAnns, loadCats, showAnns (SVG).",
                "Several instances with the same --application-id share the work; each answers for every key,"
                + " forwarding to the instance that holds it (--advertised-host:--port is its application.server)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--advertised-host", description = "How other instances reach this one (default: --host).")
    String advertisedHost;

    @Mixin
    StreamsOptions app;


    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = connection.clientConfig();
        TopicAdmin.ensure(client, connection.partitions(), connection.replicationFactor());
        HostInfo self = new HostInfo(advertisedHost == null ? host : advertisedHost, port);
        Properties p = app.config(client);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        Foreground fg = new Foreground("serve");
        KafkaStreams streams = StreamsApp.start(client, p);
        try (CocoApiServer server = CocoApiServer.start(streams, self, host, port)) {
            System.err.printf("cocostream serve: COCO API on http://%s:%d/coco/ (application id %s); Ctrl-C stops%n",
                    host, server.port(), app.applicationId);
            fg.awaitStop();
        } finally {
            Foreground.close("serve", streams);
            fg.closed();
        }
        return 0;
    }
}
