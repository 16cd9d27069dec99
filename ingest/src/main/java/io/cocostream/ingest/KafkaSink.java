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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch with an idempotent, transactional producer ({@code acks=all}) whose
 * transactional id is derived from the batch id: a rerun of a crashed ingest fences the old
 * producer, aborts its open transaction and resumes after the last committed chunk. Every call
 * that waits on the broker is bounded by the {@link BrokerWait}'s timeout and reported while it
 * waits; past the timeout it fails with {@link BrokerWait.Unavailable}.
 */
public final class KafkaSink implements EventSink {
    /** Every delivery's transactional id is this and its batch id (the ingest's ACLs name the prefix). */
    public static final String TRANSACTIONAL_ID_PREFIX = "cocostream-ingest-";

    private final Map<String, Object> config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<SpecificRecord> values;
    private final AvroDeserializer<BatchManifest> manifests;
    private final LongSerializer longKeys = new LongSerializer();
    private final Map<TopicPartition, long[]> ranges = new TreeMap<>((a, b) ->
            a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private boolean inTransaction;
    /** How long a sink waits for the broker unless told: the producer's own delivery timeout. */
    public static final Duration DEFAULT_BROKER_TIMEOUT = Duration.ofSeconds(120);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    private final BrokerWait wait;
    private final long maxRecordBytes;

    /** A sink for {@code batchId} that waits for the broker as long as {@link #DEFAULT_BROKER_TIMEOUT}, logging it. */
    public KafkaSink(Map<String, Object> clientConfig, String batchId) {
        this(clientConfig, batchId, new BrokerWait(clientConfig, DEFAULT_BROKER_TIMEOUT, LOG::warn));
    }

    /** A sink for {@code batchId} that waits for the broker as {@code wait} says. */
    public KafkaSink(Map<String, Object> clientConfig, String batchId, BrokerWait wait) {
        this.wait = wait;
        this.config = new HashMap<>(clientConfig);
        long timeoutMs = wait.timeout().toMillis();
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        Map<String, Object> p = new HashMap<>(clientConfig);
        // Nothing the producer does may wait longer than the broker timeout.
        int requestMs = (int) Math.max(1000, Math.min(30_000, timeoutMs / 2));
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                Math.max(timeoutMs, requestMs + 1000L)));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + batchId);
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
        call("connecting", () -> {
            producer.initTransactions();
            return null;
        });
    }

    /** The batch's producer, for its client metrics. */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** Runs a call that waits on the broker: reported while it waits, {@link BrokerWait.Unavailable} when it timed out. */
    private <T> T call(String what, Callable<T> c) {
        try {
            return wait.watch(what, c);
        } catch (TimeoutException | InterruptException e) {
            throw wait.gaveUp(e);
        } catch (KafkaException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw wait.gaveUp(e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BatchManifest> lastManifest(String batchId) {
        byte[] key = batchId.getBytes(StandardCharsets.UTF_8);
        BatchManifest[] last = {null};
        call("reading coco.batches.v1", () -> scanManifests((k, v) -> {
            if (Arrays.equals(key, k)) {
                last[0] = manifests.deserialize(Topics.BATCHES, v);
            }
        }));
        return Optional.ofNullable(last[0]);
    }

    @Override
    public List<BatchManifest> runManifests(String run) {
        Map<String, BatchManifest> last = new LinkedHashMap<>();
        call("reading coco.batches.v1", () -> scanManifests((k, v) -> {
            BatchManifest m = manifests.deserialize(Topics.BATCHES, v);
            if (m != null && run.equals(m.getRun())) {
                last.remove(m.getBatchId()); // in the order of each batch's last manifest
                last.put(m.getBatchId(), m);
            }
        }));
        return new ArrayList<>(last.values());
    }

    /** Every committed record of coco.batches.v1, key and value bytes, from its start to its end now. */
    private Void scanManifests(BiConsumer<byte[], byte[]> each) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(Topics.BATCHES)) {
                parts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + wait.timeout().toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("coco.batches.v1 not read to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.key(), r.value());
                }
            }
        }
        return null;
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
        try {
            pending.add(producer.send(new ProducerRecord<>(topic, k, value)));
        } catch (TimeoutException e) {
            throw wait.gaveUp(e); // the buffer stayed full: no broker took anything for the whole timeout
        }
    }

    @Override
    public void commit(BatchManifest manifest) {
        // Settle the chunk's records first, so the manifest's ranges include them.
        call("publishing", () -> {
            awaitPending();
            return null;
        });
        manifest.setRanges(ranges());
        send(Topics.BATCHES, manifest.getBatchId(), manifest);
        call("committing", () -> {
            awaitPending();
            producer.commitTransaction();
            return null;
        });
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
            inTransaction = false;
            if (e.getCause() instanceof TimeoutException t) {
                throw t; // the broker is away: the open transaction is aborted by the rerun's fencing
            }
            producer.abortTransaction();
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
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (KafkaException e) {
            // the broker is away or the producer failed: the next run's fencing aborts the transaction
            LOG.debug("cannot abort the open transaction: {}", e.toString());
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
