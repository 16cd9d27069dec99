package io.cocostream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.Samples;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;

/**
 * The serde against a real broker and registry. Run in-process ({@link EmbeddedSerdeIT}) and in
 * containers with Confluent's registry ({@link ContainersSerdeIT}) wherever Docker runs.
 */
abstract class SerdeContract {

    abstract KafkaStack stack();

    private Map<String, Object> config(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(stack().clientConfig());
        c.putAll(extra);
        return c;
    }

    private void createTopic(String topic) {
        stack().createTopics(3, topic);
    }

    private <V> List<ConsumerRecord<Long, V>> readAll(String topic, org.apache.kafka.common.serialization.Deserializer<V> d,
            int expected) {
        Map<String, Object> c = config(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<ConsumerRecord<Long, V>> out = new ArrayList<>();
        try (KafkaConsumer<Long, V> consumer = new KafkaConsumer<>(c, new LongDeserializer(), d)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void oneRecordOfEveryContractRoundTripsInTheConfluentWireFormat() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> c = config(Map.of(ProducerConfig.ACKS_CONFIG, "all"));
        AvroSerializer<SpecificRecord> ser = new AvroSerializer<>();
        ser.configure(c, false);
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(c));
        for (Topics.TopicSpec spec : Topics.ALL) {
            String topic = spec.name() + "." + suffix;
            createTopic(topic);
            SpecificRecord sample = Samples.of(spec.valueType(), 7);
            try (KafkaProducer<Long, SpecificRecord> producer = new KafkaProducer<>(c, new LongSerializer(), ser)) {
                producer.send(new ProducerRecord<>(topic, 7L, sample)).get();
            }
            List<ConsumerRecord<Long, byte[]>> raw = readAll(topic, new ByteArrayDeserializer(), 1);
            byte[] bytes = raw.get(0).value();
            assertEquals(0, bytes[0], "magic byte");
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertEquals(client.version(topic + "-value", "latest").id(), id, "id of the subject's schema");
            AvroDeserializer<SpecificRecord> de = new AvroDeserializer<>();
            de.configure(c, false);
            assertEquals(sample, de.deserialize(topic, bytes), spec.name());
        }
    }

    @Test
    void subjectNameStrategies() throws Exception {
        String topic = "strategies." + UUID.randomUUID();
        createTopic(topic);
        SpecificRecord sample = Samples.of(io.cocostream.schemas.avro.CaptionsEvent.class, 1);
        String fullName = sample.getSchema().getFullName();
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(config(Map.of())));
        for (String[] s : new String[][] {
                {"io.confluent.kafka.serializers.subject.RecordNameStrategy", fullName},
                {"io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", topic + "-" + fullName},
                {"TopicNameStrategy", topic + "-value"}}) {
            AvroSerializer<SpecificRecord> ser = new AvroSerializer<>();
            ser.configure(config(Map.of(SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, s[0])), false);
            ser.serialize(topic, sample);
            assertTrue(client.subjects().contains(s[1]), s[0] + " registers under " + s[1] + ": " + client.subjects());
        }
    }

    @Test
    void useLatestVersionWritesWithTheNewerRegisteredSchema() throws Exception {
        String topic = "latest." + UUID.randomUUID();
        Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Note\",\"namespace\":\"it\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}");
        Schema v2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Note\",\"namespace\":\"it\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"},{\"name\":\"lang\",\"type\":\"string\",\"default\":\"en\"}]}");
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(config(Map.of())));
        client.register(topic + "-value", v1);
        int v2id = client.register(topic + "-value", v2);
        AvroSerializer<GenericRecord> ser = new AvroSerializer<>();
        ser.configure(config(Map.of(SerdeConfig.USE_LATEST_VERSION, "true", SerdeConfig.AUTO_REGISTER_SCHEMAS, "false")), false);
        GenericRecord old = new GenericData.Record(v1);
        old.put("text", "hello");
        byte[] bytes = ser.serialize(topic, old);
        assertEquals(v2id, ByteBuffer.wrap(bytes, 1, 4).getInt());
        AvroDeserializer<GenericRecord> de = new AvroDeserializer<>();
        de.configure(config(Map.of(SerdeConfig.SPECIFIC_AVRO_READER, "false")), false);
        GenericRecord back = de.deserialize(topic, bytes);
        assertEquals("hello", back.get("text").toString());
        assertEquals("en", back.get("lang").toString());
    }

    @Test
    void withoutAutoRegisterAnUnknownSchemaIsAClearError() {
        String topic = "noauto." + UUID.randomUUID();
        AvroSerializer<SpecificRecord> ser = new AvroSerializer<>();
        ser.configure(config(Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false")), false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> ser.serialize(topic, Samples.of(io.cocostream.schemas.avro.CaptionsEvent.class, 1)));
        assertTrue(e.getMessage().contains(topic + "-value") && e.getMessage().contains("40401"), e.getMessage());
    }

    /** What a subclass asserts about the stack it provides (in-process or containers). */
    abstract void theStackIsTheOneUnderTest();

    @Test
    void garbageIsRefusedWithTheReason() {
        AvroDeserializer<SpecificRecord> de = new AvroDeserializer<>();
        de.configure(config(Map.of()), false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> de.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
        assertTrue(e.getMessage().contains("magic byte 1"), e.getMessage());
    }
}
