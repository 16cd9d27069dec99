package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.StreamsApp;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest}, {@code export} and {@code retract} as a user runs them against a cluster with the topology running. */
@ExtendWith(EmbeddedStackExtension.class)
class ViewsCommandsIT {

    @Test
    @SuppressWarnings("try") // the resource is only held open for the block
    void exportGivesTheDeliveryBackAndRetractEmptiesIt(KafkaStack stack, @TempDir Path dir) throws Exception {
        String[] conn = CommandLines.connection(stack, 3);
        TopicAdmin.ensure(stack.clientConfig(), 3, Optional.empty());
        Properties p = StreamsApp.config(stack.clientConfig(), "views-commands-it", 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        try (KafkaStreams app = StreamsApp.start(stack.clientConfig(), p)) {
            Path file = SharedData.coco().resolve("person_keypoints/person_keypoints_val2017_mini.json");
            String ingested = CommandLines.run(CommandLines.concat(new String[] {"ingest", file.toString()}, conn));
            Matcher batch = Pattern.compile("batch (\\S+):").matcher(ingested);
            assertTrue(batch.find(), ingested);

            JsonNode input = SharedData.readJson("person_keypoints/person_keypoints_val2017_mini.json");
            Path out = dir.resolve("export.json");
            JsonNode back = awaitExport(conn, out, input.get("images").size());
            assertEquals(input.get("annotations").size(), back.get("annotations").size());
            assertEquals(input.get("categories").get(0).get("skeleton"), back.get("categories").get(0).get("skeleton"));

            String retracted = CommandLines.run(CommandLines.concat(new String[] {"retract", "--batch", batch.group(1), "--reason", "test"}, conn));
            assertTrue(retracted.isEmpty(), "retract reports on stderr: " + retracted);
            assertEquals(0, awaitExport(conn, out, 0).get("images").size());
        }
    }

    /** Exports until the file has {@code images} images (the topology catches up), at most 60 s. */
    private static JsonNode awaitExport(String[] conn, Path out, int images) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode back;
        do {
            assertEquals("", CommandLines.run(CommandLines.concat(new String[] {"export", "--kind", "person_keypoints", "--out", out.toString()}, conn)));
            back = SharedData.JSON.readTree(out.toFile());
            if (back.get("images").size() == images) {
                return back;
            }
            Thread.sleep(500);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("export has " + back.get("images").size() + " images, expected " + images);
    }
}
