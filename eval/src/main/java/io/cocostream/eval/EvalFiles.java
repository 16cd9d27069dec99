package io.cocostream.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.mask.Masks;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Rle;
import io.cocostream.mask.Segmentation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ground-truth COCO file and a results file as COCOeval reads them: the ground truth as
 * {@code COCO()} loads it, the results as {@code loadRes} makes them (ids 1..n in file order,
 * iscrowd 0; bbox results get area w·h and their box as a polygon, segm results their mask's area
 * and, without one, its box, keypoint results the box and area of their points' extent), masks as
 * {@code annToRLE} makes them when the evaluation compares masks.
 */
public final class EvalFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ground truth: images (height, width), categories (names) and annotations. */
    public record GroundTruth(Map<Long, int[]> images, Map<Integer, String> categories, List<EvalAnn> annotations) {
        public long[] imageIds() {
            return images.keySet().stream().mapToLong(Long::longValue).toArray();
        }

        public int[] categoryIds() {
            return categories.keySet().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private EvalFiles() {}

    /** Reads a ground-truth file, one element at a time (images and categories first); masks only for {@code segm}. */
    public static GroundTruth groundTruth(Path file, IouType type) throws IOException {
        Map<Long, int[]> images = new LinkedHashMap<>();
        JsonSections.forEach(file, "images", (i, im) -> images.put(im.get("id").asLong(),
                new int[] {im.path("height").asInt(), im.path("width").asInt()}));
        Map<Integer, String> categories = new LinkedHashMap<>();
        JsonSections.forEach(file, "categories", (i, c) -> categories.put(c.get("id").asInt(), c.path("name").asText()));
        MaskScratch scratch = new MaskScratch();
        List<EvalAnn> anns = new ArrayList<>();
        JsonSections.forEach(file, "annotations", (i, a) -> {
            String where = file + ": $.annotations[" + i + "]";
            long imageId = a.get("image_id").asLong();
            Rle mask = type == IouType.segm ? mask(a.get("segmentation"), images.get(imageId), where, scratch) : null;
            anns.add(new EvalAnn(a.get("id").asLong(), imageId, a.get("category_id").asInt(), a.path("area").asDouble(),
                    box(a.get("bbox")), a.path("iscrowd").asInt() != 0, 0, mask, doubles(a.get("keypoints")),
                    a.path("num_keypoints").asInt()));
        });
        return new GroundTruth(images, categories, anns);
    }

    /**
     * Reads a results file against its ground truth, as loadRes does.
     *
     * @throws IllegalArgumentException for a result of an image the ground truth does not have, or
     *     without what its kind needs, naming the file and the result's place
     */
    public static List<EvalAnn> results(Path file, GroundTruth gt, IouType type) throws IOException {
        List<EvalAnn> out = new ArrayList<>();
        IouType[] held = {null};
        MaskScratch scratch = new MaskScratch();
        JsonSections.forEach(file, null, (i, r) -> {
            if (held[0] == null) {
                held[0] = heldBy(r);
            }
            out.add(result(file + ": $[" + i + "]", i + 1, r, held[0], gt, type, scratch));
        });
        return out;
    }

    /** One result as loadRes completes it ({@code held}: what the file's first result says the file holds). */
    private static EvalAnn result(String where, long id, JsonNode r, IouType held, GroundTruth gt, IouType type,
            MaskScratch scratch) {
        boolean boxes = held == IouType.bbox;
        boolean segments = held == IouType.segm;
        long imageId = r.path("image_id").asLong();
        int[] size = gt.images().get(imageId);
        if (size == null) {
            throw new IllegalArgumentException(where + ": image " + imageId + " is not in the ground truth"
                    + " (loadRes: results do not correspond to the current coco set)");
        }
        if (!r.has("score") || !r.get("score").isNumber() || !Double.isFinite(r.get("score").asDouble())) {
            throw new IllegalArgumentException(where + ": expected a finite score, got " + r.get("score"));
        }
        double score = r.get("score").asDouble();
        int cat = r.path("category_id").asInt();
        double[] bbox;
        double area;
        Rle mask = null;
        double[] kp = null;
        if (boxes) {
            bbox = box(r.get("bbox"));
            area = LoadRes.boxArea(bbox);
            if (type == IouType.segm) {
                mask = r.has("segmentation") ? mask(r.get("segmentation"), size, where, scratch)
                        : Masks.frPoly(LoadRes.boxPolygon(bbox), size[0], size[1], scratch);
            }
        } else if (segments) {
            Rle m = mask(r.get("segmentation"), size, where, scratch);
            area = Masks.area(m);
            bbox = r.has("bbox") ? box(r.get("bbox")) : Masks.toBbox(m);
            mask = m;
        } else {
            kp = doubles(r.get("keypoints"));
            if (kp == null || kp.length == 0) {
                throw new IllegalArgumentException(where + ": expected bbox, segmentation or keypoints");
            }
            try {
                bbox = LoadRes.keypointBox(kp);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".keypoints: " + e.getMessage(), e);
            }
            area = LoadRes.boxArea(bbox);
        }
        return new EvalAnn(id, imageId, cat, area, bbox, false, score, mask, kp, 0);
    }

    /**
     * What a results file holds, as loadRes decides it for every result from the first one: boxes
     * (a non-empty bbox), else segmentations, else keypoints. Reads only that first result.
     */
    public static IouType heldBy(Path results) throws IOException {
        try (JsonParser p = JSON.createParser(results.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
                return IouType.bbox; // empty or not an array: results() says what is wrong
            }
            return heldBy((JsonNode) p.readValueAsTree());
        }
    }

    private static IouType heldBy(JsonNode first) {
        if (first.has("bbox") && !first.get("bbox").isEmpty()) {
            return IouType.bbox;
        }
        return first.has("segmentation") ? IouType.segm : IouType.keypoints;
    }

    private static Rle mask(JsonNode seg, int[] size, String where, MaskScratch scratch) {
        if (seg == null || size == null) {
            throw new IllegalArgumentException(where + ": expected a segmentation of a known image");
        }
        try {
            return Masks.annToRle(Segmentation.fromJson(JSON.convertValue(seg, Object.class)), size[0], size[1], scratch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".segmentation: " + e.getMessage(), e);
        }
    }

    private static double[] box(JsonNode b) {
        double[] out = doubles(b);
        return out == null ? new double[4] : out;
    }

    private static double[] doubles(JsonNode a) {
        if (a == null || !a.isArray()) {
            return null;
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
