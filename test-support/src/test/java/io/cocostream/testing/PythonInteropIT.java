package io.cocostream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with an independent Confluent client: Debian's {@code confluent_kafka.avro} (installed
 * by .ci/run) reads what our serializer wrote and writes what our deserializer reads, through the
 * embedded registry. Not skipped: a missing Python client fails the build.
 */
@ExtendWith(EmbeddedStackExtension.class)
class PythonInteropIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
    private final ObjectMapper json = new ObjectMapper();

    static CaptionsEvent event(long imageId, String text) {
        Provenance p = Provenance.newBuilder().setBatchId("b-1").setSourceFile("captions.json")
                .setProducer("interop").setIngestTime(Instant.ofEpochMilli(1_700_000_000_123L)).build();
        return CaptionsEvent.newBuilder().setImageId(imageId).setProvenance(p)
                .setAnnotations(List.of(Caption.newBuilder().setId(imageId * 10).setImageId(imageId).setCaption(text).build()))
                .build();
    }

    private List<String> python(KafkaStack stack, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cmd.add(args[0]);
        cmd.addAll(List.of("--bootstrap", stack.bootstrapServers(), "--registry", stack.schemaRegistryUrl()));
        cmd.addAll(List.of(args).subList(1, args.length));
        Path err = Files.createTempFile("interop", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python interop timed out");
        }
        assertEquals(0, p.exitValue(), "python exit code; output: " + out + "; errors: " + Files.readString(err));
        Files.delete(err);
        return out.lines().toList();
    }

    @Test
    void pythonReadsWhatJavaWrote(KafkaStack stack) throws Exception {
        String topic = "interop.java-to-python";
        stack.createTopics(1, topic);
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        AvroSerializer<CaptionsEvent> ser = new AvroSerializer<>();
        ser.configure(c, false);
        try (KafkaProducer<Long, CaptionsEvent> producer = new KafkaProducer<>(c, new LongSerializer(), ser)) {
            producer.send(new ProducerRecord<>(topic, 139L, event(139, "A woman stands in the dining area."))).get();
            producer.send(new ProducerRecord<>(topic, 285L, event(285, "A big burly grizzly bear."))).get();
        }
        List<String> lines = python(stack, "consume", "--topic", topic, "--count", "2");
        assertEquals(2, lines.size());
        JsonNode first = json.readTree(lines.get(0));
        assertEquals(139, first.get("image_id").asLong());
        assertEquals("A woman stands in the dining area.", first.get("annotations").get(0).get("caption").asText());
        assertEquals(1390, first.get("annotations").get(0).get("id").asLong());
        assertEquals("b-1", first.get("provenance").get("batch_id").asText());
        assertEquals(1_700_000_000_123L, first.get("provenance").get("ingest_time").asLong());
    }

    @Test
    void javaReadsWhatPythonWrote(KafkaStack stack, @TempDir Path tmp) throws Exception {
        String topic = "interop.python-to-java";
        stack.createTopics(1, topic);
        Path schema = tmp.resolve("schema.avsc");
        Files.writeString(schema, CaptionsEvent.getClassSchema().toString());
        Path records = tmp.resolve("records.jsonl");
        Files.writeString(records, "{\"image_id\": 632, \"image\": null, \"annotations\": [{\"id\": 6320, \"image_id\": 632,"
                + " \"caption\": \"Bedroom scene with a bookcase.\"}], \"provenance\": {\"batch_id\": \"py\","
                + " \"source_file\": \"vendor.json\", \"producer\": \"python\", \"ingest_time\": 1700000000456},"
                // Python's avro writes every field of the schema it is given (it fills in no default).
                + " \"rejected\": []}\n");
        python(stack, "produce", "--topic", topic, "--schema-file", schema.toString(), "--records-file", records.toString());

        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "java-interop");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroDeserializer<CaptionsEvent> de = new AvroDeserializer<>(CaptionsEvent.class);
        de.configure(c, false);
        List<CaptionsEvent> got = new ArrayList<>();
        try (KafkaConsumer<byte[], CaptionsEvent> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), de)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
        }
        assertEquals(1, got.size());
        CaptionsEvent e = got.get(0);
        assertEquals(632, e.getImageId());
        assertEquals("Bedroom scene with a bookcase.", e.getAnnotations().get(0).getCaption());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_456L), e.getProvenance().getIngestTime());
    }
}
