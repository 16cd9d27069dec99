package io.cocostream.streams;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the views of each image and publishes every change: the joined image view (stored), the
 * instances view (published only: its content is the image view's instances part) and the panoptic
 * view (stored). A part replaces that kind's earlier part of the
 * image (re-delivery); a retraction removes the parts it names, and a view left empty becomes a
 * tombstone. Annotation ids entering or leaving a view go on as {@link Out.Ref} for the
 * cross-image id check.
 */
final class Views implements Processor<Long, Out, Long, Out> {
    private ProcessorContext<Long, Out> context;
    private KeyValueStore<Long, PanopticView> panoptic;
    private KeyValueStore<Long, ImageView> images;

    @Override
    public void init(ProcessorContext<Long, Out> context) {
        this.context = context;
        this.panoptic = context.getStateStore(Stores.PANOPTIC_VIEW);
        this.images = context.getStateStore(Stores.IMAGE_VIEW);
    }

    @Override
    public void process(Record<Long, Out> r) {
        if (r.value() instanceof Out.Retract x) {
            retract(r, x.retraction());
            return;
        }
        if (!(r.value() instanceof Out.Part part)) {
            return;
        }
        switch (part.kind()) {
            case INSTANCES, STUFF -> {
                InstanceView v = (InstanceView) part.value();
                if (part.kind() == Kind.INSTANCES) {
                    emit(r, Topics.INSTANCES_VIEW, v.getImageId(), v);
                }
                updateImage(r, v.getImageId(), v.getImage(), part.kind(), batch(v.getProvenance()), v.getAnnotations(), part);
            }
            case PERSON_KEYPOINTS -> {
                PersonKeypointsEvent e = (PersonKeypointsEvent) part.value();
                updateImage(r, e.getImageId(), e.getImage(), Kind.PERSON_KEYPOINTS, batch(e.getProvenance()), e.getAnnotations(),
                        part);
            }
            case CAPTIONS -> {
                CaptionsEvent e = (CaptionsEvent) part.value();
                updateImage(r, e.getImageId(), e.getImage(), Kind.CAPTIONS, batch(e.getProvenance()), e.getAnnotations(), part);
            }
            case PANOPTIC -> {
                PanopticView v = (PanopticView) part.value();
                panoptic.put(v.getImageId(), v);
                emit(r, Topics.PANOPTIC_VIEW, v.getImageId(), v);
            }
            default -> throw new IllegalArgumentException("no view for part kind " + part.kind());
        }
    }

    /** Sets one kind's part of the image view (a new view if it is the image's first part), with its status. */
    private void updateImage(Record<Long, Out> r, long imageId, Image image, Kind kind, String batch, List<?> part,
            Out.Part validated) {
        // The stored view is a fresh copy from the store: updated in place (a builder would deep-copy every mask).
        ImageView v = images.get(imageId);
        List<Long> before = v == null || !v.getBatches().containsKey(kind.id()) ? List.of() : ids(kind, v);
        if (v == null) {
            v = ImageView.newBuilder().setImageId(imageId).setUpdatedAt(now()).build();
        }
        if (image != null) {
            v.setImage(image);
        }
        setPart(v, kind, part);
        Map<String, String> batches = new HashMap<>(v.getBatches());
        batches.put(kind.id(), batch);
        v.setBatches(batches);
        setStatus(v, kind, validated.status(), validated.invalid());
        v.setUpdatedAt(now());
        images.put(imageId, v);
        emit(r, Topics.IMAGE_VIEW, imageId, v);
        // The image view holds every kind's ids (the instances view's too): it alone says which changed.
        refs(r, kind, imageId, batch, before, ids(kind, v));
    }

    @SuppressWarnings("unchecked")
    private static void setPart(ImageView v, Kind kind, List<?> part) {
        switch (kind) {
            case INSTANCES -> v.setInstances((List<ValidatedAnnotation>) part);
            case STUFF -> v.setStuff((List<ValidatedAnnotation>) part);
            case PERSON_KEYPOINTS -> v.setKeypoints((List<KeypointAnnotation>) part);
            case CAPTIONS -> v.setCaptions((List<Caption>) part);
            default -> throw new IllegalArgumentException("no image view part " + kind);
        }
    }

    /** Sets (or, with null, removes) one part's status and INVALID ids; only parts with any are listed. */
    private static void setStatus(ImageView v, Kind kind, ValidationStatus status, List<Long> invalid) {
        Map<String, ValidationStatus> statuses = new HashMap<>(v.getStatus());
        Map<String, List<Long>> invalids = new HashMap<>(v.getInvalid());
        statuses.remove(kind.id());
        invalids.remove(kind.id());
        if (status != null) {
            statuses.put(kind.id(), status);
        }
        if (invalid != null && !invalid.isEmpty()) {
            invalids.put(kind.id(), invalid);
        }
        v.setStatus(statuses);
        v.setInvalid(invalids);
    }

    private static List<Long> ids(Kind kind, ImageView v) {
        return switch (kind) {
            case INSTANCES -> ids(v.getInstances());
            case STUFF -> ids(v.getStuff());
            case PERSON_KEYPOINTS -> v.getKeypoints().stream().map(KeypointAnnotation::getId).toList();
            case CAPTIONS -> v.getCaptions().stream().map(Caption::getId).toList();
            default -> throw new IllegalArgumentException("no image view part " + kind);
        };
    }

    private static List<Long> ids(List<ValidatedAnnotation> anns) {
        return anns.stream().map(ValidatedAnnotation::getId).toList();
    }

    /** Removes what a retraction names: one image's parts (of one batch, if given), or a batch's everywhere. */
    private void retract(Record<Long, Out> r, Retraction x) {
        String batch = x.getBatchId();
        if (x.getImageId() != null) {
            retractImage(r, x.getImageId(), batch);
            return;
        }
        if (batch == null) {
            throw new IllegalArgumentException("a retraction needs image_id or batch_id");
        }
        // A batch retraction reaches every partition: this task scans its own images.
        Set<Long> keys = new HashSet<>();
        collect(keys, panoptic);
        collect(keys, images);
        for (long id : keys) {
            retractImage(r, id, batch);
        }
    }

    private static <V> void collect(Set<Long> keys, KeyValueStore<Long, V> store) {
        try (KeyValueIterator<Long, V> it = store.all()) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
    }

    private void retractImage(Record<Long, Out> r, long imageId, String batch) {
        PanopticView pv = panoptic.get(imageId);
        if (pv != null && matches(batch, batch(pv.getProvenance()))) {
            panoptic.delete(imageId);
            emit(r, Topics.PANOPTIC_VIEW, imageId, null);
        }
        ImageView v = images.get(imageId);
        if (v == null) {
            return;
        }
        Map<String, String> delivered = v.getBatches();
        Map<String, String> batches = new HashMap<>(delivered);
        List<KeyValue<Kind, List<Long>>> removed = new ArrayList<>();
        for (Map.Entry<String, String> part : delivered.entrySet()) {
            if (matches(batch, part.getValue())) {
                Kind kind = Kind.parse(part.getKey());
                removed.add(KeyValue.pair(kind, ids(kind, v)));
                batches.remove(part.getKey());
            }
        }
        if (removed.isEmpty()) {
            return;
        }
        if (batches.isEmpty()) {
            images.delete(imageId);
            emit(r, Topics.IMAGE_VIEW, imageId, null);
        } else {
            // The stored view is a fresh copy from the store: updated in place.
            v.setBatches(batches);
            v.setUpdatedAt(now());
            for (KeyValue<Kind, List<Long>> part : removed) {
                setPart(v, part.key, List.of());
                setStatus(v, part.key, null, null);
            }
            images.put(imageId, v);
            emit(r, Topics.IMAGE_VIEW, imageId, v);
        }
        for (KeyValue<Kind, List<Long>> part : removed) {
            if (part.key == Kind.INSTANCES) {
                emit(r, Topics.INSTANCES_VIEW, imageId, null);
            }
            refs(r, part.key, imageId, delivered.get(part.key.id()), part.value, List.of());
        }
    }

    private static boolean matches(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }

    /** Ids that left the image's part, then ids that entered it. */
    private void refs(Record<Long, Out> r, Kind kind, long imageId, String batch, List<Long> before, List<Long> after) {
        Set<Long> kept = new HashSet<>(after);
        for (long id : before) {
            if (!kept.contains(id)) {
                forwardRef(r, kind, id, imageId, false, batch);
            }
        }
        Set<Long> had = new HashSet<>(before);
        for (long id : after) {
            if (!had.contains(id)) {
                forwardRef(r, kind, id, imageId, true, batch);
            }
        }
    }

    private void forwardRef(Record<Long, Out> r, Kind kind, long id, long imageId, boolean present, String batch) {
        AnnotationRef ref = AnnotationRef.newBuilder().setKind(kind.id()).setAnnotationId(id).setImageId(imageId)
                .setPresent(present).setBatchId(batch).build();
        context.forward(r.withKey(imageId).withValue(new Out.Ref(ref)));
    }

    private void emit(Record<Long, Out> r, String topic, long imageId, SpecificRecord value) {
        context.forward(r.withKey(imageId).withValue(new Out.View(topic, value)));
    }

    private static String batch(Provenance p) {
        return p == null ? "" : p.getBatchId();
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
