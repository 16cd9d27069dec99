package io.cocostream.cli;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.schemas.Samples;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.serde.AvroDeserializer;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream demo}: everything embedded, end to end, on shipped data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an in-process broker and schema registry on free ports, creates every topic,"
                + " registers every schema and round-trips one record per schema.",
                "With --once it exits 0 after that with a summary; without, it keeps the stack up until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--once", description = "Exit after processing, with a summary.")
    boolean once;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of image-keyed topics (default ${DEFAULT-VALUE}).")
    int partitions;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Foreground fg = new Foreground();
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            out.printf("broker %s and schema registry %s up in %d ms%n", stack.bootstrapServers(),
                    stack.schemaRegistryUrl(), ms(t0));
            List<String> created = TopicAdmin.ensure(stack.clientConfig(), partitions, Optional.empty());
            out.printf("created %d topics (%d partitions for image-keyed ones)%n", created.size(), partitions);
            long t1 = System.nanoTime();
            int ok = roundTripEverySchema(stack.clientConfig());
            out.printf("registered %d schemas and round-tripped %d records in %d ms%n", Topics.ALL.size(), ok, ms(t1));
            out.printf("demo done in %d ms%n", ms(t0));
            if (!once) {
                out.println("Stack stays up (Ctrl-C stops): bootstrap " + stack.bootstrapServers() + ", registry "
                        + stack.schemaRegistryUrl());
                fg.awaitStop();
            }
            return ok == Topics.ALL.size() ? 0 : 1;
        } finally {
            fg.closed();
        }
    }

    private int roundTripEverySchema(Map<String, Object> base) {
        Map<String, Object> c = new HashMap<>(base);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(c));
        AvroSerializer<SpecificRecord> ser = new AvroSerializer<>(client, c, false);
        AvroDeserializer<SpecificRecord> de = new AvroDeserializer<>(client, null, c);
        int ok = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(c),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (Topics.TopicSpec t : Topics.ALL) {
                SpecificRecord sample = Samples.of(t.valueType(), 1);
                long offset = producer.send(new ProducerRecord<>(t.name(), 0, key(t), ser.serialize(t.name(), sample)))
                        .get(30, TimeUnit.SECONDS).offset();
                TopicPartition tp = new TopicPartition(t.name(), 0);
                consumer.assign(List.of(tp));
                consumer.seek(tp, offset);
                SpecificRecord back = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (back == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        back = de.deserialize(t.name(), r.value());
                    }
                }
                boolean same = sample.equals(back);
                out.printf("  %-26s schema id %-3d %s%n", t.name(),
                        client.version(t.name() + "-value", "latest").id(), same ? "round-trip ok" : "MISMATCH");
                ok += same ? 1 : 0;
            }
        } catch (Exception e) {
            throw new IllegalStateException("round trip failed: " + e.getMessage(), e);
        }
        return ok;
    }

    private static byte[] key(Topics.TopicSpec t) {
        switch (t.key()) {
            case IMAGE_ID:
                return new LongSerializer().serialize(t.name(), 1L);
            case STRING:
                return "sample".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            default:
                return null;
        }
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> c) {
        Map<String, Object> cc = new HashMap<>(c);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cc.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        cc.keySet().removeIf(k -> k.startsWith("acks") || k.startsWith("enable.idempotence"));
        return cc;
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
