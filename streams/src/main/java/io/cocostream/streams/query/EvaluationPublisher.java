package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.CategoryAp;
import io.cocostream.schemas.avro.Evaluation;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.streams.Stores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's COCOeval to {@code coco.evaluations.v1} (key {@code <run>/<iou type>}) each time
 * a results batch of the run is VALIDATED: the topology has then evaluated every image of it.
 * Only the instance that holds the batch's report writes (one writer per batch across instances);
 * a run is evaluated at each type some image of it is evaluated at. A batch that comes while the views are
 * not queryable (restoring, rebalancing) is retried every second; a report older than the run's
 * latest evaluation, read again after a restart, writes nothing.
 */
public final class EvaluationPublisher implements AutoCloseable, AlertFeed.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationPublisher.class);

    private final AlertFeed feed;
    private final RunApi runs;
    private final KafkaStreams streams;
    private final HostInfo self;
    private final KafkaProducer<String, Evaluation> producer;
    /** Validated results batches not evaluated yet, by batch id. */
    private final Map<String, BatchReport> due = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cocostream-evaluations");
        t.setDaemon(true);
        return t;
    });

    private EvaluationPublisher(AlertFeed feed, RunApi runs, KafkaStreams streams, HostInfo self,
            Map<String, Object> clientConfig) {
        this.feed = feed;
        this.runs = runs;
        this.streams = streams;
        this.self = self;
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroSerializer<Evaluation> values = new AvroSerializer<>();
        values.configure(c, false);
        this.producer = new KafkaProducer<>(c, new StringSerializer(), values);
    }

    /** Starts listening to {@code feed}'s reports; evaluations over {@code runs}, written with {@code clientConfig}. */
    public static EvaluationPublisher start(AlertFeed feed, RunApi runs, KafkaStreams streams, HostInfo self,
            Map<String, Object> clientConfig) {
        EvaluationPublisher p = new EvaluationPublisher(feed, runs, streams, self, clientConfig);
        feed.listen(p);
        for (BatchReport r : feed.reports()) {
            p.report(r, null);
        }
        p.retry.scheduleWithFixedDelay(p::publishDue, 1, 1, TimeUnit.SECONDS);
        return p;
    }

    @Override
    public void report(BatchReport r, String json) {
        if (r.getRun() != null && r.getStatus() == ReportStatus.VALIDATED && !done.contains(r.getBatchId())
                && newerThanEvaluated(r)) {
            due.put(r.getBatchId(), r);
            retry.execute(this::publishDue);
        }
    }

    /** Whether the report was validated after the run's latest evaluation was written (an old report read again is not). */
    private boolean newerThanEvaluated(BatchReport r) {
        Instant validated = r.getValidatedAt() == null ? r.getUpdatedAt() : r.getValidatedAt();
        for (Evaluation e : feed.evaluations()) {
            if (e.getRun().equals(r.getRun()) && !e.getEvaluatedAt().isBefore(validated)) {
                return false;
            }
        }
        return true;
    }

    private synchronized void publishDue() {
        for (BatchReport r : new ArrayList<>(due.values())) {
            try {
                if (holds(r.getBatchId())) {
                    publish(r);
                }
                due.remove(r.getBatchId());
                done.add(r.getBatchId());
            } catch (InvalidStateStoreException | ClusterSource.Unavailable e) {
                LOG.debug("evaluating run {} after batch {}: views not queryable yet ({}), retrying", r.getRun(),
                        r.getBatchId(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("evaluating run {} after batch {} failed", r.getRun(), r.getBatchId(), e);
                due.remove(r.getBatchId());
            }
        }
    }

    /** Whether this instance holds the batch's report (its writer); while nobody does, nobody writes. */
    private boolean holds(String batchId) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new ClusterSource.Unavailable("the topology is " + streams.state());
        }
        KeyQueryMetadata m = streams.queryMetadataForKey(Stores.BATCH_REPORTS, batchId, new StringSerializer());
        if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new ClusterSource.Unavailable("no instance holds batch " + batchId + " yet");
        }
        return m.activeHost().equals(self);
    }

    private void publish(BatchReport r) {
        for (IouType type : IouType.values()) {
            ObjectNode o = runs.evaluate(r.getRun(), type);
            if (o.get("images_evaluated").asLong() == 0) {
                continue; // no result of the run can be evaluated at this type
            }
            List<Double> stats = new ArrayList<>();
            o.get("stats").forEach(v -> stats.add(v.asDouble()));
            List<CategoryAp> cats = new ArrayList<>();
            for (JsonNode c : o.get("per_category")) {
                cats.add(CategoryAp.newBuilder().setCategoryId(c.get("category_id").asInt())
                        .setName(c.path("name").asText("")).setAp(c.get("ap").asDouble()).build());
            }
            Evaluation e = Evaluation.newBuilder().setRun(r.getRun()).setIouType(type.name()).setStats(stats)
                    .setPerCategory(cats).setImages(o.get("images").asLong())
                    .setImagesEvaluated(o.get("images_evaluated").asLong()).setBatchId(r.getBatchId())
                    .setEvaluatedAt(Instant.now()).build();
            producer.send(new ProducerRecord<>(Topics.EVALUATIONS, r.getRun() + "/" + type.name(), e));
        }
        producer.flush();
    }

    @Override
    public void close() {
        feed.unlisten(this);
        retry.shutdownNow();
        producer.close();
    }
}
