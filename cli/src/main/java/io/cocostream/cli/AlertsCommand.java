package io.cocostream.cli;

import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
        description = {"Tails coco.alerts.v1 (committed alerts only), one line per alert (readable, or JSON with"
                + " --format jsonl), until Ctrl-C. The filters combine; an unknown rule or severity is an error that"
                + " lists the valid ones."})
final class AlertsCommand implements Callable<Integer> {

    @Option(names = "--rule", paramLabel = "R", description = "Only this rule (e.g. area.polygon).")
    String rule;

    @Option(names = "--severity", paramLabel = "S", description = "Only this severity or worse: INFO, WARNING, ERROR.")
    String severity;

    @Option(names = "--image", paramLabel = "ID", description = "Only this image's alerts.")
    Long image;

    @Option(names = "--batch", paramLabel = "B", description = "Only this delivery's alerts (its batch id).")
    String batch;

    @Option(names = "--kind", paramLabel = "K", description = "Only this kind's alerts: instances, person_keypoints, ...")
    String kind;

    @Option(names = "--format", defaultValue = "text", paramLabel = "F",
            description = "text (one readable line an alert) or jsonl (default ${DEFAULT-VALUE}).")
    AlertFormat format;

    @Option(names = "--from-beginning", description = "Start from the oldest alert instead of new ones.")
    boolean fromBeginning;

    @Mixin
    ConnectionOptions connection;

    /** Whether an alert passes the filters. */
    private boolean wanted(ValidationAlert a, Severity least, String kindId) {
        return (rule == null || rule.equals(a.getRule())) && (least == null || a.getSeverity().ordinal() >= least.ordinal())
                && (image == null || image.equals(a.getImageId())) && (batch == null || batch.equals(a.getBatchId()))
                && (kindId == null || kindId.equals(a.getKind()));
    }

    @Override
    public Integer call() throws Exception {
        if (rule != null && !RuleIds.ALL.contains(rule)) {
            throw new IllegalArgumentException("unknown rule '" + rule + "': one of " + String.join(", ", RuleIds.ALL));
        }
        Severity least = null;
        if (severity != null) {
            try {
                least = Severity.valueOf(severity.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown severity '" + severity + "': one of "
                        + Arrays.toString(Severity.values()));
            }
        }
        String kindId = kind == null ? null : Kind.parse(kind).id();
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
                    if (wanted(a, least, kindId)) {
                        // A tail says when: the readable line leads with the alert's time.
                        System.out.println(format == AlertFormat.text ? a.getDetectedAt() + " " + format.line(a)
                                : format.line(a));
                    }
                }
            }
        } finally {
            fg.closed();
        }
        return 0;
    }
}
