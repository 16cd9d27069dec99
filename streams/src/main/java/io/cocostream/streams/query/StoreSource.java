package io.cocostream.streams.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.streams.BatchExamples;
import io.cocostream.streams.Stores;
import io.cocostream.streams.coco.CocoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The COCO API's images read from this app instance's state stores (the tasks it runs, and the
 * global categories store); what other instances hold is not seen here.
 */
public final class StoreSource implements CocoApi.Source, RunApi.Data {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Gives a queryable store by name: KafkaStreams' interactive queries, or a test driver's stores. */
    public interface Queryable {
        <K, V> ReadOnlyKeyValueStore<K, V> store(String name);
    }

    private final Queryable stores;

    public StoreSource(Queryable stores) {
        this.stores = stores;
    }

    /** The stores read. */
    Queryable stores() {
        return stores;
    }

    /** The store a kind's images are kept in. */
    public static String storeOf(Kind kind) {
        return switch (kind) {
            case PANOPTIC -> Stores.PANOPTIC_VIEW;
            case INSTANCES, STUFF, PERSON_KEYPOINTS, CAPTIONS -> Stores.IMAGE_VIEW;
            case DENSEPOSE, RESULTS -> throw new IllegalArgumentException("no COCO API for kind '" + kind.id()
                    + "': one of instances, person_keypoints, captions, panoptic, stuff (results: run=R, over the kind"
                    + " of their ground truth)");
        };
    }

    @Override
    public List<CocoApi.Entry> images(Kind kind, Collection<Long> ids) {
        List<CocoApi.Entry> out = new ArrayList<>();
        try {
            eachImage(kind, ids, out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // adding to a list does not fail
        }
        return out;
    }

    /** Each image of {@code ids} (null: all) as it is read from the store: one entry in memory at a time. */
    void eachImage(Kind kind, Collection<Long> ids, IoConsumer<CocoApi.Entry> each) throws IOException {
        ReadOnlyKeyValueStore<Long, SpecificRecord> store = stores.store(storeOf(kind));
        if (ids == null) {
            try (KeyValueIterator<Long, SpecificRecord> it = store.all()) {
                while (it.hasNext()) {
                    accept(each, kind, it.next().value);
                }
            }
        } else {
            for (long id : ids) {
                accept(each, kind, store.get(id));
            }
        }
    }

    /** A consumer that may fail writing. */
    interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    private static void accept(IoConsumer<CocoApi.Entry> each, Kind kind, SpecificRecord view) throws IOException {
        CocoApi.Entry e = view == null ? null : entry(kind, view);
        if (e != null) {
            each.accept(e);
        }
    }

    @Override
    public Map<Long, Long> owners(Kind kind, Collection<Long> annotationIds) {
        ReadOnlyKeyValueStore<String, AnnotationRef> store = stores.store(Stores.ANNOTATION_IDS);
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long id : annotationIds) {
            AnnotationRef ref = store.get(kind.key(id));
            if (ref != null) {
                out.put(id, ref.getImageId());
            }
        }
        return out;
    }

    @Override
    public List<Category> categories(Kind kind) {
        ReadOnlyKeyValueStore<String, Category> store = stores.store(Stores.CATEGORIES);
        List<Category> out = new ArrayList<>();
        try (KeyValueIterator<String, Category> it = store.prefixScan(kind.id() + "/", new StringSerializer())) {
            while (it.hasNext()) {
                out.add(it.next().value);
            }
        }
        return out;
    }

    @Override
    public Map<Long, ResultsView> results(String run, Collection<Long> imageIds) {
        ReadOnlyKeyValueStore<String, ResultsView> store = stores.store(Stores.RESULTS_VIEW);
        Map<Long, ResultsView> out = new LinkedHashMap<>();
        if (imageIds == null) {
            scan(store, run + "/", (k, v) -> out.put(v.getImageId(), v));
        } else {
            for (long id : imageIds) {
                ResultsView v = store.get(Topics.runImageKey(run, id));
                if (v != null) {
                    out.put(id, v);
                }
            }
        }
        return out;
    }

    @Override
    public Map<Long, ImageEvaluation> evaluations(String run, IouType type) {
        Map<Long, ImageEvaluation> out = new HashMap<>();
        scan(stores.<String, ImageEvaluation>store(Stores.RUN_EVALUATIONS), run + "/" + type.name() + "/",
                (k, v) -> out.put(v.getImageId(), v));
        return out;
    }

    @Override
    public Map<Long, ImageEvaluation> groundTruthCounts(Kind kind) {
        Map<Long, ImageEvaluation> out = new HashMap<>();
        scan(stores.<String, ImageEvaluation>store(Stores.GROUND_TRUTH_COUNTS), kind.id() + "/",
                (k, v) -> out.put(v.getImageId(), v));
        return out;
    }

    @Override
    public Map<String, Long> runs() {
        Map<String, Long> out = new TreeMap<>();
        ReadOnlyKeyValueStore<String, Long> store = stores.store(Stores.RUNS);
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> e = it.next();
                if (e.value != null && e.value > 0) {
                    out.merge(e.key, e.value, Long::sum);
                }
            }
        }
        return out;
    }

    @Override
    public List<BatchReport> reports() {
        List<BatchReport> out = new ArrayList<>();
        ReadOnlyKeyValueStore<String, BatchReport> store = stores.store(Stores.BATCH_REPORTS);
        ReadOnlyKeyValueStore<String, ValidationAlert> examples = stores.store(Stores.BATCH_EXAMPLES);
        try (KeyValueIterator<String, BatchReport> it = store.all()) {
            while (it.hasNext()) {
                out.add(BatchExamples.into(it.next().value, examples));
            }
        }
        return out;
    }

    private static <V> void scan(ReadOnlyKeyValueStore<String, V> store, String prefix, BiConsumer<String, V> each) {
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, V> e = it.next();
                each.accept(e.key, e.value);
            }
        }
    }

    /** One kind's part of a view as COCO JSON; null when the view does not hold that kind. */
    public static CocoApi.Entry entry(Kind kind, SpecificRecord view) {
        try {
            if (view instanceof PanopticView v && kind == Kind.PANOPTIC) {
                List<JsonNode> anns = new ArrayList<>();
                for (ValidatedAnnotation s : v.getAnnotations()) {
                    ObjectNode n = (ObjectNode) tree(g -> CocoJson.segment(g, s));
                    n.put("image_id", v.getImageId());
                    anns.add(n);
                }
                return new CocoApi.Entry(v.getImageId(), image(v.getImageId(), v.getImage()), anns);
            }
            if (view instanceof ImageView v && v.getBatches().containsKey(kind.id())) {
                List<JsonNode> anns = new ArrayList<>();
                switch (kind) {
                    case INSTANCES -> {
                        for (ValidatedAnnotation a : v.getInstances()) {
                            anns.add(tree(g -> CocoJson.annotation(g, v.getImageId(), a)));
                        }
                    }
                    case STUFF -> {
                        for (ValidatedAnnotation a : v.getStuff()) {
                            anns.add(tree(g -> CocoJson.annotation(g, v.getImageId(), a)));
                        }
                    }
                    case PERSON_KEYPOINTS -> {
                        for (KeypointAnnotation a : v.getKeypoints()) {
                            anns.add(tree(g -> CocoJson.keypoints(g, a)));
                        }
                    }
                    default -> {
                        for (Caption c : v.getCaptions()) {
                            anns.add(tree(g -> CocoJson.caption(g, c)));
                        }
                    }
                }
                return new CocoApi.Entry(v.getImageId(), image(v.getImageId(), v.getImage()), anns);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode image(long id, Image im) throws IOException {
        return tree(g -> CocoJson.image(g, id, im));
    }

    /** Something CocoJson writes, as a tree. */
    static JsonNode tree(Writer w) throws IOException {
        try (TokenBuffer buf = new TokenBuffer(JSON, false)) {
            w.write(buf);
            return JSON.readTree(buf.asParser());
        }
    }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }
}
