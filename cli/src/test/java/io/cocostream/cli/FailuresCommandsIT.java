package io.cocostream.cli;

import static io.cocostream.cli.CommandLines.concat;
import static io.cocostream.cli.CommandLines.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.Topics;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A vendor's failed delivery, a rerun, a redelivery, and {@code cocostream batches}, against a real broker. */
@ExtendWith(EmbeddedStackExtension.class)
class FailuresCommandsIT {

    @Test
    void aFailedDeliveryPublishesNoEventAndEveryDeliveryIsListed(KafkaStack stack, @TempDir Path dir) throws Exception {
        String[] conn = CommandLines.connection(stack, 3);
        Path good = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        String json = Files.readString(good);
        Path broken = Files.writeString(dir.resolve("instances_broken.json"), json.substring(0, json.length() - 5000));

        String first = run(concat(new String[] {"ingest", good.toString()}, conn));
        String failed = run(1, concat(new String[] {"ingest", broken.toString()}, conn));
        assertTrue(failed.contains("FAILED"), failed);
        String again = run(concat(new String[] {"ingest", good.toString()}, conn));
        assertTrue(again.contains("already ingested"), again);
        assertTrue(again.contains("--redeliver"), "says how to publish it again: " + again);
        String redelivered = run(concat(new String[] {"ingest", good.toString(), "--redeliver"}, conn));

        assertEquals(2 * 79, Committed.count(stack, Topics.INSTANCES), "the good file twice, nothing of the broken one");
        String batches = run(concat(new String[] {"batches"}, conn));
        String firstId = batchOf(first);
        String failedId = batchOf(failed);
        String redeliveredId = batchOf(redelivered);
        assertTrue(redeliveredId.startsWith(firstId + "-r"), redeliveredId);
        List<String> lines = batches.lines().toList();
        assertEquals(4, lines.size(), "a header and three deliveries: " + batches);
        assertTrue(lines.get(1).startsWith(firstId) && lines.get(1).contains("COMPLETE"), lines.get(1));
        assertTrue(lines.get(2).startsWith(failedId) && lines.get(2).contains("FAILED"), lines.get(2));
        assertTrue(lines.get(2).contains("instances_broken.json"), lines.get(2));
        assertTrue(lines.get(3).startsWith(redeliveredId), lines.get(3));

        String one = run(concat(new String[] {"batches", "--batch", failedId}, conn));
        assertEquals(2, one.lines().count(), one);
        run(1, concat(new String[] {"batches", "--batch", "no-such-batch"}, conn));
    }

    private static String batchOf(String ingestOutput) {
        Matcher m = Pattern.compile("batch (\\S+):").matcher(ingestOutput);
        assertTrue(m.find(), ingestOutput);
        return m.group(1);
    }
}
