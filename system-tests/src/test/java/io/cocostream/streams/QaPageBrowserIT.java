package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * The QA page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; .ci/run
 * installs them) against a real broker and topology: a delivery with a known defect is ingested, its
 * alert appears on the open page within 5 s, a click draws its image with the flagged annotation
 * highlighted and the others dimmed. The screenshot is {@code target/qa-page.png}.
 */
@ExtendWith(EmbeddedStackExtension.class)
class QaPageBrowserIT {

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
        try (QaPageIT.Serving s = QaPageIT.serve(stack, dir, "qa-browser-it", null)) {
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                // Given the page open and live before the delivery
                browser.get(s.url("/"));
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> b.findElement(By.id("connection"))
                        .getText().equals("live"));
                double pageSeconds = (System.nanoTime() - t0) / 1e9;

                // When a delivery with one defect is ingested
                QaPageIT.Defect d = QaPageIT.defect(dir, "vendor-delivery.json");
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

                // When a ground truth and a run's results are delivered, then the run's evaluation shows, as eval gives it
                Path results = RunsSystemTest.RESULTS.resolve("cocoapi__instances_val2014_fakebbox100_results.json");
                for (Ingest.Options o : List.of(Ingest.Options.of(RunsSystemTest.GT), Ingest.Options.of(results).withRun("fake"))) {
                    Ingest.run(o, b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
                }
                WebElement evaluation = new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> b.findElement(
                        By.id("evaluation-fake-bbox")));
                // (the ground truth is every instances image the views hold: the first delivery's too)
                JsonNode live = SharedData.JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.url("/coco/eval?run=fake&iouType=bbox"))).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertEquals(String.format(Locale.ROOT, "%.3f", live.get("stats").get(0).asDouble()),
                        evaluation.findElement(By.cssSelector("td.ap")).getText());
                // and over the run's own ground-truth images, /coco/eval is eval's offline printout
                JsonNode own = SharedData.JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.url("/coco/eval?run=fake&iouType=bbox&imgIds=" + imageIds(RunsSystemTest.GT)))).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertEquals(RunsSystemTest.offline(IouType.bbox, results).get("stats"), own.get("stats"));

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

    private static String imageIds(Path gt) throws Exception {
        StringBuilder ids = new StringBuilder();
        SharedData.JSON.readTree(gt.toFile()).get("images").forEach(im -> ids.append(ids.length() == 0 ? "" : ",")
                .append(im.get("id").asLong()));
        return ids.toString();
    }
}
