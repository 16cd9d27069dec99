package io.cocostream.streams;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import io.cocostream.streams.rules.EventValidator;
import io.cocostream.streams.rules.Tolerances;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
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
 * The validation topology: every per-image event topic through {@link EventValidator}, alerts to
 * {@code coco.alerts.v1} keyed by image id, categories from {@code coco.categories.v1} in a global
 * store. Every source, processor, store and sink is named.
 */
public final class ValidationTopology {
    /** The global store of categories, keyed {@code <kind>/<id>} like their topic. */
    public static final String CATEGORIES_STORE = "categories-store";
    /**
     * How long an unknown category may stay unknown before it is alerted: a delivery's categories
     * travel beside its events and the global store may see them a little later.
     */
    public static final Duration CATEGORY_GRACE = Duration.ofSeconds(10);

    /** The event topics validated, with the kind their categories are registered under. */
    static final List<String[]> SOURCES = List.of(
            new String[] {Topics.INSTANCES, "instances"},
            new String[] {Topics.STUFF, "stuff"},
            new String[] {Topics.PERSON_KEYPOINTS, "person_keypoints"},
            new String[] {Topics.CAPTIONS, "captions"},
            new String[] {Topics.PANOPTIC, "panoptic"},
            new String[] {Topics.DENSEPOSE, "densepose"});

    private ValidationTopology() {}

    /** Builds the topology; {@code serdeConfig} has the registry settings ({@code schema.registry.url}, ...). */
    public static Topology build(Map<String, Object> serdeConfig, Tolerances tol) {
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(serdeConfig));
        AvroSerde<Category> categorySerde = new AvroSerde<>(Category.class, client, serdeConfig);
        AvroSerde<ValidationAlert> alertSerde = new AvroSerde<>(ValidationAlert.class, client, serdeConfig);
        // Each event topic has its own type: read into whichever generated class the writer's schema names.
        AvroSerde<SpecificRecord> eventSerde = new AvroSerde<>(null, client, serdeConfig);

        StreamsBuilder b = new StreamsBuilder();
        b.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CATEGORIES_STORE), Serdes.String(), categorySerde)
                        .withLoggingDisabled(),
                Topics.CATEGORIES,
                Consumed.with(Serdes.String(), categorySerde).withName("categories-source"),
                CategoryUpdater::new);
        KStream<Long, ValidationAlert> alerts = null;
        for (String[] source : SOURCES) {
            String topic = source[0];
            String kind = source[1];
            String pending = "pending-categories-" + kind;
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pending), Serdes.String(), alertSerde));
            KStream<Long, ValidationAlert> a = b
                    .stream(topic, Consumed.with(Serdes.Long(), eventSerde).withName(kind + "-source"))
                    .process(() -> new Validate(kind, tol, pending), Named.as("validate-" + kind), pending);
            alerts = alerts == null ? a : alerts.merge(a, Named.as("merge-alerts-" + kind));
        }
        alerts.to(Topics.ALERTS, Produced.with(Serdes.Long(), alertSerde).withName("alerts-sink"));
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
     * Validates one event and forwards its alerts; a category.exists alert waits in a store until
     * the category arrives (dropped) or {@link #CATEGORY_GRACE} passes (forwarded).
     */
    static final class Validate implements Processor<Long, SpecificRecord, Long, ValidationAlert> {
        private final String kind;
        private final String pendingStore;
        private final EventValidator validator;
        private ProcessorContext<Long, ValidationAlert> context;
        private KeyValueStore<String, Category> categories;
        private KeyValueStore<String, ValidationAlert> pending;

        Validate(String kind, Tolerances tol, String pendingStore) {
            this.kind = kind;
            this.pendingStore = pendingStore;
            this.validator = new EventValidator(tol);
        }

        @Override
        public void init(ProcessorContext<Long, ValidationAlert> context) {
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
            for (ValidationAlert a : validator.validate(r.value(), id -> categories.get(kind + "/" + id))) {
                if (a.getRule().equals("category.exists")) {
                    pending.put(a.getActual() + "/" + a.getImageId() + "/" + a.getAnnotationId(), a);
                } else {
                    context.forward(r.withValue(a));
                }
            }
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
                        context.forward(new Record<>(e.value.getImageId(), e.value, now));
                        done.add(e.key);
                    }
                }
            }
            done.forEach(pending::delete);
        }
    }
}
