package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * pycocotools' COCO API (getImgIds, getAnnIds, getCatIds, loadImgs, loadAnns, loadCats) with its
 * semantics, over one kind's images wherever they are held: the {@link Source} finds them (in
 * local state stores, or on the app instance that holds them). Missing ids in a load are a
 * {@link java.util.NoSuchElementException}, as pycocotools raises KeyError.
 */
public final class CocoApi {
    /** One image of a kind: its COCO {@code images} entry and its COCO annotations. */
    public record Entry(long id, JsonNode image, List<JsonNode> annotations) {}

    /** Where the images are. */
    public interface Source {
        /** The kind's images with these ids (those that exist), or every image of the kind when {@code ids} is null. */
        List<Entry> images(Kind kind, Collection<Long> ids);

        /** Annotation id to the id of the image that holds it, for the ids that exist. */
        Map<Long, Long> owners(Kind kind, Collection<Long> annotationIds);

        /** Every category of the kind. */
        List<Category> categories(Kind kind);
    }

    private final Source source;

    public CocoApi(Source source) {
        this.source = source;
    }

    /** getImgIds: the given images, narrowed to those with an annotation of every given category; all images if neither. */
    public List<Long> getImgIds(Kind kind, List<Long> imgIds, List<Long> catIds) {
        if (imgIds.isEmpty() && catIds.isEmpty()) {
            return sorted(source.images(kind, null).stream().map(Entry::id).toList());
        }
        if (catIds.isEmpty()) {
            return sorted(new LinkedHashSet<>(imgIds));
        }
        List<Entry> candidates = source.images(kind, imgIds.isEmpty() ? null : imgIds);
        Set<Long> ids = imgIds.isEmpty() ? null : new LinkedHashSet<>(imgIds);
        for (long cat : catIds) {
            Set<Long> withCat = candidates.stream()
                    .filter(e -> e.annotations().stream().anyMatch(a -> hasLong(a, "category_id", cat)))
                    .map(Entry::id).collect(Collectors.toSet());
            if (ids == null) {
                ids = new LinkedHashSet<>(withCat);
            } else {
                ids.retainAll(withCat);
            }
        }
        return sorted(ids);
    }

    /** getAnnIds: annotations of the given images (or all), of the given categories, with area strictly inside areaRng, and iscrowd. */
    public List<Long> getAnnIds(Kind kind, List<Long> imgIds, List<Long> catIds, List<Double> areaRng, Integer iscrowd) {
        if (!areaRng.isEmpty() && areaRng.size() != 2) {
            throw new IllegalArgumentException("areaRng needs two numbers [min, max], got " + areaRng);
        }
        List<Entry> images = source.images(kind, imgIds.isEmpty() ? null : imgIds);
        List<Long> out = new ArrayList<>();
        for (Entry e : imagesInOrder(images, imgIds)) {
            for (JsonNode a : e.annotations()) {
                if (!catIds.isEmpty() && catIds.stream().noneMatch(c -> hasLong(a, "category_id", c))) {
                    continue;
                }
                if (!areaRng.isEmpty() && !(a.has("area") && a.get("area").asDouble() > areaRng.get(0)
                        && a.get("area").asDouble() < areaRng.get(1))) {
                    continue;
                }
                if (iscrowd != null && !hasLong(a, "iscrowd", iscrowd)) {
                    continue;
                }
                out.add(a.get("id").asLong());
            }
        }
        return out;
    }

    /** getCatIds: categories by name, supercategory and id (each filter applied when given). */
    public List<Long> getCatIds(Kind kind, List<String> catNms, List<String> supNms, List<Long> catIds) {
        return source.categories(kind).stream()
                .filter(c -> catNms.isEmpty() || catNms.contains(c.getName()))
                .filter(c -> supNms.isEmpty() || supNms.contains(c.getSupercategory()))
                .filter(c -> catIds.isEmpty() || catIds.contains((long) c.getId()))
                .map(c -> (long) c.getId()).sorted().toList();
    }

    /** loadImgs: the images, in the order asked. */
    public List<JsonNode> loadImgs(Kind kind, List<Long> ids) {
        Map<Long, Entry> found = byId(source.images(kind, ids));
        List<JsonNode> out = new ArrayList<>();
        for (long id : ids) {
            out.add(require(found.get(id), "image", id).image());
        }
        return out;
    }

    /** loadAnns: the annotations, in the order asked. */
    public List<JsonNode> loadAnns(Kind kind, List<Long> ids) {
        if (kind == Kind.PANOPTIC) {
            throw new IllegalArgumentException("panoptic segment ids are unique only within their image: "
                    + "use loadImgs, or getAnnIds/loadAnns of another kind");
        }
        Map<Long, Long> owners = source.owners(kind, ids);
        Map<Long, JsonNode> anns = new LinkedHashMap<>();
        for (Entry e : source.images(kind, new LinkedHashSet<>(owners.values()))) {
            for (JsonNode a : e.annotations()) {
                anns.put(a.get("id").asLong(), a);
            }
        }
        List<JsonNode> out = new ArrayList<>();
        for (long id : ids) {
            out.add(require(anns.get(id), "annotation", id));
        }
        return out;
    }

    /** loadCats: the categories, in the order asked. */
    public List<Category> loadCats(Kind kind, List<Long> ids) {
        Map<Long, Category> all = new LinkedHashMap<>();
        for (Category c : source.categories(kind)) {
            all.put((long) c.getId(), c);
        }
        List<Category> out = new ArrayList<>();
        for (long id : ids) {
            out.add(require(all.get(id), "category", id));
        }
        return out;
    }

    private static <T> T require(T value, String what, long id) {
        if (value == null) {
            throw new java.util.NoSuchElementException("no " + what + " " + id);
        }
        return value;
    }

    private static boolean hasLong(JsonNode a, String field, long value) {
        JsonNode v = a.get(field);
        return v != null && v.isNumber() && v.asLong() == value;
    }

    private static Map<Long, Entry> byId(List<Entry> entries) {
        Map<Long, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.put(e.id(), e);
        }
        return m;
    }

    /** The asked images in the asked order (as pycocotools chains imgToAnns), else by id. */
    private static List<Entry> imagesInOrder(List<Entry> images, List<Long> imgIds) {
        Map<Long, Entry> m = byId(images);
        if (imgIds.isEmpty()) {
            return m.keySet().stream().sorted().map(m::get).toList();
        }
        return new LinkedHashSet<>(imgIds).stream().map(m::get).filter(java.util.Objects::nonNull).toList();
    }

    private static List<Long> sorted(Collection<Long> ids) {
        return ids.stream().sorted().toList();
    }
}
