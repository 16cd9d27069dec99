package io.cocostream.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group's lag per partition of the topics it reads: its committed offset (none: it
 * reads from the partition's start), the end as a read_committed consumer sees it, the difference.
 * {@link #meter} keeps it as the {@code cocostream_consumer_lag_records} gauges, read again every
 * few seconds.
 */
public final class ConsumerLag implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

    /** One partition's lag; {@code committed} null where the group has committed none. */
    public record Partition(TopicPartition partition, Long committed, long end, long lag) {}

    private final ScheduledExecutorService every;
    private final Admin admin;
    private final Map<TopicPartition, AtomicLong> gauges = new ConcurrentHashMap<>();

    private ConsumerLag(ScheduledExecutorService every, Admin admin) {
        this.every = every;
        this.admin = admin;
    }

    /**
     * The group's lag over every partition of {@code topics}, sorted by topic and partition; empty
     * when the group has committed nothing at all.
     */
    public static List<Partition> of(Admin admin, String group, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
        committed.values().removeIf(Objects::isNull);
        if (committed.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) -> d.partitions()
                .forEach(pi -> {
                    TopicPartition tp = new TopicPartition(t, pi.partition());
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                }));
        ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        var ends = admin.listOffsets(latest, committedOnly).all().get(30, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest, committedOnly).all().get(30, TimeUnit.SECONDS);
        Map<String, TopicPartition> sorted = new TreeMap<>();
        latest.keySet().forEach(tp -> sorted.put(String.format("%s %08d", tp.topic(), tp.partition()), tp));
        List<Partition> out = new ArrayList<>();
        for (TopicPartition tp : sorted.values()) {
            OffsetAndMetadata c = committed.get(tp);
            long at = c != null ? c.offset() : starts.get(tp).offset();
            long end = ends.get(tp).offset();
            out.add(new Partition(tp, c == null ? null : c.offset(), end, Math.max(0, end - at)));
        }
        return out;
    }

    /**
     * Keeps the group's lag over {@code topics} in {@code registry} as one gauge per partition,
     * read every {@code periodSeconds} with its own admin client until closed.
     */
    public static ConsumerLag meter(MeterRegistry registry, Map<String, Object> adminConfig, String group,
            List<String> topics, int periodSeconds) {
        ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cocostream-lag-meter");
            t.setDaemon(true);
            return t;
        });
        Admin admin = Admin.create(adminConfig);
        ConsumerLag lag = new ConsumerLag(every, admin);
        every.scheduleWithFixedDelay(() -> {
            try {
                for (Partition p : of(admin, group, topics)) {
                    lag.gauges.computeIfAbsent(p.partition(), tp -> {
                        AtomicLong v = new AtomicLong();
                        Gauge.builder(Meters.CONSUMER_LAG, v, AtomicLong::get).tag("topic", tp.topic())
                                .tag("partition", String.valueOf(tp.partition())).register(registry);
                        return v;
                    }).set(p.lag());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.debug("reading the lag of {}: {}", group, e.toString());
            }
        }, 0, periodSeconds, TimeUnit.SECONDS);
        return lag;
    }

    @Override
    public void close() {
        every.shutdownNow();
        try {
            every.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close();
    }
}
