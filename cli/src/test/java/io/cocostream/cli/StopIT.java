package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping is bounded: streams, serve, ingest (a file, and --watch) and local, each in a JVM of its
 * own, exit within 10 s of SIGTERM even though the broker they use is gone.
 */
class StopIT {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @Test
    void everyLongRunningCommandStopsWithinTenSecondsOfSigtermWithTheBrokerGone(@TempDir Path dir) throws Exception {
        Map<String, ChildJvm> children = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            TopicAdmin.ensure(stack.clientConfig(), 2, Optional.empty());
            String[] conn = CommandLines.connection(stack, 2);
            Files.createDirectories(dir.resolve("drop"));
            children.put("streams", ChildJvm.start(dir.resolve("streams.log"),
                    CommandLines.concat(new String[] {"streams", "--application-id", "stop-it-streams", "--threads", "1",
                        "--metrics-port", "0"}, conn)));
            children.put("serve", ChildJvm.start(dir.resolve("serve.log"), CommandLines.concat(new String[] {"serve",
                "--application-id", "stop-it-serve", "--threads", "1", "--port", String.valueOf(CommandLines.freePort()),
                "--state-dir", dir.resolve("state").toString()}, conn)));
            children.put("ingest --watch", ChildJvm.start(dir.resolve("watch.log"),
                    CommandLines.concat(new String[] {"ingest", "--watch", dir.resolve("drop").toString(), "--metrics-port", "0"},
                            conn)));
            children.get("streams").awaitOutput("validating", Duration.ofSeconds(60));
            children.get("serve").awaitOutput("COCO API on", Duration.ofSeconds(60));
            children.get("ingest --watch").awaitOutput("watching", Duration.ofSeconds(60));
        }
        // The broker is gone now. An ingest that finds no broker waits for it (long timeout).
        children.put("ingest", ChildJvm.start(dir.resolve("ingest.log"), "ingest",
                SharedData.coco().resolve("instances/instances_val2017_mini.json").toString(),
                "--bootstrap-servers", "127.0.0.1:" + CommandLines.freePort(), "--broker-timeout", "600"));
        children.get("ingest").awaitOutput("waiting for the broker", Duration.ofSeconds(30));
        int kafkaPort = CommandLines.freePort();
        children.put("local", ChildJvm.start(dir.resolve("local.log"), "local", "--kafka-port", String.valueOf(kafkaPort),
                "--registry-port", String.valueOf(CommandLines.freePort()), "--data-dir", dir.resolve("local").toString()));
        children.get("local").awaitOutput("Press Ctrl-C to stop", Duration.ofSeconds(60));
        Thread.sleep(2000); // the Streams apps notice the broker is gone
        try {
            for (ChildJvm c : children.values()) {
                c.terminate();
            }
            long t0 = System.nanoTime();
            for (Map.Entry<String, ChildJvm> e : children.entrySet()) {
                Duration left = WITHIN.minusNanos(System.nanoTime() - t0);
                int code = e.getValue().awaitExit(left.isNegative() ? Duration.ZERO : left);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%s: exit %d, %.1f s after SIGTERM%n", e.getKey(), code, secs);
                if (code == -1) {
                    problems.add(e.getKey() + " still running " + WITHIN.toSeconds() + " s after SIGTERM: "
                            + e.getValue().output());
                }
            }
        } finally {
            for (ChildJvm c : children.values()) {
                c.close();
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        String serve = children.get("serve").output();
        assertNotEquals(-1, serve.indexOf("COCO API on"), serve);
    }
}
