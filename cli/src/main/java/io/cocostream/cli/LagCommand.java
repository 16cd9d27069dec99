package io.cocostream.cli;

import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.serde.SerdeConfig;
import io.cocostream.streams.CocoTopology;
import io.cocostream.streams.StreamsApp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.TopologyDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream lag}: how far the Streams app's consumer group is behind its input topics. */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {"Prints the Streams app's consumer group lag per input topic and partition (its committed"
                + " offset, '-' where it has committed none and reads from the start, the partition's end as a"
                + " read_committed consumer sees it, and the difference), then the total. The input topics are"
                + " those its topology consumes: the event topics, retractions, manifests and dead letters, and its"
                + " repartition topics.",
                "Exit code 1 when the group has committed nothing (no such application id, or never started)."})
final class LagCommand implements Callable<Integer> {

    @Option(names = "--application-id", defaultValue = StreamsApp.APPLICATION_ID,
            description = "The app's application id, its consumer group (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Mixin
    ConnectionOptions connection;

    /**
     * The topics the topology's tasks consume (its sources and repartition topics, not the global
     * categories): read from the topology itself.
     */
    static List<String> inputTopics(String applicationId) {
        Set<String> out = new TreeSet<>();
        TopologyDescription d = CocoTopology.build(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"),
                Tolerances.DEFAULT).describe();
        for (TopologyDescription.Subtopology sub : d.subtopologies()) {
            for (TopologyDescription.Node n : sub.nodes()) {
                if (n instanceof TopologyDescription.Source src) {
                    for (String t : src.topicSet()) {
                        out.add(t.endsWith("-repartition") ? applicationId + "-" + t : t);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public Integer call() throws Exception {
        try (Admin a = Admin.create(connection.clientConfig())) {
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            committed.values().removeIf(Objects::isNull);
            if (committed.isEmpty()) {
                System.err.println("cocostream lag: consumer group " + applicationId + " has committed no offset"
                        + " (no such application id, or it never ran)");
                return 1;
            }
            // Every partition the app reads, committed or not: one it never committed it reads from its start.
            List<String> topics = inputTopics(applicationId);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            a.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) -> d.partitions()
                    .forEach(pi -> {
                        TopicPartition tp = new TopicPartition(t, pi.partition());
                        latest.put(tp, OffsetSpec.latest());
                        earliest.put(tp, OffsetSpec.earliest());
                    }));
            ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var ends = a.listOffsets(latest, committedOnly).all().get(30, TimeUnit.SECONDS);
            var starts = a.listOffsets(earliest, committedOnly).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicPartition> sorted = new TreeMap<>();
            latest.keySet().forEach(tp -> sorted.put(String.format("%s %08d", tp.topic(), tp.partition()), tp));
            String row = "%-56s %9s %12s %12s %10s%n";
            System.out.printf(row, "topic", "partition", "committed", "end", "lag");
            long total = 0;
            for (TopicPartition tp : sorted.values()) {
                OffsetAndMetadata c = committed.get(tp);
                long at = c != null ? c.offset() : starts.get(tp).offset();
                long end = ends.get(tp).offset();
                long lag = Math.max(0, end - at);
                total += lag;
                System.out.printf(row, tp.topic(), tp.partition(), c != null ? String.valueOf(at) : "-", end, lag);
            }
            System.out.printf("total lag of %s: %d record(s) over %d partition(s)%n", applicationId, total, sorted.size());
            return 0;
        }
    }
}
