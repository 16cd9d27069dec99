package io.cocostream.streams.clients;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A compacted view topic read as the table it stands for: the last committed value of each key
 * up to the topic's end when first read, tombstones removed. A first pass keeps only each key's
 * last offset, so the views themselves are never all in memory.
 */
public final class TopicViews implements Exporter.ViewSource {
    private final Map<String, Object> clientConfig;
    private final String topic;
    private Map<TopicPartition, Long> end;
    /** Per partition, the key (hex of its bytes) to the last offset seen. */
    private final Map<Integer, Map<String, Long>> last = new HashMap<>();

    public TopicViews(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = clientConfig;
        this.topic = topic;
    }

    @Override
    public void forEach(Consumer<SpecificRecord> view) {
        AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
        values.configure(clientConfig, false);
        if (end == null) {
            scan(r -> last.computeIfAbsent(r.partition(), p -> new HashMap<>()).put(key(r), r.offset()));
        }
        scan(r -> {
            if (r.value() != null && last.get(r.partition()).get(key(r)) == r.offset()) {
                view.accept(values.deserialize(topic, r.value()));
            }
        });
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : java.util.HexFormat.of().formatHex(r.key());
    }

    /** Every committed record from the beginning to the end offsets fixed by the first scan. */
    private void scan(Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(clientConfig)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            if (end == null) {
                end = c.endOffsets(parts);
            }
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(topic, r.partition()))) {
                        each.accept(r);
                    }
                }
            }
        }
    }

    /** Every category on {@code coco.categories.v1}, the last value of each key. */
    public static List<Category> categories(Map<String, Object> clientConfig) {
        Map<String, Category> byKey = new LinkedHashMap<>();
        TopicViews t = new TopicViews(clientConfig, Topics.CATEGORIES);
        AvroDeserializer<Category> values = new AvroDeserializer<>(Category.class);
        values.configure(clientConfig, false);
        t.scan(r -> {
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (r.value() == null) {
                byKey.remove(key);
            } else {
                byKey.put(key, values.deserialize(Topics.CATEGORIES, r.value()));
            }
        });
        return new ArrayList<>(byKey.values());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
