package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The watch folder's {@link WatchFolder.Reports} from {@code coco.batch-reports.v1}: read from its
 * beginning once, then only what is new at each call (committed records only).
 */
public final class KafkaReports implements WatchFolder.Reports, AutoCloseable {
    private final KafkaConsumer<String, BatchReport> consumer;
    private final Map<String, BatchReport> latest = new HashMap<>();
    private boolean assigned;

    public KafkaReports(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        AvroDeserializer<BatchReport> values = new AvroDeserializer<>(BatchReport.class);
        values.configure(c, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), values);
    }

    @Override
    public Map<String, BatchReport> latest(Set<String> batchIds) {
        if (!assigned) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(Topics.BATCH_REPORTS).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            assigned = true;
        }
        for (int polls = 0; polls < 10; polls++) {
            var records = consumer.poll(Duration.ofMillis(polls == 0 ? 100 : 20));
            if (records.isEmpty()) {
                break;
            }
            for (ConsumerRecord<String, BatchReport> r : records) {
                if (r.value() != null) {
                    latest.put(r.key(), r.value());
                }
            }
        }
        Map<String, BatchReport> out = new HashMap<>();
        for (String id : batchIds) {
            BatchReport r = latest.get(id);
            if (r != null) {
                out.put(id, r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
