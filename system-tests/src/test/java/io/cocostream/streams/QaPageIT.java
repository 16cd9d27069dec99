package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QA page of {@code serve} against a real broker and topology, over HTTP: its event stream,
 * {@code /alerts}, {@code /batches}, its assets and local photos ({@link QaPageBrowserIT} drives it
 * in a browser, on a broker of its own).
 */
@ExtendWith(EmbeddedStackExtension.class)
class QaPageIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The app and its server with the QA page, the topology RUNNING. */
    record Serving(KafkaStreams app, CocoApiServer server) implements AutoCloseable {
        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() {
            server.close();
            app.close(Duration.ofSeconds(10));
        }
    }

    static Serving serve(KafkaStack stack, Path dir, String appId, Path imagesDir) throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 2, Optional.empty());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = StreamsApp.config(stack.clientConfig(), appId, 1);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        KafkaStreams app = StreamsApp.start(stack.clientConfig(), p);
        CocoApiServer server = CocoApiServer.start(app, new HostInfo("127.0.0.1", port), "127.0.0.1", port,
                QaPage.start(stack.clientConfig(), imagesDir));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.state() != KafkaStreams.State.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "topology not RUNNING: " + app.state());
            Thread.sleep(100);
        }
        return new Serving(app, server);
    }

    /** The shared instances with one annotation's area 5% off: its id, image and the file. */
    record Defect(Path file, long imageId, long annotationId) {}

    static Defect defect(Path dir, String name) throws Exception {
        ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
        ArrayNode anns = (ArrayNode) root.get("annotations");
        ObjectNode bad = null;
        for (JsonNode a : anns) {
            // an image with several annotations, so that the others are there to be dimmed
            if (a.get("iscrowd").asInt() == 0 && count(anns, a.get("image_id").asLong()) >= 3) {
                bad = (ObjectNode) a;
                break;
            }
        }
        bad.put("area", bad.get("area").asDouble() * 1.05);
        Path file = dir.resolve(name);
        SharedData.JSON.writeValue(file.toFile(), root);
        return new Defect(file, bad.get("image_id").asLong(), bad.get("id").asLong());
    }

    private static long count(ArrayNode anns, long imageId) {
        long n = 0;
        for (JsonNode a : anns) {
            n += a.get("image_id").asLong() == imageId ? 1 : 0;
        }
        return n;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(180)
    void alertsReportsAndTheEventStreamOverHttp(KafkaStack stack, @TempDir Path dir) throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Files.write(photos.resolve("000000000001.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2});
        Files.writeString(dir.resolve("secret.txt"), "not a photo");
        try (Serving s = serve(stack, dir, "qa-http-it", photos)) {
            // Given a page listening before anything is delivered
            HttpRequest sse = HttpRequest.newBuilder(URI.create(s.url("/alerts/stream?rule=area.polygon"))).build();
            HttpResponse<InputStream> stream = HTTP.send(sse, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));

            // When a delivery with one defect is ingested
            Defect d = defect(dir, "qa-http.json");
            Ingest.Result r = Ingest.run(Ingest.Options.of(d.file()), b -> new KafkaSink(stack.clientConfig(), b),
                    new Ingest.Progress() { });

            // Then the stream pushes its alert, and no other rule's
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String data = null;
                for (String line = lines.readLine(); line != null && data == null; line = lines.readLine()) {
                    if (line.startsWith("data: ") && line.contains("\"rule\":\"area.polygon\"")) {
                        data = line.substring("data: ".length());
                    }
                    assertTrue(!line.startsWith("data: {\"rule\"") || line.contains("area.polygon"), line);
                }
                JsonNode alert = SharedData.JSON.readTree(data);
                assertEquals(d.annotationId(), alert.get("annotation_id").asLong());
                assertEquals(d.imageId(), alert.get("image_id").asLong());
                assertEquals(r.batchId(), alert.get("batch_id").asText());
            }

            // And /alerts answers the same, filtered; an unknown rule is a 400 that lists the rules
            JsonNode one = SharedData.JSON.readTree(get(s.url("/alerts?rule=area.polygon&image=" + d.imageId()
                    + "&batch=" + r.batchId() + "&limit=5")).body());
            assertEquals(1, one.size(), one.toString());
            assertEquals(d.annotationId(), one.get(0).get("annotation_id").asLong());
            assertEquals(0, SharedData.JSON.readTree(get(s.url("/alerts?rule=area.polygon&kind=captions")).body()).size());
            HttpResponse<String> unknown = get(s.url("/alerts?rule=nosuch.rule"));
            assertEquals(400, unknown.statusCode());
            assertTrue(unknown.body().contains("bbox.mask"), unknown.body());
            assertEquals(400, get(s.url("/alerts?limit=0")).statusCode());

            // And the delivery's report comes to VALIDATED
            JsonNode report = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (report == null || !report.get("status").asText().equals("VALIDATED")) {
                assertTrue(System.nanoTime() < deadline, "no VALIDATED report: " + report);
                for (JsonNode b : SharedData.JSON.readTree(get(s.url("/batches")).body())) {
                    report = b.get("batch_id").asText().equals(r.batchId()) ? b : report;
                }
                Thread.sleep(200);
            }
            assertEquals(1, report.get("errors").get("area.polygon").asLong());

            // And the page, its assets and local photos are served; nothing outside the images dir
            HttpResponse<String> page = get(s.url("/"));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("/assets/qa.js") && !page.body().contains("https://"), "no CDN");
            assertEquals(200, get(s.url("/assets/qa.js")).statusCode());
            assertEquals(404, get(s.url("/assets/nosuch.js")).statusCode());
            HttpResponse<byte[]> photo = HTTP.send(HttpRequest.newBuilder(URI.create(s.url("/images/000000000001.jpg")))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("image/jpeg", photo.headers().firstValue("Content-Type").orElse(""));
            assertEquals(4, photo.body().length);
            assertEquals(404, get(s.url("/images/..%2Fsecret.txt")).statusCode());
        }
    }
}
