package io.cocostream.cli;

import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import io.cocostream.streams.query.ApiSecurity;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
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

    @Option(names = "--tls-keystore", paramLabel = "FILE", defaultValue = "${env:COCOSTREAM_TLS_KEYSTORE}",
            description = "Serve HTTPS with this key and certificate (PKCS12, or JKS by its .jks name; env"
                    + " COCOSTREAM_TLS_KEYSTORE); instances trust its certificates when they ask each other.")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", defaultValue = "${env:COCOSTREAM_TLS_KEYSTORE_PASSWORD}",
            description = "The keystore's password (env COCOSTREAM_TLS_KEYSTORE_PASSWORD, better than the command line).")
    String tlsKeystorePassword;

    @Option(names = "--auth-file", paramLabel = "FILE", defaultValue = "${env:COCOSTREAM_AUTH_FILE}",
            description = "Who may call the API and the QA page: lines 'basic USER PASSWORD' or 'bearer TOKEN'"
                    + " (env COCOSTREAM_AUTH_FILE; default: anyone). /healthz, /livez and /metrics stay open.")
    Path authFile;

    @Option(names = "--internal-secret", paramLabel = "SECRET", defaultValue = "${env:COCOSTREAM_INTERNAL_SECRET}",
            description = "What instances of the application prove themselves with on /internal/ (env"
                    + " COCOSTREAM_INTERNAL_SECRET; default: derived from the application id and the Kafka and"
                    + " registry credentials, which its instances share).")
    String internalSecret;

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
        Map<String, Object> client = connection.clientConfig();
        ApiSecurity security = ApiSecurity.of(tlsKeystore, tlsKeystorePassword, authFile, internalSecret,
                app.applicationId, client);
        if (!security.internalSecretIsPrivate()) {
            System.err.println("cocostream serve: /internal/ is guarded by the application id only (no Kafka or"
                    + " registry credentials to derive its secret from): set COCOSTREAM_INTERNAL_SECRET");
        }
        CocoApiServer server = CocoApiServer.start(streams, self(), host, port, QaPage.start(client, imagesDir),
                own ? null : metrics, security);
        String at = (security.tls() ? "https" : "http") + "://" + host + ":" + server.port();
        System.err.printf("cocostream serve: COCO API on %s/coco/, QA page on %s/ (application id %s%s); Ctrl-C stops%n",
                at, at, app.applicationId, authFile == null ? "" : ", callers of " + authFile);
        if (own) {
            MetricsServer m = metricsServer(metrics, port);
            return () -> {
                m.close();
                server.close();
            };
        }
        return server;
    }
}
