package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.Masks;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseAnnotation;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import java.util.ArrayList;
import java.util.List;

/**
 * COCO JSON elements to Avro records, refusing (with the JSON path of the bad value) what the
 * COCO format does not allow: missing or mistyped fields, negative ids, areas or sizes, NaN or
 * infinite numbers, odd or short polygons, RLEs whose size is not their image's. Semantic checks
 * (areas against masks, keypoints against boxes) are the validator's.
 */
final class Converters {
    /** DensePose's part masks: one per body part. */

    private Converters() {}

    /** Height and width of an annotation's image, when known (0 otherwise). */
    record ImageSize(int height, int width) {
        static final ImageSize UNKNOWN = new ImageSize(0, 0);
    }

    static Image image(JsonNode n, Location at) {
        long id = nonNegativeLong(n, "id", at);
        int width = positiveInt(n, "width", at);
        int height = positiveInt(n, "height", at);
        Image.Builder b = Image.newBuilder().setId(id).setWidth(width).setHeight(height)
                .setFileName(text(n, "file_name", ""));
        if (n.hasNonNull("license") && n.get("license").isIntegralNumber() && n.get("license").canConvertToLong()) {
            b.setLicense(n.get("license").asLong());
        }
        b.setCocoUrl(optionalText(n, "coco_url"));
        b.setFlickrUrl(optionalText(n, "flickr_url"));
        b.setDateCaptured(optionalText(n, "date_captured"));
        return b.build();
    }

    static Category category(Kind kind, JsonNode n, Location at, Provenance p) {
        Category.Builder b = Category.newBuilder().setKind(kind.id()).setProvenance(p)
                .setId(Json.requireInt(n, "id", at))
                .setName(requireText(n, "name", at))
                .setSupercategory(text(n, "supercategory", ""));
        List<String> keypoints = new ArrayList<>();
        n.path("keypoints").forEach(k -> keypoints.add(k.asText()));
        b.setKeypoints(keypoints);
        List<List<Integer>> skeleton = new ArrayList<>();
        int i = 0;
        for (JsonNode pair : n.path("skeleton")) {
            List<Integer> edge = new ArrayList<>();
            int j = 0;
            for (JsonNode v : pair) {
                if (!v.isIntegralNumber()) {
                    throw new CocoFormatException(Json.at(at, "skeleton[" + i + "][" + j + "]"), "expected an integer, found " + v);
                }
                edge.add(v.asInt());
                j++;
            }
            skeleton.add(edge);
            i++;
        }
        b.setSkeleton(skeleton);
        if (n.has("isthing")) {
            b.setIsthing(Json.requireInt(n, "isthing", at));
        }
        List<Integer> color = new ArrayList<>();
        n.path("color").forEach(c -> color.add(c.asInt()));
        b.setColor(color);
        return b.build();
    }

    /** The fields every instance-like annotation has, checked once for all three record types. */
    private record Common(long id, long imageId, int categoryId, int iscrowd, double area, List<Double> bbox,
            Segmentation segmentation) {
        static Common of(JsonNode n, Location at, ImageSize image, boolean segmentationRequired) {
            long id = nonNegativeLong(n, "id", at);
            long imageId = nonNegativeLong(n, "image_id", at);
            int categoryId = Json.requireInt(n, "category_id", at);
            int iscrowd = crowd(n, at);
            double area = nonNegative(n, "area", at);
            List<Double> box = Converters.bbox(n, at, true);
            Segmentation seg = segmentationRequired || n.has("segmentation")
                    ? Converters.segmentation(n.get("segmentation"), Json.at(at, "segmentation"), image, true) : null;
            return new Common(id, imageId, categoryId, iscrowd, area, box, seg);
        }
    }

    static InstanceAnnotation instance(JsonNode n, Location at, ImageSize image) {
        Common c = Common.of(n, at, image, true);
        return InstanceAnnotation.newBuilder().setId(c.id()).setImageId(c.imageId()).setCategoryId(c.categoryId())
                .setIscrowd(c.iscrowd()).setArea(c.area()).setBbox(c.bbox()).setSegmentation(c.segmentation()).build();
    }

    static KeypointAnnotation keypoints(JsonNode n, Location at, ImageSize image) {
        List<Double> kp = numbers(n.get("keypoints"), Json.at(at, "keypoints"), false);
        if (kp.size() % 3 != 0) {
            throw new CocoFormatException(Json.at(at, "keypoints"),
                    "expected [x, y, v] triples, found " + kp.size() + " numbers");
        }
        Common c = Common.of(n, at, image, false);
        return KeypointAnnotation.newBuilder().setId(c.id()).setImageId(c.imageId()).setCategoryId(c.categoryId())
                .setIscrowd(c.iscrowd()).setArea(c.area()).setBbox(c.bbox()).setSegmentation(c.segmentation())
                .setKeypoints(kp)
                .setNumKeypoints(Json.optionalInt(n, "num_keypoints", 0, at))
                .build();
    }

    static Caption caption(JsonNode n, Location at) {
        return Caption.newBuilder()
                .setId(nonNegativeLong(n, "id", at))
                .setImageId(nonNegativeLong(n, "image_id", at))
                .setCaption(requireText(n, "caption", at))
                .build();
    }

    static DensePoseAnnotation densepose(JsonNode n, Location at, ImageSize image) {
        List<RleMask> masks = new ArrayList<>();
        JsonNode dm = n.get("dp_masks");
        if (dm != null && !dm.isNull()) {
            if (!dm.isArray() || dm.size() != Kind.DENSEPOSE_PARTS) {
                throw new CocoFormatException(Json.at(at, "dp_masks"),
                        "expected " + Kind.DENSEPOSE_PARTS + " part masks, found " + (dm.isArray() ? dm.size() : dm));
            }
            int i = 0;
            for (JsonNode m : dm) {
                Location mat = Json.at(at, "dp_masks[" + i++ + "]");
                boolean empty = m.isNull() || (m.isArray() && m.isEmpty());
                masks.add(empty ? null : rle(m, mat, null));
            }
        }
        Common c = Common.of(n, at, image, false);
        return DensePoseAnnotation.newBuilder().setId(c.id()).setImageId(c.imageId()).setCategoryId(c.categoryId())
                .setIscrowd(c.iscrowd()).setArea(c.area()).setBbox(c.bbox()).setSegmentation(c.segmentation())
                .setKeypoints(n.has("keypoints") ? numbers(n.get("keypoints"), Json.at(at, "keypoints"), false) : List.of())
                .setNumKeypoints(Json.optionalInt(n, "num_keypoints", 0, at))
                .setDpI(optionalNumbers(n, "dp_I", at))
                .setDpU(optionalNumbers(n, "dp_U", at))
                .setDpV(optionalNumbers(n, "dp_V", at))
                .setDpX(optionalNumbers(n, "dp_x", at))
                .setDpY(optionalNumbers(n, "dp_y", at))
                .setDpMasks(masks)
                .build();
    }

    /** A detection result; {@code id} is loadRes's, whatever the file says: 1-based position in the file. */
    static ResultAnnotation result(JsonNode n, long index, Location at, ImageSize image) {
        ResultAnnotation.Builder b = ResultAnnotation.newBuilder()
                .setId(index + 1)
                .setImageId(nonNegativeLong(n, "image_id", at))
                .setCategoryId(Json.optionalInt(n, "category_id", 0, at))
                .setBbox(n.has("bbox") ? bbox(n, at, true) : List.of())
                .setKeypoints(n.has("keypoints") ? numbers(n.get("keypoints"), Json.at(at, "keypoints"), false) : List.of())
                .setCaption(optionalText(n, "caption"))
                .setArea(n.has("area") ? nonNegative(n, "area", at) : 0.0);
        if (n.has("score")) {
            b.setScore(finite(n.get("score"), Json.at(at, "score")));
        }
        if (n.has("segmentation")) {
            b.setSegmentation(segmentation(n.get("segmentation"), Json.at(at, "segmentation"), image, false));
        }
        if (!n.has("bbox") && !n.has("segmentation") && !n.has("keypoints") && !n.has("caption")) {
            throw new CocoFormatException(at, "a result needs bbox, segmentation, keypoints or caption");
        }
        return b.build();
    }

    private static int crowd(JsonNode n, Location at) {
        int c = Json.optionalInt(n, "iscrowd", 0, at);
        if (c != 0 && c != 1) {
            throw new CocoFormatException(Json.at(at, "iscrowd"), "expected 0 or 1, found " + c);
        }
        return c;
    }

    static List<Double> bbox(JsonNode n, Location at, boolean required) {
        JsonNode b = n.get("bbox");
        if (b == null && !required) {
            return List.of();
        }
        Location bat = Json.at(at, "bbox");
        List<Double> v = numbers(Json.require(n, "bbox", at), bat, false);
        if (v.size() != 4) {
            throw new CocoFormatException(bat, "expected [x, y, width, height], found " + v.size() + " numbers");
        }
        if (v.get(2) < 0 || v.get(3) < 0) {
            throw new CocoFormatException(bat, "width and height must not be negative, found " + v);
        }
        return v;
    }

    /** A segmentation as polygons or an RLE; the RLE's size must be its image's when known. */
    static Segmentation segmentation(JsonNode s, Location at, ImageSize image, boolean sizeMustMatch) {
        if (s == null || s.isNull()) {
            throw new CocoFormatException(at, "missing required field \"segmentation\"");
        }
        if (s.isArray()) {
            List<List<Double>> polygons = new ArrayList<>();
            int i = 0;
            for (JsonNode part : s) {
                Location pat = new Location(at.file(), at.jsonPath() + "[" + i + "]", at.line(), at.column());
                List<Double> xy = numbers(part, pat, true);
                if (xy.size() % 2 != 0) {
                    throw new CocoFormatException(pat, "a polygon needs x, y pairs, found an odd " + xy.size() + " numbers");
                }
                if (xy.size() < 6) {
                    throw new CocoFormatException(pat, "a polygon needs at least 3 points (6 numbers), found " + xy.size());
                }
                polygons.add(xy);
                i++;
            }
            if (polygons.isEmpty()) {
                throw new CocoFormatException(at, "an empty polygon list has no mask");
            }
            return Segmentation.newBuilder().setPolygons(polygons).build();
        }
        RleMask rle = rle(s, at, sizeMustMatch ? image : null);
        return Segmentation.newBuilder().setRle(rle).build();
    }

    /** {@code {"size": [h, w], "counts": ...}}, checked as the Mask API would parse it. */
    static RleMask rle(JsonNode s, Location at, ImageSize image) {
        if (!s.isObject()) {
            throw new CocoFormatException(at, "expected a polygon list or an RLE object, found " + s.getNodeType());
        }
        JsonNode size = s.get("size");
        if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt()
                || !size.get(1).canConvertToInt() || size.get(0).asInt() < 0 || size.get(1).asInt() < 0) {
            throw new CocoFormatException(Json.at(at, "size"), "expected [height, width], found " + size);
        }
        int h = size.get(0).asInt();
        int w = size.get(1).asInt();
        if (image != null && image != ImageSize.UNKNOWN && (h != image.height() || w != image.width())) {
            throw new CocoFormatException(Json.at(at, "size"), "RLE size [" + h + ", " + w
                    + "] differs from its image's [" + image.height() + ", " + image.width() + "]");
        }
        JsonNode counts = s.get("counts");
        RleMask.Builder b = RleMask.newBuilder().setHeight(h).setWidth(w);
        try {
            if (counts != null && counts.isTextual()) {
                Masks.frString(counts.asText(), h, w);
                return b.setCounts(counts.asText()).build();
            }
            if (counts != null && counts.isArray()) {
                long[] c = new long[counts.size()];
                int i = 0;
                for (JsonNode v : counts) {
                    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                        throw new CocoFormatException(Json.at(at, "counts[" + i + "]"), "expected an integer, found " + v);
                    }
                    c[i++] = v.asLong();
                }
                io.cocostream.mask.Rle.ofLongs(h, w, c);
                List<Long> list = new ArrayList<>(c.length);
                for (long v : c) {
                    list.add(v);
                }
                return b.setUncompressedCounts(list).build();
            }
        } catch (IllegalArgumentException e) {
            throw new CocoFormatException(Json.at(at, "counts"), e.getMessage());
        }
        throw new CocoFormatException(Json.at(at, "counts"), "expected a list of run lengths or a compressed string");
    }

    private static List<Double> optionalNumbers(JsonNode n, String field, Location at) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? List.of() : numbers(v, Json.at(at, field), false);
    }

    static List<Double> numbers(JsonNode arr, Location at, boolean allowEmpty) {
        if (arr == null || !arr.isArray()) {
            throw new CocoFormatException(at, "expected a list of numbers, found " + (arr == null ? "nothing" : arr.getNodeType()));
        }
        List<Double> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            JsonNode v = arr.get(i);
            double d = v.asDouble();
            // The element's location is built only for an error: this loop sees every coordinate.
            if (!v.isNumber() || !Double.isFinite(d)) {
                finite(v, new Location(at.file(), at.jsonPath() + "[" + i + "]", at.line(), at.column()));
            }
            out.add(d);
        }
        return out;
    }

    static double finite(JsonNode v, Location at) {
        if (!v.isNumber()) {
            throw new CocoFormatException(at, "expected a number, found " + v);
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new CocoFormatException(at, "expected a finite number, found " + v);
        }
        return d;
    }

    private static double nonNegative(JsonNode n, String field, Location at) {
        double d = finite(Json.require(n, field, at), Json.at(at, field));
        if (d < 0) {
            throw new CocoFormatException(Json.at(at, field), "must not be negative, found " + d);
        }
        return d;
    }

    private static long nonNegativeLong(JsonNode n, String field, Location at) {
        long v = Json.requireLong(n, field, at);
        if (v < 0) {
            throw new CocoFormatException(Json.at(at, field), "must not be negative, found " + v);
        }
        return v;
    }

    private static int positiveInt(JsonNode n, String field, Location at) {
        int v = Json.requireInt(n, field, at);
        if (v <= 0) {
            throw new CocoFormatException(Json.at(at, field), "must be positive, found " + v);
        }
        return v;
    }

    private static String requireText(JsonNode n, String field, Location at) {
        JsonNode v = Json.require(n, field, at);
        if (!v.isTextual()) {
            throw new CocoFormatException(Json.at(at, field), "expected a string, found " + v);
        }
        return v.asText();
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
