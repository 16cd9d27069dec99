package io.cocostream.streams.clients;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * {@code cocostream retract}: writes retractions for the views to act on. An image's goes to its
 * image's partition (keyed by its id); a batch's goes to every partition, since its images are
 * on all of them, and each view task removes what that batch delivered among its own images.
 */
public final class Retractions {
    private Retractions() {}

    /** Retracts one image (all its parts, or only those of {@code batchId} when not null); returns records written. */
    public static int image(Map<String, Object> clientConfig, long imageId, String batchId, String reason, String by)
            throws InterruptedException, ExecutionException {
        Retraction r = Retraction.newBuilder().setImageId(imageId).setBatchId(batchId).setReason(reason)
                .setRequestedBy(by).setRequestedAt(Instant.now()).build();
        try (KafkaProducer<Long, Retraction> p = producer(clientConfig)) {
            p.send(new ProducerRecord<>(Topics.RETRACTIONS, imageId, r)).get();
        }
        return 1;
    }

    /** Retracts everything a batch delivered; returns records written (one per partition). */
    public static int batch(Map<String, Object> clientConfig, String batchId, String reason, String by)
            throws InterruptedException, ExecutionException {
        Retraction r = Retraction.newBuilder().setBatchId(batchId).setReason(reason).setRequestedBy(by)
                .setRequestedAt(Instant.now()).build();
        try (KafkaProducer<Long, Retraction> p = producer(clientConfig)) {
            int n = 0;
            for (PartitionInfo partition : p.partitionsFor(Topics.RETRACTIONS)) {
                p.send(new ProducerRecord<>(Topics.RETRACTIONS, partition.partition(), null, r)).get();
                n++;
            }
            return n;
        }
    }

    private static KafkaProducer<Long, Retraction> producer(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        AvroSerializer<Retraction> values = new AvroSerializer<>();
        values.configure(c, false);
        return new KafkaProducer<>(c, new LongSerializer(), values);
    }
}
