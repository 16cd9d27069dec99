package io.cocostream.streams;

import static org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore;
import static org.apache.kafka.streams.state.Stores.keyValueStoreBuilder;
import static org.apache.kafka.streams.state.Stores.persistentKeyValueStore;

import io.cocostream.metrics.Meters;
import io.cocostream.rules.FormatAlerts;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * cocostream's topology: every per-image event topic validated through {@link Validate} (alerts to
 * {@code coco.alerts.v1}), then the views ({@link Views}): instances, panoptic and the per-image
 * join, kept in queryable stores and published to their compacted topics; retractions from
 * {@code coco.retractions.v1}; annotation ids checked across images after a repartition by id
 * ({@link AnnotationIds}); ingest's dead letters that no event names, as {@code format} alerts;
 * each delivery's report on {@code coco.batch-reports.v1} ({@link BatchReports}), after a
 * repartition by batch id of its manifests, its events' tallies and its alerts; detection results
 * beside their image's ground truth ({@link Runs}): validated, in each run's results view
 * ({@code coco.results-view.v1}) and evaluated image by image as either changes ({@link LiveEval}).
 * Categories come from {@code coco.categories.v1} in a global store.
 * Every source, processor, store, repartition topic and sink is named; the names are in
 * {@link Stores}.
 */
public final class CocoTopology {
    /** The kinds whose event topics are validated by {@link Validate} (results are, by {@link Runs}). */
    public static final List<Kind> VALIDATED = List.of(Kind.INSTANCES, Kind.STUFF, Kind.PERSON_KEYPOINTS,
            Kind.CAPTIONS, Kind.PANOPTIC, Kind.DENSEPOSE);

    private static final List<String> VIEW_TOPICS = List.of(Topics.INSTANCES_VIEW, Topics.PANOPTIC_VIEW, Topics.IMAGE_VIEW);

    private CocoTopology() {}

    /** Builds the topology, counting nothing; {@code serdeConfig} has the registry settings ({@code schema.registry.url}, ...). */
    public static Topology build(Map<String, Object> serdeConfig, Tolerances tol) {
        return build(serdeConfig, tol, Meters.NONE);
    }

    /** Builds the topology, counting events, alerts and view updates in {@code meters}. */
    public static Topology build(Map<String, Object> serdeConfig, Tolerances tol, Meters meters) {
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(serdeConfig));
        AvroSerde<Category> categorySerde = new AvroSerde<>(Category.class, client, serdeConfig);
        AvroSerde<ValidationAlert> alertSerde = new AvroSerde<>(ValidationAlert.class, client, serdeConfig);
        // Each event topic has its own type: read into whichever generated class the writer's schema names.
        AvroSerde<SpecificRecord> anySerde = new AvroSerde<>(null, client, serdeConfig);

        // The builder's own StreamsConfig only names the topology; given the global handler flag the
        // app sets (StreamsApp), so that building does not warn that it is off.
        StreamsBuilder b = new StreamsBuilder(new TopologyConfig(new StreamsConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "cocostream", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true))));
        CategoryChanges categoryChanges = new CategoryChanges();
        b.addGlobalStore(
                keyValueStoreBuilder(inMemoryKeyValueStore(Stores.CATEGORIES), Serdes.String(), categorySerde)
                        .withLoggingDisabled(),
                Topics.CATEGORIES,
                Consumed.with(Serdes.String(), categorySerde).withName("categories-source"),
                () -> new CategoryUpdater(categoryChanges));
        List<KStream<Long, Out>> alerts = new ArrayList<>();
        Map<String, KStream<Long, Out>> tallies = new LinkedHashMap<>();
        KStream<Long, Out> retractions = b
                .stream(Topics.RETRACTIONS, Consumed.with(Serdes.Long(), anySerde).withName("retractions-source"))
                .mapValues(r -> (Out) new Out.Retract((Retraction) r), Named.as("retraction-parts"));
        KStream<Long, Out> parts = retractions;
        for (Kind source : VALIDATED) {
            String kind = source.id();
            String pending = Stores.pendingCategories(source);
            b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(pending), Serdes.String(), alertSerde));
            Map<String, KStream<Long, Out>> routed = b
                    .stream(source.topic(), Consumed.with(Serdes.Long(), anySerde).withName(kind + "-source"))
                    .process(() -> new Validate(source, tol, categoryChanges, meters), Named.as("validate-" + kind), pending)
                    .split(Named.as("route-" + kind + "-"))
                    .branch((k, v) -> v instanceof Out.Alert, Branched.as("alerts"))
                    .branch((k, v) -> v instanceof Out.Tally, Branched.as("tallies"))
                    .defaultBranch(Branched.as("parts"));
            alerts.add(routed.get("route-" + kind + "-alerts"));
            tallies.put(kind, routed.get("route-" + kind + "-tallies"));
            parts = parts.merge(routed.get("route-" + kind + "-parts"), Named.as("merge-parts-" + kind));
        }

        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.PANOPTIC_VIEW), Serdes.Long(),
                new AvroSerde<>(PanopticView.class, client, serdeConfig)));
        EncodedOnce<ImageView> imageViews = new EncodedOnce<>(ImageView.class, client, serdeConfig);
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.IMAGE_VIEW), Serdes.Long(), imageViews.store()));
        Map<String, KStream<Long, Out>> views = parts
                .process(Views::new, Named.as("views"), Stores.PANOPTIC_VIEW, Stores.IMAGE_VIEW)
                .split(Named.as("route-views-"))
                .branch((k, v) -> v instanceof Out.Ref, Branched.as("refs"))
                .defaultBranch(Branched.as("changes"));
        KStream<Long, Out> changes = views.get("route-views-changes");
        Map<String, KStream<Long, Out>> byTopic = new LinkedHashMap<>();
        for (String topic : VIEW_TOPICS) {
            String name = topic.substring("coco.".length(), topic.lastIndexOf('.'));
            KStream<Long, Out> selected = changes.filter((k, v) -> ((Out.View) v).topic().equals(topic),
                    Named.as("select-" + name));
            byTopic.put(topic, selected);
            KStream<Long, SpecificRecord> values = selected.mapValues(v -> ((Out.View) v).value(), Named.as("unwrap-" + name))
                    .peek((k, v) -> meters.viewUpdate(name), Named.as("count-" + name));
            if (topic.equals(Topics.IMAGE_VIEW)) {
                // the image view store's encoding, reused: the view is put and then forwarded unchanged
                values.mapValues(v -> (ImageView) v, Named.as("typed-" + name))
                        .to(topic, Produced.with(Serdes.Long(), imageViews.sent()).withName(name + "-sink"));
            } else {
                values.to(topic, Produced.with(Serdes.Long(), anySerde).withName(name + "-sink"));
            }
        }
        Map<String, KStream<Long, Out>> runs = results(b, anySerde, alertSerde, client, serdeConfig,
                byTopic.get(Topics.IMAGE_VIEW), retractions, meters);
        alerts.add(runs.get("route-results-alerts"));
        tallies.put(Kind.RESULTS.id(), runs.get("route-results-tallies"));

        AvroSerde<AnnotationRef> refSerde = new AvroSerde<>(AnnotationRef.class, client, serdeConfig);
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.ANNOTATION_IDS), Serdes.String(), refSerde));
        alerts.add(views.get("route-views-refs")
                .map((k, v) -> {
                    AnnotationRef ref = ((Out.Ref) v).ref();
                    return KeyValue.pair(Kind.parse(ref.getKind()).key(ref.getAnnotationId()), ref);
                }, Named.as("key-by-annotation-id"))
                .repartition(Repartitioned.with(Serdes.String(), refSerde).withName(Stores.ANNOTATION_IDS_REPARTITION))
                .process(AnnotationIds::new, Named.as("check-annotation-ids"), Stores.ANNOTATION_IDS));

        // What ingest dead-lettered with no image event to name it (a malformed file, an unknown or
        // broken image, an image too large): each one format alert. The topology's own dead letters
        // (stage: a processor) are the platform team's, not QA's, and would loop back here.
        AvroSerde<DeadLetter> deadSerde = new AvroSerde<>(DeadLetter.class, client, serdeConfig);
        alerts.add(b.stream(Topics.DEAD_LETTERS, Consumed.with(Serdes.Long(), deadSerde).withName("dead-letters-source"))
                .filter((k, d) -> d != null && FormatAlerts.INGEST_STAGE.equals(d.getStage()) && !d.getNamedOnEvent(),
                        Named.as("unnamed-ingest-dead-letters"))
                .map((k, d) -> KeyValue.pair(d.getImageId(), (Out) new Out.Alert(FormatAlerts.of(d))),
                        Named.as("dead-letter-alerts")));

        KStream<Long, Out> all = alerts.get(0);
        for (int i = 1; i < alerts.size(); i++) {
            all = all.merge(alerts.get(i), Named.as("merge-alerts-" + i));
        }
        KStream<Long, ValidationAlert> alertValues = all.mapValues(v -> ((Out.Alert) v).alert(), Named.as("unwrap-alerts"));
        alertValues.peek((k, a) -> meters.alert(a.getRule(), a.getSeverity().name()), Named.as("count-alerts"))
                .to(Topics.ALERTS, Produced.with(Serdes.Long(), alertSerde).withName("alerts-sink"));

        // Each delivery's report, from its manifests, its events' tallies and its alerts, by batch id.
        KStream<String, BatchDelta> deltas = b
                .stream(Topics.BATCHES, Consumed.with(Serdes.String(), new AvroSerde<>(BatchManifest.class, client,
                        serdeConfig)).withName("batches-source"))
                .filter((k, m) -> m != null, Named.as("manifests"))
                .map((k, m) -> KeyValue.pair(m.getBatchId(), BatchDelta.newBuilder().setBatchId(m.getBatchId())
                        .setManifest(m).build()), Named.as("manifest-deltas"))
                .merge(alertValues.filter((k, a) -> a.getBatchId() != null, Named.as("alerts-of-batches"))
                        .map((k, a) -> KeyValue.pair(a.getBatchId(), BatchDelta.newBuilder().setBatchId(a.getBatchId())
                                .setAlert(a).build()), Named.as("alert-deltas")), Named.as("merge-alert-deltas"));
        for (Map.Entry<String, KStream<Long, Out>> t : tallies.entrySet()) {
            deltas = deltas.merge(t.getValue().map((k, v) -> {
                BatchDelta d = ((Out.Tally) v).delta();
                return KeyValue.pair(d.getBatchId(), d);
            }, Named.as("tally-deltas-" + t.getKey())), Named.as("merge-tally-deltas-" + t.getKey()));
        }
        AvroSerde<BatchDelta> deltaSerde = new AvroSerde<>(BatchDelta.class, client, serdeConfig);
        AvroSerde<BatchReport> reportSerde = new AvroSerde<>(BatchReport.class, client, serdeConfig);
        // Cached: a report changes with every tally, and its store and changelog need only its last value per commit.
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.BATCH_REPORTS), Serdes.String(), reportSerde)
                .withCachingEnabled());
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.BATCH_EXAMPLES), Serdes.String(), alertSerde));
        deltas.repartition(Repartitioned.with(Serdes.String(), deltaSerde).withName(Stores.BATCH_DELTAS_REPARTITION))
                .process(BatchReports::new, Named.as("batch-reports"), Stores.BATCH_REPORTS, Stores.BATCH_EXAMPLES)
                .to(Topics.BATCH_REPORTS, Produced.with(Serdes.String(), reportSerde).withName("batch-reports-sink"));
        return b.build();
    }

    /**
     * The results (see {@link Runs}): their events, the image views' changes and the retractions into one processor
     * that holds the image views' store with its own, so the same task sees an image's ground truth
     * and every run's results of it; routed to alerts, tallies and the results view's sink, which
     * puts each {@code <run>/<image id>} on its image's partition.
     */
    private static Map<String, KStream<Long, Out>> results(StreamsBuilder b, AvroSerde<SpecificRecord> anySerde,
            AvroSerde<ValidationAlert> alertSerde, SchemaRegistryClient client, Map<String, Object> serdeConfig,
            KStream<Long, Out> imageViewChanges, KStream<Long, Out> retractions, Meters meters) {
        AvroSerde<ResultsView> viewSerde = new AvroSerde<>(ResultsView.class, client, serdeConfig);
        AvroSerde<ImageEvaluation> evalSerde = new AvroSerde<>(ImageEvaluation.class, client, serdeConfig);
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.RESULTS_VIEW), Serdes.String(), viewSerde));
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.RUN_EVALUATIONS), Serdes.String(), evalSerde));
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.GROUND_TRUTH_COUNTS), Serdes.String(), evalSerde));
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.RUNS), Serdes.String(), Serdes.Long()));
        b.addStateStore(keyValueStoreBuilder(persistentKeyValueStore(Stores.PENDING_RESULT_IMAGES), Serdes.String(),
                alertSerde));
        KStream<Long, Out> events = b
                .stream(Topics.RESULTS, Consumed.with(Serdes.Long(), anySerde).withName("results-source"))
                .filter((k, v) -> v != null, Named.as("results-events"))
                .mapValues(v -> (Out) new Out.Part(Kind.RESULTS, v, null, List.of()), Named.as("results-parts"));
        Map<String, KStream<Long, Out>> routed = imageViewChanges
                .merge(events, Named.as("merge-results"))
                .merge(retractions, Named.as("merge-results-retractions"))
                .process(() -> new Runs(meters), Named.as("results"), Stores.IMAGE_VIEW, Stores.RESULTS_VIEW, Stores.RUN_EVALUATIONS,
                        Stores.GROUND_TRUTH_COUNTS, Stores.RUNS, Stores.PENDING_RESULT_IMAGES)
                .split(Named.as("route-results-"))
                .branch((k, v) -> v instanceof Out.Alert, Branched.as("alerts"))
                .branch((k, v) -> v instanceof Out.Tally, Branched.as("tallies"))
                .defaultBranch(Branched.as("views"));
        routed.get("route-results-views")
                .map((k, v) -> KeyValue.pair(((Out.RunView) v).key(), ((Out.RunView) v).value()), Named.as("unwrap-results-view"))
                .peek((k, v) -> meters.viewUpdate("results-view"), Named.as("count-results-view"))
                .to(Topics.RESULTS_VIEW, Produced.with(Serdes.String(), viewSerde).withName("results-view-sink")
                        .withStreamPartitioner((topic, key, value, partitions) ->
                                Optional.of(Set.of(Topics.partitionOf(Topics.imageOfRunKey(key), partitions)))));
        return routed;
    }
}
