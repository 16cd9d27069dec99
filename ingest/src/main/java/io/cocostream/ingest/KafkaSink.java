package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.PartitionRange;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * Publishes a batch with an idempotent, transactional producer ({@code acks=all}) whose
 * transactional id is derived from the batch id: a rerun of a crashed ingest fences the old
 * producer, aborts its open transaction and resumes after the last committed chunk.
 */
public final class KafkaSink implements EventSink {
    private final Map<String, Object> config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<SpecificRecord> values;
    private final AvroDeserializer<BatchManifest> manifests;
    private final LongSerializer longKeys = new LongSerializer();
    private final Map<TopicPartition, long[]> ranges = new TreeMap<>((a, b) ->
            a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private boolean inTransaction;
    private final long maxRecordBytes;

    public KafkaSink(Map<String, Object> clientConfig, String batchId) {
        this.config = new HashMap<>(clientConfig);
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cocostream-ingest-" + batchId);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 18));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(DEFAULT_MAX_RECORD_BYTES));
        // What a record may carry: the request's limit less the record's own framing and its key.
        this.maxRecordBytes = Long.parseLong(p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).toString()) - 256;
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(clientConfig));
        this.values = new AvroSerializer<>(client, clientConfig, false);
        this.manifests = new AvroDeserializer<>(client, BatchManifest.class, clientConfig);
        producer.initTransactions();
    }

    @Override
    public Optional<BatchManifest> lastManifest(String batchId) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        BatchManifest last = null;
        byte[] key = batchId.getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(Topics.BATCHES)) {
                parts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (java.util.Arrays.equals(key, r.key())) {
                        last = manifests.deserialize(r.topic(), r.value());
                    }
                }
            }
        }
        return Optional.ofNullable(last);
    }

    @Override
    public void send(String topic, Object key, SpecificRecord value) {
        sendBytes(topic, key, values.serialize(topic, value));
    }

    @Override
    public void sendEncoded(String topic, Object key, Schema schema, byte[] body) {
        sendBytes(topic, key, values.serializeEncoded(topic, schema, body));
    }

    private void sendBytes(String topic, Object key, byte[] value) {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        byte[] k = key == null ? null : key instanceof Long l ? longKeys.serialize(topic, l)
                : key.toString().getBytes(StandardCharsets.UTF_8);
        pending.add(producer.send(new ProducerRecord<>(topic, k, value)));
    }

    @Override
    public void commit(BatchManifest manifest) {
        // Settle the chunk's records first, so the manifest's ranges include them.
        awaitPending();
        manifest.setRanges(ranges());
        send(Topics.BATCHES, manifest.getBatchId(), manifest);
        awaitPending();
        producer.commitTransaction();
        inTransaction = false;
    }

    private void awaitPending() {
        producer.flush();
        try {
            for (Future<RecordMetadata> f : pending) {
                RecordMetadata m = f.get();
                long[] r = ranges.computeIfAbsent(new TopicPartition(m.topic(), m.partition()),
                        tp -> new long[] {Long.MAX_VALUE, -1, 0});
                r[0] = Math.min(r[0], m.offset());
                r[1] = Math.max(r[1], m.offset());
                r[2]++;
            }
        } catch (ExecutionException e) {
            producer.abortTransaction();
            inTransaction = false;
            throw new IllegalStateException("publishing failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } finally {
            pending.clear();
        }
    }

    @Override
    public List<PartitionRange> ranges() {
        List<PartitionRange> out = new ArrayList<>();
        ranges.forEach((tp, r) -> out.add(PartitionRange.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                .setFirstOffset(r[0]).setLastOffset(r[1]).setRecords(r[2]).build()));
        return out;
    }

    @Override
    public void carryRanges(List<PartitionRange> earlier) {
        for (PartitionRange e : earlier) {
            long[] r = ranges.computeIfAbsent(new TopicPartition(e.getTopic(), e.getPartition()),
                    tp -> new long[] {Long.MAX_VALUE, -1, 0});
            r[0] = Math.min(r[0], e.getFirstOffset());
            r[1] = Math.max(r[1], e.getLastOffset());
            r[2] += e.getRecords();
        }
    }

    @Override
    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    @Override
    public void close() {
        if (inTransaction) {
            producer.abortTransaction();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
