package io.cocostream.streams;

import io.cocostream.metrics.Meters;
import io.cocostream.rules.EventValidator;
import io.cocostream.rules.KeypointRules;
import io.cocostream.rules.RuleIds;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.StuffEvent;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Validates one event of a kind, forwards its alerts, its part for the views (instances and
 * stuff as an {@code InstanceView} with recomputed masks, panoptic as a {@code PanopticView},
 * keypoints and captions as they came) and its tally for its batch's report. A category.exists alert waits in a store until the
 * category arrives (dropped) or {@link #CATEGORY_GRACE} passes (forwarded).
 */
final class Validate implements Processor<Long, SpecificRecord, Long, Out> {
    /**
     * How long an unknown category may stay unknown before it is alerted: a delivery's categories
     * travel beside its events and the global store may see them a little later.
     */
    static final Duration CATEGORY_GRACE = Duration.ofSeconds(10);

    private final Kind kind;
    private final Meters meters;
    private final EventValidator validator;
    private final boolean masks;
    private ProcessorContext<Long, Out> context;
    private KeyValueStore<String, Category> categories;
    private KeyValueStore<String, ValidationAlert> pending;
    private final Map<Integer, Category> skeletonsChecked = new HashMap<>();
    private final CategoryChanges changes;
    /** The categories read since the store's last change (null: unknown), by id. */
    private final Map<Integer, Category> read = new HashMap<>();
    private long readAt = -1;

    Validate(Kind kind, Tolerances tol, CategoryChanges changes, Meters meters) {
        this.kind = kind;
        this.changes = changes;
        this.meters = meters;
        this.validator = new EventValidator(tol);
        this.masks = kind == Kind.INSTANCES || kind == Kind.STUFF || kind == Kind.PANOPTIC;
    }

    @Override
    public void init(ProcessorContext<Long, Out> context) {
        this.context = context;
        this.categories = context.getStateStore(Stores.CATEGORIES);
        this.pending = context.getStateStore(Stores.pendingCategories(kind));
        context.schedule(Duration.ofMillis(500), PunctuationType.WALL_CLOCK_TIME, this::recheck);
    }

    @Override
    public void process(Record<Long, SpecificRecord> r) {
        if (r.value() == null) {
            return;
        }
        EventValidator.Result result = validator.check(r.value(), this::category, masks);
        for (ValidationAlert a : result.alerts()) {
            if (a.getRule().equals(RuleIds.CATEGORY_EXISTS)) {
                a.setDetectedAt(now()); // its grace runs on the processor's clock, as the recheck does
                pending.put(a.getActual() + "/" + a.getImageId() + "/" + a.getAnnotationId(), a);
            } else {
                context.forward(r.withValue(new Out.Alert(a)));
            }
        }
        for (ValidationAlert a : result.rejected()) {
            context.forward(r.withValue(new Out.Alert(a)));
        }
        if (r.value() instanceof PersonKeypointsEvent e) {
            checkSkeletons(r, e);
        }
        SpecificRecord part = switch (kind) {
            case INSTANCES -> {
                InstancesEvent e = (InstancesEvent) r.value();
                yield instanceView(e.getImageId(), e.getImage(), e.getProvenance(), result);
            }
            case STUFF -> {
                StuffEvent e = (StuffEvent) r.value();
                yield instanceView(e.getImageId(), e.getImage(), e.getProvenance(), result);
            }
            case PANOPTIC -> panopticView((PanopticEvent) r.value(), result);
            case PERSON_KEYPOINTS, CAPTIONS -> r.value();
            case DENSEPOSE, RESULTS -> null;
        };
        if (part != null) {
            context.forward(r.withValue(new Out.Part(kind, part, result.status(), result.invalidIds())));
        }
        BatchDelta tally = tally(r.value(), result);
        meters.event(kind.id(), annotationsOf((GenericRecord) r.value()));
        if (tally != null) {
            context.forward(r.withValue(new Out.Tally(tally)));
        }
    }

    /** What the event adds to its batch's report: one image, its annotations (rejected ones too) and their categories. */
    private static BatchDelta tally(SpecificRecord event, EventValidator.Result result) {
        GenericRecord e = (GenericRecord) event;
        Provenance p = (Provenance) e.get("provenance");
        if (p == null || p.getBatchId() == null) {
            return null;
        }
        List<?> anns = (List<?>) e.get("annotations");
        List<Integer> categories = new ArrayList<>(anns.size());
        for (Object a : anns) {
            if (a instanceof GenericRecord g && g.hasField("category_id")) {
                categories.add((Integer) g.get("category_id"));
            }
        }
        long annotations = annotationsOf(e);
        return BatchDelta.newBuilder().setBatchId(p.getBatchId()).setImages(1).setAnnotations(annotations)
                .setImagesInvalid(result.status() == ValidationStatus.INVALID ? 1 : 0).setCategoryIds(categories).build();
    }

    /** An event's annotations, those ingest rejected included. */
    private static long annotationsOf(GenericRecord e) {
        Object rejected = e.hasField("rejected") ? e.get("rejected") : null;
        return ((List<?>) e.get("annotations")).size() + (rejected == null ? 0 : ((List<?>) rejected).size());
    }

    /**
     * A keypoint category's skeleton is checked when an event first uses it (and again when the
     * category changes): categories come from a global store, which cannot forward alerts.
     */
    private void checkSkeletons(Record<Long, SpecificRecord> r, PersonKeypointsEvent e) {
        for (KeypointAnnotation a : e.getAnnotations()) {
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

    /** A category of this kind, decoded from the global store once per change of it (each annotation asks). */
    private Category category(int id) {
        long now = changes.count();
        if (now != readAt) {
            read.clear();
            readAt = now;
        }
        Category c = read.get(id);
        if (c == null && !read.containsKey(id)) {
            c = categories.get(kind.key(id));
            read.put(id, c);
        }
        return c;
    }

    private InstanceView instanceView(long imageId, Image image, Provenance provenance, EventValidator.Result result) {
        return InstanceView.newBuilder().setImageId(imageId).setImage(image)
                .setAnnotations(result.annotations()).setCategories(categoriesOf(result.annotations()))
                .setStatus(result.status()).setProvenance(provenance)
                .setUpdatedAt(now()).build();
    }

    private PanopticView panopticView(PanopticEvent e, EventValidator.Result result) {
        return PanopticView.newBuilder().setImageId(e.getImageId()).setImage(e.getImage())
                .setFileName(e.getFileName()).setAnnotations(result.annotations())
                .setCategories(categoriesOf(result.annotations()))
                .setStatus(result.status()).setProvenance(e.getProvenance())
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
        used.values().removeIf(Objects::isNull);
        return new ArrayList<>(used.values());
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void recheck(long now) {
        readAt = -1; // and read categories anew: a global store restored anew (not through its processor) is not counted
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, ValidationAlert> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValidationAlert> e = it.next();
                String category = e.key.substring(0, e.key.indexOf('/'));
                if (categories.get(kind.id() + "/" + category) != null) {
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
