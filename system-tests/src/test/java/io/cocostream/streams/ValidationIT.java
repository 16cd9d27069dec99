package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ingest → exactly-once validation → alerts, on the in-process broker, read as read_committed. */
@ExtendWith(EmbeddedStackExtension.class)
class ValidationIT {

    static <T extends SpecificRecord> List<T> readUntil(KafkaStack stack, String topic, Class<T> type,
            Predicate<List<T>> done) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<T> de = new AvroDeserializer<>(type);
        de.configure(c, false);
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], T> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), de)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            int idle = 0;
            // Until the predicate holds, the topic stays quiet for 3 s, or 30 s pass.
            while (!done.test(out) && idle < 15 && System.currentTimeMillis() < deadline) {
                int before = out.size();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                idle = out.size() == before && !out.isEmpty() ? idle + 1 : 0;
            }
        }
        return out;
    }

    @Test
    void aBadAnnotationIsAlertedAndRealCocoIsNot(KafkaStack stack, @TempDir Path dir) throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 3, Optional.empty());
        // A state directory of its own: the default (/tmp/kafka-streams) outlives the test's broker
        Properties config = StreamsApp.config(stack.clientConfig(), "validation-it", 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        try (KafkaStreams streams = StreamsApp.start(stack.clientConfig(), config)) {
            Path real = SharedData.coco().resolve("instances/instances_val2017_mini.json");
            Ingest.Result clean = Ingest.run(Ingest.Options.of(real), b -> new KafkaSink(stack.clientConfig(), b),
                    new Ingest.Progress() { });

            ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
            ObjectNode changed = (ObjectNode) root.get("annotations").get(0);
            changed.put("area", changed.get("area").asDouble() * 1.5);
            Path bad = dir.resolve("vendor.json");
            SharedData.JSON.writeValue(bad.toFile(), root);
            long sent = System.nanoTime();
            Ingest.Result broken = Ingest.run(Ingest.Options.of(bad), b -> new KafkaSink(stack.clientConfig(), b),
                    new Ingest.Progress() { });

            long annotationId = changed.get("id").asLong();
            List<ValidationAlert> alerts = readUntil(stack, Topics.ALERTS, ValidationAlert.class,
                    l -> l.stream().anyMatch(a -> a.getAnnotationId() != null && a.getAnnotationId() == annotationId));
            double seconds = (System.nanoTime() - sent) / 1e9;
            assertTrue(alerts.stream().anyMatch(a -> a.getRule().equals("area.polygon")
                    && a.getBatchId().equals(broken.batchId()) && a.getAnnotationId() == annotationId), alerts.toString());
            // Deferred checks (a category seen late) settle within the grace period: then nothing may remain.
            Thread.sleep(Validate.CATEGORY_GRACE.plusSeconds(2).toMillis());
            List<ValidationAlert> settled = readUntil(stack, Topics.ALERTS, ValidationAlert.class, l -> false);
            assertEquals(List.of(), settled.stream().filter(a -> a.getSeverity() == Severity.ERROR
                    && (a.getBatchId().equals(clean.batchId()) || a.getAnnotationId() != annotationId)).toList(),
                    "real COCO raises no error, and the changed file only its changed annotation's");
            assertTrue(seconds < 60, "alerted after " + seconds + " s");

            // A record that cannot be read becomes a dead letter; the topology goes on.
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(stack.clientConfig(), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(Topics.INSTANCES, new byte[8], "not avro".getBytes())).get();
            }
            List<DeadLetter> dead = readUntil(stack, Topics.DEAD_LETTERS, DeadLetter.class,
                    l -> l.stream().anyMatch(d -> d.getReason().startsWith("cannot deserialize")));
            assertTrue(dead.stream().anyMatch(d -> d.getTopic().equals(Topics.INSTANCES) && d.getReason().contains("magic")),
                    dead.toString());
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }
}
