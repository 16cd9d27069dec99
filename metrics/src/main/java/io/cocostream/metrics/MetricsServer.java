package io.cocostream.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics} on a port of its own, for the commands that serve nothing else ({@code streams},
 * {@code ingest --watch}); {@code serve} answers it on its API port.
 */
public final class MetricsServer implements AutoCloseable {
    /** The port a command without an API serves /metrics on unless told otherwise. */
    public static final int DEFAULT_PORT = 9464;

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Serves {@code prometheus} on {@code host:port} (port 0: any free one).
     *
     * @throws IOException naming the address and {@code --metrics-port} when it is taken
     */
    public static MetricsServer start(Prometheus prometheus, String host, int port) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            throw new IOException("cannot serve /metrics on " + host + ":" + port + " (" + e.getMessage()
                    + "): another process has it; --metrics-port picks another (0: any free one)", e);
        }
        server.createContext("/", x -> {
            try (x) {
                if (!x.getRequestURI().getPath().equals("/metrics")) {
                    send(x, 404, "text/plain; charset=utf-8", "only /metrics here\n");
                } else if (!x.getRequestMethod().equals("GET")) {
                    send(x, 405, "text/plain; charset=utf-8", "only GET\n");
                } else {
                    send(x, 200, Prometheus.CONTENT_TYPE, prometheus.scrape());
                }
            }
        });
        server.start();
        return new MetricsServer(server);
    }

    /** Sends a whole answer. */
    private static void send(HttpExchange x, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", contentType);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
