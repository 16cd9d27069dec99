package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocostream alerts} with its filters combined, as JSON lines, and its refusals of what does not exist. */
@ExtendWith(EmbeddedStackExtension.class)
class AlertsCommandIT {

    private static ValidationAlert alert(String rule, Severity s, long image, String batch, String kind) {
        return ValidationAlert.newBuilder().setRule(rule).setSeverity(s).setImageId(image).setAnnotationId(image * 10)
                .setMessage(rule + " on " + image).setKind(kind).setBatchId(batch).setDetectedAt(Instant.EPOCH).build();
    }

    @Test
    void filtersCombineAndAnUnknownRuleOrSeverityListsTheValidOnes(KafkaStack stack, @TempDir Path dir) throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 2, Optional.empty());
        List<ValidationAlert> sent = List.of(alert("area.polygon", Severity.ERROR, 1, "b1", "instances"),
                alert("area.polygon", Severity.ERROR, 2, "b1", "instances"),
                alert("area.polygon", Severity.ERROR, 1, "b2", "instances"),
                alert("captions.duplicate", Severity.WARNING, 1, "b1", "captions"),
                alert("keypoints.count", Severity.ERROR, 1, "b1", "person_keypoints"));
        AvroSerializer<ValidationAlert> values = new AvroSerializer<>();
        values.configure(stack.clientConfig(), false);
        try (KafkaProducer<Long, ValidationAlert> p = new KafkaProducer<>(stack.clientConfig(), new LongSerializer(), values)) {
            for (ValidationAlert a : sent) {
                p.send(new ProducerRecord<>(Topics.ALERTS, a.getImageId(), a)).get();
            }
        }
        String[] conn = CommandLines.connection(stack, 2);
        assertEquals(List.of("area.polygon on 1/b1"), tail(dir, "f1", conn, "--rule", "area.polygon", "--image", "1",
                "--batch", "b1"));
        assertEquals(List.of("area.polygon on 1/b1", "area.polygon on 2/b1", "area.polygon on 1/b2",
                "keypoints.count on 1/b1"), tail(dir, "f2", conn, "--severity", "error"));
        assertEquals(List.of("keypoints.count on 1/b1"), tail(dir, "f3", conn, "--kind", "person_keypoints"));

        CommandLines.Output rule = CommandLines.runWithErrors(2, CommandLines.concat(new String[] {"alerts", "--rule",
            "nosuch.rule"}, conn));
        assertTrue(rule.err().contains("unknown rule 'nosuch.rule'") && rule.err().contains("area.polygon")
                && rule.err().contains("keypoints.skeleton"), rule.err());
        CommandLines.Output severity = CommandLines.runWithErrors(2, CommandLines.concat(new String[] {"alerts",
            "--severity", "fatal"}, conn));
        assertTrue(severity.err().contains("unknown severity 'fatal'") && severity.err().contains("WARNING"), severity.err());
    }

    /** The alerts a tail prints (JSON lines, as "message/batch", sorted as printed) within a few seconds. */
    private static List<String> tail(Path dir, String name, String[] conn, String... filters) throws Exception {
        String[] args = CommandLines.concat(CommandLines.concat(new String[] {"alerts", "--from-beginning", "--format",
            "jsonl"}, filters), conn);
        try (ChildJvm c = ChildJvm.start(dir.resolve(name + ".log"), args)) {
            Thread.sleep(6000);
            c.terminate();
            c.awaitExit(Duration.ofSeconds(15));
            List<String> got = new ArrayList<>();
            for (String line : c.output().lines().filter(l -> l.startsWith("{")).toList()) {
                JsonNode n = SharedData.JSON.readTree(line);
                got.add(n.get("message").asText() + "/" + n.get("batch_id").asText());
            }
            return got.stream().sorted((a, b) -> Integer.compare(sent(a), sent(b))).toList();
        }
    }

    /** The order alerts were sent in, from their message and batch. */
    private static int sent(String messageAndBatch) {
        return List.of("area.polygon on 1/b1", "area.polygon on 2/b1", "area.polygon on 1/b2", "captions.duplicate on 1/b1",
                "keypoints.count on 1/b1").indexOf(messageAndBatch);
    }
}
