package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.testing.EmbeddedStackExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
