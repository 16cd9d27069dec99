package io.cocostream.streams.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.streams.CocoTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The COCO API's images read from this app instance's state stores (the tasks it runs, and the
 * global categories store); what other instances hold is not seen here.
 */
public final class StoreSource implements CocoApi.Source {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Gives a queryable store by name: KafkaStreams' interactive queries, or a test driver's stores. */
    public interface Stores {
        <K, V> ReadOnlyKeyValueStore<K, V> store(String name);
    }

    private final Stores stores;

    public StoreSource(Stores stores) {
        this.stores = stores;
    }

    /** The stores read. */
    Stores stores() {
        return stores;
    }

    /** The store a kind's images are kept in. */
    public static String storeOf(String kind) {
        return switch (kind) {
            case "panoptic" -> CocoTopology.PANOPTIC_VIEW_STORE;
            case "instances", "stuff", "person_keypoints", "captions" -> CocoTopology.IMAGE_VIEW_STORE;
            default -> throw new IllegalArgumentException("no COCO API for kind '" + kind
                    + "': one of instances, person_keypoints, captions, panoptic, stuff");
        };
    }

    @Override
    public List<CocoApi.Entry> images(String kind, Collection<Long> ids) {
        ReadOnlyKeyValueStore<Long, SpecificRecord> store = stores.store(storeOf(kind));
        List<CocoApi.Entry> out = new ArrayList<>();
        if (ids == null) {
            try (KeyValueIterator<Long, SpecificRecord> it = store.all()) {
                while (it.hasNext()) {
                    add(out, kind, it.next().value);
                }
            }
        } else {
            for (long id : ids) {
                add(out, kind, store.get(id));
            }
        }
        return out;
    }

    private static void add(List<CocoApi.Entry> out, String kind, SpecificRecord view) {
        CocoApi.Entry e = view == null ? null : entry(kind, view);
        if (e != null) {
            out.add(e);
        }
    }

    @Override
    public Map<Long, Long> owners(String kind, Collection<Long> annotationIds) {
        ReadOnlyKeyValueStore<String, AnnotationRef> store = stores.store(CocoTopology.ANNOTATION_IDS_STORE);
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long id : annotationIds) {
            AnnotationRef ref = store.get(kind + "/" + id);
            if (ref != null) {
                out.put(id, ref.getImageId());
            }
        }
        return out;
    }

    @Override
    public List<Category> categories(String kind) {
        ReadOnlyKeyValueStore<String, Category> store = stores.store(CocoTopology.CATEGORIES_STORE);
        List<Category> out = new ArrayList<>();
        try (KeyValueIterator<String, Category> it = store.prefixScan(kind + "/",
                new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                out.add(it.next().value);
            }
        }
        return out;
    }

    /** One kind's part of a view as COCO JSON; null when the view does not hold that kind. */
    public static CocoApi.Entry entry(String kind, SpecificRecord view) {
        try {
            if (view instanceof PanopticView v && kind.equals("panoptic")) {
                List<JsonNode> anns = new ArrayList<>();
                for (ValidatedAnnotation s : v.getAnnotations()) {
                    ObjectNode n = (ObjectNode) tree(g -> CocoJson.segment(g, s));
                    n.put("image_id", v.getImageId());
                    anns.add(n);
                }
                return new CocoApi.Entry(v.getImageId(), image(v.getImageId(), v.getImage()), anns);
            }
            if (view instanceof ImageView v && v.getBatches().containsKey(kind)) {
                List<JsonNode> anns = new ArrayList<>();
                switch (kind) {
                    case "instances" -> {
                        for (ValidatedAnnotation a : v.getInstances()) {
                            anns.add(tree(g -> CocoJson.annotation(g, v.getImageId(), a)));
                        }
                    }
                    case "stuff" -> {
                        for (ValidatedAnnotation a : v.getStuff()) {
                            anns.add(tree(g -> CocoJson.annotation(g, v.getImageId(), a)));
                        }
                    }
                    case "person_keypoints" -> {
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
