package io.cocostream.streams.query;

import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Evaluation;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the QA page shows, read from {@code coco.alerts.v1}, {@code coco.batch-reports.v1} and
 * {@code coco.evaluations.v1} from their beginning (committed records only): the last
 * {@link #KEPT} alerts, each delivery's latest report, each run's latest evaluations, and every
 * new one pushed to the page's listeners as it comes. One consumer thread; reads
 * are copies, safe from any thread.
 */
public final class AlertFeed implements AutoCloseable {
    /** How many of the newest alerts are kept for {@code /alerts}. */
    public static final int KEPT = 10_000;

    /** One alert, numbered in the order the feed read it, with its JSON. */
    public record Entry(long seq, ValidationAlert alert, String json) {}

    /** What a listener hears: each new alert, each new version of a report and each new evaluation, as JSON. */
    public interface Listener {
        default void alert(Entry e) {}

        default void report(BatchReport r, String json) {}

        default void evaluation(Evaluation e, String json) {}
    }

    /**
     * Which alerts a page asks for; a null field matches everything.
     *
     * @throws IllegalArgumentException for an unknown rule, severity or kind, naming the valid ones
     */
    public record Filter(String rule, Severity severity, Long image, String batch, String kind) {
        public static Filter of(Map<String, String> q) {
            String rule = blank(q.get("rule"));
            if (rule != null && !RuleIds.ALL.contains(rule)) {
                throw new IllegalArgumentException("unknown rule '" + rule + "': one of " + String.join(", ", RuleIds.ALL));
            }
            String severity = blank(q.get("severity"));
            Severity s = null;
            if (severity != null) {
                try {
                    s = Severity.valueOf(severity.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown severity '" + severity + "': one of "
                            + Arrays.toString(Severity.values()));
                }
            }
            String kind = blank(q.get("kind"));
            if (kind != null) {
                Kind.parse(kind);
            }
            String image = blank(q.get("image"));
            Long imageId;
            try {
                imageId = image == null ? null : Long.parseLong(image);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("image: '" + image + "' is not an image id");
            }
            return new Filter(rule, s, imageId, blank(q.get("batch")), kind);
        }

        public boolean matches(ValidationAlert a) {
            return (rule == null || rule.equals(a.getRule())) && (severity == null || severity == a.getSeverity())
                    && (image == null || image.equals(a.getImageId())) && (batch == null || batch.equals(a.getBatchId()))
                    && (kind == null || kind.equals(a.getKind()));
        }

        private static String blank(String v) {
            return v == null || v.isBlank() ? null : v.trim();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
    private final Deque<Entry> alerts = new ArrayDeque<>();
    private final Map<String, BatchReport> reports = new LinkedHashMap<>();
    private final Map<String, Evaluation> evaluations = new TreeMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private long seq;
    private volatile boolean running = true;

    private AlertFeed(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        values.configure(c, false);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "cocostream-alert-feed");
        thread.setDaemon(true);
    }

    /** Starts reading both topics from their beginning. */
    public static AlertFeed start(Map<String, Object> clientConfig) {
        AlertFeed f = new AlertFeed(clientConfig);
        f.thread.start();
        return f;
    }

    private void run() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(Topics.ALERTS, Topics.BATCH_REPORTS, Topics.EVALUATIONS)) {
                consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        take(values.deserialize(r.topic(), r.value()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void take(SpecificRecord v) {
        if (v instanceof ValidationAlert a) {
            Entry e;
            synchronized (this) {
                e = new Entry(++seq, a, AvroJson.of(a).put("seq", seq).toString());
                alerts.addLast(e);
                if (alerts.size() > KEPT) {
                    alerts.removeFirst();
                }
            }
            listeners.forEach(l -> l.alert(e));
        } else if (v instanceof BatchReport r) {
            synchronized (this) {
                reports.put(r.getBatchId(), r);
            }
            String json = AvroJson.of(r).toString();
            listeners.forEach(l -> l.report(r, json));
        } else if (v instanceof Evaluation e) {
            synchronized (this) {
                evaluations.put(e.getRun() + "/" + e.getIouType(), e);
            }
            String json = AvroJson.of(e).toString();
            listeners.forEach(l -> l.evaluation(e, json));
        }
    }

    /** Every run's latest evaluation at each IoU type, by {@code <run>/<iou type>}. */
    public synchronized List<Evaluation> evaluations() {
        return new ArrayList<>(evaluations.values());
    }

    /** The newest {@code limit} alerts that match, newest last. */
    public synchronized List<Entry> alerts(Filter f, int limit) {
        Deque<Entry> out = new ArrayDeque<>();
        for (var it = alerts.descendingIterator(); it.hasNext() && out.size() < limit;) {
            Entry e = it.next();
            if (f.matches(e.alert())) {
                out.addFirst(e);
            }
        }
        return new ArrayList<>(out);
    }

    /** Every delivery's latest report, in the order they first came. */
    public synchronized List<BatchReport> reports() {
        return new ArrayList<>(reports.values());
    }

    /** Hears what comes from now on. */
    public void listen(Listener l) {
        listeners.add(l);
    }

    public void unlisten(Listener l) {
        listeners.remove(l);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
