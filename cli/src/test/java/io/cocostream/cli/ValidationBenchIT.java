package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Kind;
import io.cocostream.synth.Synth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cocostream bench --validation --file F} runs every part it reports on a given instances
 * file (a measurement, so nothing here is timed): the baselines, the first delivery with its CPU
 * by thread, the producers' retries, the bytes, the profile, fairness, the re-delivery and latency.
 */
class ValidationBenchIT {
    @Test
    void everyFigureIsPrintedForAGivenFile(@TempDir Path dir) throws Exception {
        // Given an instances file of 200 images, and a Streams setting over cocostream's
        Path file = dir.resolve("vendor_instances.json");
        Synth.write(Kind.INSTANCES, 200, 5, file);
        // When the validation bench runs on it
        String out;
        try (ChildJvm bench = ChildJvm.start(dir.resolve("bench.log"), "bench", "--validation", "--file", file.toString(),
                "--seconds", "2", "--streams-config", "commit.interval.ms=100")) {
            int exit = bench.awaitExit(Duration.ofMinutes(5));
            out = bench.output();
            assertEquals(0, exit, out);
        }
        // Then it is the file's images, and each figure is there with its numbers
        assertTrue(out.contains(file + ": 200 images, "), out);
        assertTrue(out.contains("{commit.interval.ms=100}"), out);
        for (String figure : new String[] {
            "check \\(offline, the same rules from the file\\): [0-9.]+ s",
            "first delivery, 2 stream threads, from start to every alert and view committed: [0-9.]+ s",
            "by thread, cpu-s: .*StreamThread-1 [0-9.]+ \\([0-9]+%\\)",
            "by thread, cpu-s: .*StreamThread-2 [0-9.]+ \\([0-9]+%\\)",
            "the stream threads' producers: [1-9][0-9]* records sent, [0-9]+ retried, 0 failed; [1-9][0-9]* commits",
            "bytes the broker holds beyond the events, per byte of event input \\([0-9.]+ MB\\): [0-9.]+ \\(.*changelogs",
            "stream threads running Java \\([0-9]+ samples: masks",
            "fairness: 20 of 20 deliveries of 10 images",
            "re-delivery to the warm topology .*: [0-9]+ annotations/s",
            "ingest-to-alert latency at 200 events/s for 2 s: ([0-9]+) of \\1 alerted"}) {
            Matcher m = Pattern.compile(figure).matcher(out);
            assertTrue(m.find(), figure + " missing from:\n" + out);
        }
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            // the JVM's own threads, read from /proc: the JIT is busy while a topology first runs
            assertTrue(Pattern.compile("by thread, cpu-s: .*JIT [0-9.]+ \\(").matcher(out).find(), out);
        }
    }
}
