package io.cocostream.streams;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.StuffEvent;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import io.cocostream.streams.rules.EventValidator;
import io.cocostream.streams.rules.KeypointRules;
import io.cocostream.streams.rules.Tolerances;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * cocostream's topology: every per-image event topic validated through {@link EventValidator}
 * (alerts to {@code coco.alerts.v1}), then the views: instances, panoptic and the per-image join,
 * kept in queryable stores and published to their compacted topics; retractions from
 * {@code coco.retractions.v1}; annotation ids checked across images after a repartition by id.
 * Categories come from {@code coco.categories.v1} in a global store. Every source, processor,
 * store, repartition topic and sink is named.
 */
public final class CocoTopology {
    /** The global store of categories, keyed {@code <kind>/<id>} like their topic. */
    public static final String CATEGORIES_STORE = "categories-store";
    /** Image id to {@code PanopticView}. */
    public static final String PANOPTIC_VIEW_STORE = "panoptic-view-store";
    /** Image id to {@code ImageView}; its instances part is also what the instances view publishes. */
    public static final String IMAGE_VIEW_STORE = "image-view-store";
    /** {@code <kind>/<annotation id>} to the {@code AnnotationRef} of the image that holds it. */
    public static final String ANNOTATION_IDS_STORE = "annotation-ids-store";
    /** The repartition by annotation id (topic {@code <application.id>-annotation-ids-repartition}). */
    public static final String ANNOTATION_IDS_REPARTITION = "annotation-ids";
    /**
     * How long an unknown category may stay unknown before it is alerted: a delivery's categories
     * travel beside its events and the global store may see them a little later.
     */
    public static final Duration CATEGORY_GRACE = Duration.ofSeconds(10);

    /** The event topics validated, with the kind their categories are registered under. */
    static final List<String[]> SOURCES = List.of(
            new String[] {Topics.INSTANCES, Views.INSTANCES},
            new String[] {Topics.STUFF, Views.STUFF},
            new String[] {Topics.PERSON_KEYPOINTS, Views.KEYPOINTS},
            new String[] {Topics.CAPTIONS, Views.CAPTIONS},
            new String[] {Topics.PANOPTIC, Views.PANOPTIC},
            new String[] {Topics.DENSEPOSE, "densepose"});

    private static final List<String> VIEW_TOPICS = List.of(Topics.INSTANCES_VIEW, Topics.PANOPTIC_VIEW, Topics.IMAGE_VIEW);

    private CocoTopology() {}

    /** Builds the topology; {@code serdeConfig} has the registry settings ({@code schema.registry.url}, ...). */
    public static Topology build(Map<String, Object> serdeConfig, Tolerances tol) {
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
        b.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CATEGORIES_STORE), Serdes.String(), categorySerde)
                        .withLoggingDisabled(),
                Topics.CATEGORIES,
                Consumed.with(Serdes.String(), categorySerde).withName("categories-source"),
                CategoryUpdater::new);
        List<KStream<Long, Out>> alerts = new ArrayList<>();
        KStream<Long, Out> parts = b
                .stream(Topics.RETRACTIONS, Consumed.with(Serdes.Long(), anySerde).withName("retractions-source"))
                .mapValues(r -> (Out) new Out.Part(Views.RETRACTION, r), Named.as("retraction-parts"));
        for (String[] source : SOURCES) {
            String topic = source[0];
            String kind = source[1];
            String pending = "pending-categories-" + kind;
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pending), Serdes.String(), alertSerde));
            Map<String, KStream<Long, Out>> routed = b
                    .stream(topic, Consumed.with(Serdes.Long(), anySerde).withName(kind + "-source"))
                    .process(() -> new Validate(kind, tol, pending), Named.as("validate-" + kind), pending)
                    .split(Named.as("route-" + kind + "-"))
                    .branch((k, v) -> v instanceof Out.Alert, Branched.as("alerts"))
                    .defaultBranch(Branched.as("parts"));
            alerts.add(routed.get("route-" + kind + "-alerts"));
            parts = parts.merge(routed.get("route-" + kind + "-parts"), Named.as("merge-parts-" + kind));
        }

        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PANOPTIC_VIEW_STORE), Serdes.Long(),
                new AvroSerde<>(PanopticView.class, client, serdeConfig)));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IMAGE_VIEW_STORE), Serdes.Long(),
                new AvroSerde<>(ImageView.class, client, serdeConfig)));
        Map<String, KStream<Long, Out>> views = parts
                .process(Views::new, Named.as("views"), PANOPTIC_VIEW_STORE, IMAGE_VIEW_STORE)
                .split(Named.as("route-views-"))
                .branch((k, v) -> v instanceof Out.Ref, Branched.as("refs"))
                .defaultBranch(Branched.as("changes"));
        KStream<Long, Out> changes = views.get("route-views-changes");
        for (String topic : VIEW_TOPICS) {
            String name = topic.substring("coco.".length(), topic.lastIndexOf('.'));
            changes.filter((k, v) -> ((Out.View) v).topic().equals(topic), Named.as("select-" + name))
                    .mapValues(v -> ((Out.View) v).value(), Named.as("unwrap-" + name))
                    .to(topic, Produced.with(Serdes.Long(), anySerde).withName(name + "-sink"));
        }

        AvroSerde<AnnotationRef> refSerde = new AvroSerde<>(AnnotationRef.class, client, serdeConfig);
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ANNOTATION_IDS_STORE), Serdes.String(),
                refSerde));
        alerts.add(views.get("route-views-refs")
                .map((k, v) -> {
                    AnnotationRef ref = ((Out.Ref) v).ref();
                    return KeyValue.pair(ref.getKind() + "/" + ref.getAnnotationId(), ref);
                }, Named.as("key-by-annotation-id"))
                .repartition(Repartitioned.with(Serdes.String(), refSerde).withName(ANNOTATION_IDS_REPARTITION))
                .process(AnnotationIds::new, Named.as("check-annotation-ids"), ANNOTATION_IDS_STORE));

        KStream<Long, Out> all = alerts.get(0);
        for (int i = 1; i < alerts.size(); i++) {
            all = all.merge(alerts.get(i), Named.as("merge-alerts-" + i));
        }
        all.mapValues(v -> ((Out.Alert) v).alert(), Named.as("unwrap-alerts"))
                .to(Topics.ALERTS, Produced.with(Serdes.Long(), alertSerde).withName("alerts-sink"));
        return b.build();
    }

    /** Keeps the categories' global store current (tombstones remove). */
    static final class CategoryUpdater implements Processor<String, Category, Void, Void> {
        private KeyValueStore<String, Category> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(CATEGORIES_STORE);
        }

        @Override
        public void process(Record<String, Category> r) {
            if (r.value() == null) {
                store.delete(r.key());
            } else {
                store.put(r.key(), r.value());
            }
        }
    }

    /**
     * Validates one event, forwards its alerts and its part for the views (instances and stuff as
     * an {@code InstanceView} with recomputed masks, panoptic as a {@code PanopticView}, keypoints
     * and captions as they came). A category.exists alert waits in a store until the category
     * arrives (dropped) or {@link #CATEGORY_GRACE} passes (forwarded).
     */
    static final class Validate implements Processor<Long, SpecificRecord, Long, Out> {
        private final String kind;
        private final String pendingStore;
        private final EventValidator validator;
        private ProcessorContext<Long, Out> context;
        private KeyValueStore<String, Category> categories;
        private KeyValueStore<String, ValidationAlert> pending;
        private final Map<Integer, Category> skeletonsChecked = new java.util.HashMap<>();

        Validate(String kind, Tolerances tol, String pendingStore) {
            this.kind = kind;
            this.pendingStore = pendingStore;
            this.validator = new EventValidator(tol);
        }

        @Override
        public void init(ProcessorContext<Long, Out> context) {
            this.context = context;
            this.categories = context.getStateStore(CATEGORIES_STORE);
            this.pending = context.getStateStore(pendingStore);
            context.schedule(Duration.ofMillis(500), PunctuationType.WALL_CLOCK_TIME, this::recheck);
        }

        @Override
        public void process(Record<Long, SpecificRecord> r) {
            if (r.value() == null) {
                return;
            }
            boolean masks = kind.equals(Views.INSTANCES) || kind.equals(Views.STUFF) || kind.equals(Views.PANOPTIC);
            EventValidator.Result result = validator.check(r.value(), this::category, masks);
            for (ValidationAlert a : result.alerts()) {
                if (a.getRule().equals("category.exists")) {
                    pending.put(a.getActual() + "/" + a.getImageId() + "/" + a.getAnnotationId(), a);
                } else {
                    context.forward(r.withValue(new Out.Alert(a)));
                }
            }
            if (r.value() instanceof PersonKeypointsEvent e) {
                checkSkeletons(r, e);
            }
            SpecificRecord part = switch (kind) {
                case Views.INSTANCES -> {
                    InstancesEvent e = (InstancesEvent) r.value();
                    yield instanceView(e.getImageId(), e.getImage(), e.getProvenance(), result);
                }
                case Views.STUFF -> {
                    StuffEvent e = (StuffEvent) r.value();
                    yield instanceView(e.getImageId(), e.getImage(), e.getProvenance(), result);
                }
                case Views.PANOPTIC -> panopticView((PanopticEvent) r.value(), result);
                case Views.KEYPOINTS, Views.CAPTIONS -> r.value();
                default -> null;
            };
            if (part != null) {
                context.forward(r.withValue(new Out.Part(kind, part)));
            }
        }

        /**
         * A keypoint category's skeleton is checked when an event first uses it (and again when the
         * category changes): categories come from a global store, which cannot forward alerts.
         */
        private void checkSkeletons(Record<Long, SpecificRecord> r, PersonKeypointsEvent e) {
            for (io.cocostream.schemas.avro.KeypointAnnotation a : e.getAnnotations()) {
                Category c = category(a.getCategoryId());
                if (c != null && !c.equals(skeletonsChecked.put(c.getId(), c))) {
                    for (ValidationAlert alert : KeypointRules.checkCategory(c)) {
                        alert.setImageId(e.getImageId());
                        alert.setBatchId(e.getProvenance().getBatchId());
                        alert.setSourceFile(e.getProvenance().getSourceFile());
                        context.forward(r.withValue(new Out.Alert(alert)));
                    }
                }
            }
        }

        private Category category(int id) {
            return categories.get(kind + "/" + id);
        }

        private InstanceView instanceView(long imageId, Image image, Provenance provenance, EventValidator.Result result) {
            return InstanceView.newBuilder().setImageId(imageId).setImage(image)
                    .setAnnotations(result.annotations()).setCategories(categoriesOf(result.annotations()))
                    .setStatus(EventValidator.status(result.alerts())).setProvenance(provenance)
                    .setUpdatedAt(now()).build();
        }

        private PanopticView panopticView(PanopticEvent e, EventValidator.Result result) {
            return PanopticView.newBuilder().setImageId(e.getImageId()).setImage(e.getImage())
                    .setFileName(e.getFileName()).setAnnotations(result.annotations())
                    .setCategories(categoriesOf(result.annotations()))
                    .setStatus(EventValidator.status(result.alerts())).setProvenance(e.getProvenance())
                    .setUpdatedAt(now()).build();
        }

        /** The categories the annotations use, each once, in order of first use. */
        private List<Category> categoriesOf(List<ValidatedAnnotation> anns) {
            Map<Integer, Category> used = new LinkedHashMap<>();
            for (ValidatedAnnotation a : anns) {
                if (!used.containsKey(a.getCategoryId())) {
                    used.put(a.getCategoryId(), category(a.getCategoryId()));
                }
            }
            used.values().removeIf(java.util.Objects::isNull);
            return new ArrayList<>(used.values());
        }

        private Instant now() {
            return Instant.ofEpochMilli(context.currentSystemTimeMs());
        }

        private void recheck(long now) {
            List<String> done = new ArrayList<>();
            try (KeyValueIterator<String, ValidationAlert> it = pending.all()) {
                while (it.hasNext()) {
                    KeyValue<String, ValidationAlert> e = it.next();
                    String category = e.key.substring(0, e.key.indexOf('/'));
                    if (categories.get(kind + "/" + category) != null) {
                        done.add(e.key);
                    } else if (now - e.value.getDetectedAt().toEpochMilli() > CATEGORY_GRACE.toMillis()) {
                        context.forward(new Record<>(e.value.getImageId(), new Out.Alert(e.value), now));
                        done.add(e.key);
                    }
                }
            }
            done.forEach(pending::delete);
        }
    }
}
