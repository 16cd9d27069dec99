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
import java.io.File;
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
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The QA page of {@code serve} against a real broker and topology: its JSON and event stream over
 * HTTP, then in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; .ci/run
 * installs them): a delivery with a known defect is ingested, its alert appears on the open page
 * within 5 s, a click draws its image with the flagged annotation highlighted. The screenshot is
 * {@code target/qa-page.png}.
 */
@ExtendWith(EmbeddedStackExtension.class)
class QaPageIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The app and its server with the QA page, the topology RUNNING. */
    private record Serving(KafkaStreams app, CocoApiServer server) implements AutoCloseable {
        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() {
            server.close();
            app.close(Duration.ofSeconds(10));
        }
    }

    private static Serving serve(KafkaStack stack, Path dir, String appId, Path imagesDir) throws Exception {
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
    private record Defect(Path file, long imageId, long annotationId) {}

    private static Defect defect(Path dir, String name) throws Exception {
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

    @Test
    @Timeout(180)
    void inChromiumTheAlertAppearsAndItsImageShowsTheFlaggedAnnotation(KafkaStack stack, @TempDir Path dir)
            throws Exception {
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        assertTrue(Files.isExecutable(chromedriver) && Files.isExecutable(Path.of("/usr/bin/chromium")),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().withLogFile(new File("target/chromedriver.log")).build();
        long t0 = System.nanoTime();
        try (Serving s = serve(stack, dir, "qa-browser-it", null)) {
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                // Given the page open and live before the delivery
                browser.get(s.url("/"));
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> b.findElement(By.id("connection"))
                        .getText().equals("live"));
                double pageSeconds = (System.nanoTime() - t0) / 1e9;

                // When a delivery with one defect is ingested
                Defect d = defect(dir, "vendor-delivery.json");
                Ingest.run(Ingest.Options.of(d.file()), b -> new KafkaSink(stack.clientConfig(), b),
                        new Ingest.Progress() { });
                long ingested = System.nanoTime();

                // Then its alert is on the page within 5 s
                By row = By.cssSelector("#alerts tbody tr[data-annotation-id='" + d.annotationId() + "']");
                WebElement alert = new WebDriverWait(browser, Duration.ofSeconds(5)).until(b -> b.findElement(row));
                double alertSeconds = (System.nanoTime() - ingested) / 1e9;
                assertTrue(alert.getText().contains("area.polygon"), alert.getText());
                assertTrue(alert.getText().contains("vendor-delivery.json"), "says where: " + alert.getText());

                // When QA clicks it, then its image is drawn: that annotation highlighted, the others dimmed
                alert.click();
                long clicked = System.nanoTime();
                WebElement flagged = new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> b.findElement(
                        By.cssSelector("#viewer svg g#ann-" + d.annotationId())));
                double drawSeconds = (System.nanoTime() - clicked) / 1e9;
                assertTrue(flagged.getAttribute("class").contains("flagged"), flagged.getAttribute("class"));
                assertTrue(flagged.getAttribute("class").contains("invalid"), "its error outlines it");
                List<WebElement> others = browser.findElements(By.cssSelector("#viewer svg g.ann.instances"));
                assertTrue(others.size() >= 3, "the image's other annotations are drawn too: " + others.size());
                for (WebElement o : others) {
                    if (!o.getAttribute("id").equals("ann-" + d.annotationId())) {
                        assertTrue(o.getAttribute("class").contains("dimmed"), o.getAttribute("class"));
                    }
                }
                String label = flagged.findElement(By.cssSelector("text.label")).getText();
                assertTrue(label.endsWith("#" + d.annotationId()) && !label.startsWith("category "),
                        "its category's name and its id: " + label);
                assertTrue(browser.findElement(By.id("viewer-title")).getText().contains(String.valueOf(d.imageId())));

                // And the delivery's report shows on the page
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> b.findElements(
                        By.cssSelector("#batches tbody tr.VALIDATED")).size() == 1);

                Path shot = Path.of("target", "qa-page.png");
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                System.out.printf("QA page: live after %.1f s (stack and browser start), alert on the page %.2f s after"
                        + " the ingest, image drawn %.2f s after the click; screenshot %s%n", pageSeconds, alertSeconds,
                        drawSeconds, shot.toAbsolutePath());
            } finally {
                browser.quit();
            }
        }
    }
}
