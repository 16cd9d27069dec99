package io.cocostream.bench;

import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The COCO API's server, the JDK's {@code HttpServer} (what serve ran on) beside Javalin on Jetty
 * (what it runs on now), side by side in one run: the same answer (a small lookup, or about one
 * image's annotations with their masks) to four clients at once over loopback keep-alive
 * connections, in requests per second; the JDK's as serve ran it and with TCP_NODELAY.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(4)
public class HttpServerBenchmarks {
    /** The answer's size in bytes. */
    @Param({"200", "20000"})
    int bytes;

    private byte[] body;
    private HttpServer jdk;
    private ExecutorService jdkThreads;
    private Javalin javalin;
    private HttpClient client;
    private URI jdkUri;
    private URI javalinUri;

    @Setup(Level.Trial)
    public void start() throws IOException {
        StringBuilder sb = new StringBuilder("[");
        while (sb.length() < bytes - 30) {
            sb.append("{\"id\":").append(sb.length()).append(",\"area\":1234.5},");
        }
        body = sb.append("{\"id\":0}]").toString().getBytes(StandardCharsets.UTF_8);
        jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        jdkThreads = Executors.newFixedThreadPool(8);
        jdk.setExecutor(jdkThreads);
        jdk.createContext("/", x -> {
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        jdk.start();
        javalin = Javalin.create(c -> c.routes.get("/coco/loadAnns", ctx -> ctx.contentType("application/json").result(body)))
                .start("127.0.0.1", 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        jdkUri = URI.create("http://127.0.0.1:" + jdk.getAddress().getPort() + "/coco/loadAnns?ids=1,2,3");
        javalinUri = URI.create("http://127.0.0.1:" + javalin.port() + "/coco/loadAnns?ids=1,2,3");
    }

    @TearDown(Level.Trial)
    public void stop() {
        jdk.stop(0);
        jdkThreads.shutdownNow();
        javalin.stop();
    }

    @Benchmark
    public int jdkHttpServer() throws Exception {
        return get(jdkUri);
    }

    /** The JDK's server with TCP_NODELAY, which serve did not set (so a small answer waited on the client's delayed ACK). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
    public int jdkHttpServerNoDelay() throws Exception {
        return get(jdkUri);
    }

    @Benchmark
    public int javalinJetty() throws Exception {
        return get(javalinUri);
    }

    private int get(URI uri) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length != body.length) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + " with " + r.body().length + " bytes");
        }
        return r.body().length;
    }
}
