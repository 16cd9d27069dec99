package io.cocostream.cli;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream alerts}: tails validation alerts for a person. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Tails coco.alerts.v1 (committed alerts only), one readable line per alert, until Ctrl-C."})
final class AlertsCommand implements Callable<Integer> {

    @Option(names = "--rule", paramLabel = "R", description = "Only this rule (e.g. area.polygon).")
    String rule;

    @Option(names = "--severity", paramLabel = "S", description = "Only this severity or worse: INFO, WARNING, ERROR.")
    Severity severity;

    @Option(names = "--from-beginning", description = "Start from the oldest alert instead of new ones.")
    boolean fromBeginning;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> c = new HashMap<>(connection.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        AvroDeserializer<ValidationAlert> de = new AvroDeserializer<>(ValidationAlert.class);
        de.configure(c, false);
        Foreground fg = new Foreground("alerts");
        try (KafkaConsumer<byte[], ValidationAlert> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), de)) {
            // Partitions assigned, no group: the consumer keeps its own positions, so a broker restart
            // (which would reset a group without committed offsets) never prints an alert twice.
            List<TopicPartition> parts = consumer.partitionsFor(Topics.ALERTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            while (!fg.stopRequested()) {
                for (ConsumerRecord<byte[], ValidationAlert> r : consumer.poll(Duration.ofMillis(250))) {
                    ValidationAlert a = r.value();
                    if ((rule == null || rule.equals(a.getRule()))
                            && (severity == null || a.getSeverity().ordinal() >= severity.ordinal())) {
                        System.out.printf("%s %-7s %-24s image %-8s annotation %-10s %s (expected %s, actual %s) [%s, batch %s]%n",
                                a.getDetectedAt(), a.getSeverity(), a.getRule(), a.getImageId(), a.getAnnotationId(),
                                a.getMessage(), a.getExpected(), a.getActual(), a.getSourceFile(), a.getBatchId());
                    }
                }
            }
        } finally {
            fg.closed();
        }
        return 0;
    }
}
