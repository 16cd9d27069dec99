package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ingest through a real broker and registry, read back as a read_committed consumer would. */
@ExtendWith(EmbeddedStackExtension.class)
class IngestIT {
    private static KafkaStack stack;

    @BeforeAll
    static void topics(KafkaStack s) {
        stack = s;
        TopicAdmin.ensure(s.clientConfig(), 3, Optional.empty());
    }

    static Ingest.Result ingest(Path file, java.util.function.Function<String, EventSink> publishers) throws IOException {
        return Ingest.run(Ingest.Options.of(file).withProducer("it").withChunkImages(10), publishers, new Ingest.Progress() { });
    }

    static List<SpecificRecord> readCommitted(String topic) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<SpecificRecord> de = new AvroDeserializer<>();
        de.configure(c, false);
        List<SpecificRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], SpecificRecord> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), de)) {
            consumer.subscribe(List.of(topic));
            int idle = 0;
            while (idle < 10) {
                var records = consumer.poll(Duration.ofMillis(300));
                idle = records.isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<byte[], SpecificRecord> r : records) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "person_keypoints/person_keypoints_val2017_mini.json, coco.person-keypoints.v1, 79",
        "stuff/cocostuffapi__stuff_examples.json, coco.stuff.v1, 2",
        "panoptic/panopticapi__panoptic_examples.json, coco.panoptic.v1, 2",
        "captions/captions_val2017_mini.json, coco.captions.v1, 79",
        "results/cocoapi__person_keypoints_val2014_fakekeypoints100_results.json, coco.results.v1, -1",
    })
    void sharedFilesLandOnTheirTopics(String relative, String topic, int images) throws IOException {
        Ingest.Result r = ingest(SharedData.coco().resolve(relative), batch -> new KafkaSink(stack.clientConfig(), batch));
        assertEquals(BatchStatus.COMPLETE, r.status());
        List<SpecificRecord> events = readCommitted(topic);
        if (images > 0) {
            assertEquals(images, events.size());
        }
        long annotations = events.stream().mapToLong(e -> ((List<?>) e.get(e.getSchema().getField("annotations").pos())).size()).sum();
        assertEquals(r.kind() == Kind.PANOPTIC ? 50 : r.annotations(), annotations);
        BatchManifest last = null;
        for (SpecificRecord m : readCommitted(Topics.BATCHES)) {
            if (((BatchManifest) m).getBatchId().equals(r.batchId())) {
                last = (BatchManifest) m;
            }
        }
        assertTrue(last != null && last.getStatus() == BatchStatus.COMPLETE);
        assertEquals(events.size(), last.getRecordsPerTopic().get(topic));
        assertTrue(last.getRanges().stream().anyMatch(p -> p.getTopic().equals(topic)));
    }

    @Test
    void aKilledIngestRerunCompletesAndConsumersSeeEachImageOnce() throws IOException {
        Path file = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        int[] commits = {0};
        // The first run dies after two committed chunks, with a third one open (aborted by the rerun).
        assertThrows(IllegalStateException.class, () -> ingest(file, batch -> new EventSink() {
            final KafkaSink real = new KafkaSink(stack.clientConfig(), batch);

            @Override
            public Optional<BatchManifest> lastManifest(String b) {
                return real.lastManifest(b);
            }

            @Override
            public void send(String topic, Object key, SpecificRecord value) {
                real.send(topic, key, value);
            }

            @Override
            public void sendEncoded(String topic, Object key, org.apache.avro.Schema schema, byte[] body) {
                real.sendEncoded(topic, key, schema, body);
            }

            @Override
            public void commit(BatchManifest m) {
                if (++commits[0] > 2) {
                    throw new IllegalStateException("killed");
                }
                real.commit(m);
            }

            @Override
            public List<io.cocostream.schemas.avro.PartitionRange> ranges() {
                return real.ranges();
            }

            @Override
            public void close() {
                // A kill does not abort: the open transaction stays until the rerun fences it.
            }
        }));
        assertEquals(20, readCommitted(Topics.INSTANCES).size(), "two chunks of 10 images visible");
        Ingest.Result r = ingest(file, batch -> new KafkaSink(stack.clientConfig(), batch));
        assertEquals(20, r.resumedAfterImages());
        List<SpecificRecord> events = readCommitted(Topics.INSTANCES);
        Set<Long> ids = new HashSet<>();
        for (SpecificRecord e : events) {
            assertTrue(ids.add(((InstancesEvent) e).getImageId()), "image once");
        }
        assertEquals(79, ids.size());
        assertEquals(624, events.stream().mapToInt(e -> ((InstancesEvent) e).getAnnotations().size()).sum());
    }
}
