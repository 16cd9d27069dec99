package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.streams.StreamsApp;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocostream lag}: the Streams app's lag per input partition, falling to 0 once it has caught up, rising while it is down. */
@ExtendWith(EmbeddedStackExtension.class)
class LagCommandIT {

    /** The sum of a column of {@code topic}'s rows in a lag printout: 2 committed, 3 end, 4 lag. */
    private static long column(String out, String topic, int col) {
        return out.lines().filter(l -> l.startsWith(topic + " ")).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[col]))
                .sum();
    }

    /** The printout, or "" while the app has committed nothing yet (exit 1). */
    private static String lagOnceCommitted(String[] lag) {
        try {
            return CommandLines.run(lag);
        } catch (AssertionError nothingCommittedYet) {
            return "";
        }
    }

    @Test
    void theLagFallsToZeroOnceTheAppHasCaughtUpAndRisesWhileItIsDown(KafkaStack stack, @TempDir Path dir) throws Exception {
        String[] conn = CommandLines.connection(stack, 3);
        TopicAdmin.ensure(stack.clientConfig(), 3, Optional.empty());
        CommandLines.Output none = CommandLines.runWithErrors(1, CommandLines.concat(new String[] {"lag",
            "--application-id", "lag-it"}, conn));
        assertTrue(none.err().contains("consumer group lag-it has committed no offset"), none.err());

        Properties p = StreamsApp.config(stack.clientConfig(), "lag-it", 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        String[] lag = CommandLines.concat(new String[] {"lag", "--application-id", "lag-it"}, conn);
        try (KafkaStreams app = StreamsApp.start(stack.clientConfig(), p)) {
            Ingest.run(Ingest.Options.of(SharedData.coco().resolve("instances/instances_val2017_mini.json")),
                    b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
            String out = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!out.contains("total lag of lag-it: 0 record(s)") || column(out, Topics.INSTANCES, 2) < 79) {
                assertTrue(System.nanoTime() < deadline, "never caught up: " + out);
                Thread.sleep(500);
                out = lagOnceCommitted(lag);
            }
            assertEquals(3, out.lines().filter(l -> l.startsWith(Topics.INSTANCES + " ")).count(), out);
            assertTrue(out.contains("lag-it-batch-deltas-repartition"), "its repartition topics too: " + out);
            app.close(Duration.ofSeconds(10));
        }
        // While the app is down a delivery comes: its events are the lag
        Ingest.run(Ingest.Options.of(SharedData.coco().resolve("captions/captions_val2017_mini.json")),
                b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
        String behind = CommandLines.run(lag);
        assertTrue(column(behind, Topics.CAPTIONS, 4) >= 1, behind);
        assertEquals(0, column(behind, Topics.INSTANCES, 4), behind);
    }
}
