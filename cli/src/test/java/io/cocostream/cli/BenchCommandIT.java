package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code cocostream bench} on a small synthetic file runs every part it reports (a measurement, so
 * nothing here is timed): both in-JVM ingests, the one-shot processes with their peak RSS, and the
 * Python load of the same file, each with its ratios.
 */
class BenchCommandIT {

    @Test
    void reportsEveryBaselineAndRatio() throws Exception {
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Cocostream.class.getName(), "bench", "--images", "300")
                .redirectErrorStream(true).start();
        String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bench.waitFor(), out);
        for (String line : new String[] {"first file in this JVM", "next file in the same JVM", "ratios, first file:",
            "ratios, next file:", "ratio, one-shot: ingest/ProducerPerformance"}) {
            assertTrue(out.contains(line), line + " missing from:\n" + out);
        }
        assertTrue(out.contains("300 images, ") && out.contains("(COMPLETE)"), out);
        // Each one-shot process reports a time and, on Linux, a peak resident size above zero.
        for (String who : new String[] {"ProducerPerformance on this broker", "cocostream ingest on this broker",
            "Python json.load"}) {
            Matcher m = Pattern.compile(Pattern.quote(who) + "[^\\n]*: ([0-9.]+) s[^\\n]*peak RSS ([0-9]+) MB").matcher(out);
            assertTrue(m.find(), who + " missing from:\n" + out);
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Long.parseLong(m.group(2)) > 0, m.group());
        }
        assertTrue(Pattern.compile("ratios, one-shot ingest to the Python load: [0-9.]+x as fast").matcher(out).find(), out);
    }
}
