package io.cocostream.cli;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;

/** What a read_committed consumer sees on a topic, from its beginning to its end now: what the tests count. */
final class Committed {
    /** One committed record: its key (a long for image-keyed topics, else its UTF-8), and its value (null: a tombstone). */
    record Entry(Object key, SpecificRecord value) {}

    private Committed() {}

    /** Every committed record of {@code topic}, keys read as image ids when {@code imageKeys}. */
    static List<Entry> read(KafkaStack stack, String topic, boolean imageKeys) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
        values.configure(c, false);
        LongDeserializer longs = new LongDeserializer();
        List<Entry> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Object key = r.key() == null ? null : imageKeys ? longs.deserialize(topic, r.key())
                            : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    out.add(new Entry(key, r.value() == null ? null : values.deserialize(topic, r.value())));
                }
            }
        }
        return out;
    }

    /** The sum of {@code topic}'s last stable offsets: above 0 once a transaction ended there; reads no record. */
    static long stableEnd(KafkaStack stack, String topic) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** How many committed records {@code topic} holds. */
    static long count(KafkaStack stack, String topic) {
        return read(stack, topic, false).size();
    }
}
