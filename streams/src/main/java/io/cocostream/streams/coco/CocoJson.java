package io.cocostream.streams.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import java.io.IOException;
import java.util.List;

/**
 * The views' records written back as COCO JSON, field by field as the COCO formats name them
 * (and as pycocotools' {@code loadImgs}, {@code loadAnns}, {@code loadCats} return them). Optional
 * fields are written only when the delivery had them.
 */
public final class CocoJson {
    private CocoJson() {}

    /** An {@code images} entry. */
    public static void image(JsonGenerator g, long imageId, Image im) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", imageId);
        if (im != null) {
            g.writeNumberField("width", im.getWidth());
            g.writeNumberField("height", im.getHeight());
            if (!im.getFileName().isEmpty()) {
                g.writeStringField("file_name", im.getFileName());
            }
            if (im.getLicense() != null) {
                g.writeNumberField("license", im.getLicense());
            }
            optional(g, "coco_url", im.getCocoUrl());
            optional(g, "flickr_url", im.getFlickrUrl());
            optional(g, "date_captured", im.getDateCaptured());
        }
        g.writeEndObject();
    }

    /** A {@code categories} entry: keypoints and skeleton for keypoint categories, isthing and color for panoptic. */
    public static void category(JsonGenerator g, Category c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", c.getId());
        g.writeStringField("name", c.getName());
        g.writeStringField("supercategory", c.getSupercategory());
        if (!c.getKeypoints().isEmpty() || c.getKind().equals(Kind.PERSON_KEYPOINTS.id())) {
            g.writeArrayFieldStart("keypoints");
            for (String k : c.getKeypoints()) {
                g.writeString(k);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("skeleton");
            for (List<Integer> pair : c.getSkeleton()) {
                g.writeStartArray();
                for (int i : pair) {
                    g.writeNumber(i);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        if (c.getIsthing() != null) {
            g.writeNumberField("isthing", c.getIsthing());
        }
        if (!c.getColor().isEmpty()) {
            g.writeArrayFieldStart("color");
            for (int v : c.getColor()) {
                g.writeNumber(v);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** An instances or stuff annotation as delivered (the recomputed mask is the view's, not COCO's). */
    public static void annotation(JsonGenerator g, long imageId, ValidatedAnnotation a) throws IOException {
        g.writeStartObject();
        instance(g, a.getId(), imageId, a.getCategoryId(), a.getSegmentation(), a.getArea(), a.getBbox(), a.getIscrowd());
        g.writeEndObject();
    }

    /** A person keypoints annotation. */
    public static void keypoints(JsonGenerator g, KeypointAnnotation a) throws IOException {
        g.writeStartObject();
        instance(g, a.getId(), a.getImageId(), a.getCategoryId(), a.getSegmentation(), a.getArea(), a.getBbox(),
                a.getIscrowd());
        g.writeNumberField("num_keypoints", a.getNumKeypoints());
        g.writeArrayFieldStart("keypoints");
        for (double v : a.getKeypoints()) {
            number(g, v);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A detection result as loadRes leaves it: a caption result its id, image and caption; others every field they have. */
    public static void result(JsonGenerator g, long imageId, ResultAnnotation r) throws IOException {
        g.writeStartObject();
        if (r.getCaption() != null) {
            g.writeNumberField("id", r.getId());
            g.writeNumberField("image_id", imageId);
            g.writeStringField("caption", r.getCaption());
            g.writeEndObject();
            return;
        }
        instance(g, r.getId(), imageId, r.getCategoryId(), r.getSegmentation(), r.getArea(), r.getBbox(), r.getIscrowd());
        if (r.getScore() != null) {
            g.writeFieldName("score");
            number(g, r.getScore());
        }
        if (!r.getKeypoints().isEmpty()) {
            doubles(g, "keypoints", r.getKeypoints());
        }
        g.writeEndObject();
    }

    /** The fields every instance-like annotation has. */
    private static void instance(JsonGenerator g, long id, long imageId, int categoryId, Segmentation seg, double area,
            List<Double> bbox, int iscrowd) throws IOException {
        g.writeNumberField("id", id);
        g.writeNumberField("image_id", imageId);
        g.writeNumberField("category_id", categoryId);
        segmentation(g, seg);
        g.writeNumberField("area", area);
        doubles(g, "bbox", bbox);
        g.writeNumberField("iscrowd", iscrowd);
    }

    /** A caption. */
    public static void caption(JsonGenerator g, Caption c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", c.getId());
        g.writeNumberField("image_id", c.getImageId());
        g.writeStringField("caption", c.getCaption());
        g.writeEndObject();
    }

    /** A panoptic {@code annotations} entry: the image's segments_info and its PNG's name. */
    public static void panoptic(JsonGenerator g, PanopticView v) throws IOException {
        g.writeStartObject();
        g.writeNumberField("image_id", v.getImageId());
        g.writeStringField("file_name", v.getFileName());
        g.writeArrayFieldStart("segments_info");
        for (ValidatedAnnotation s : v.getAnnotations()) {
            segment(g, s);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A panoptic segment ({@code segments_info} entry). */
    public static void segment(JsonGenerator g, ValidatedAnnotation s) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", s.getId());
        g.writeNumberField("category_id", s.getCategoryId());
        g.writeNumberField("iscrowd", s.getIscrowd());
        doubles(g, "bbox", s.getBbox());
        g.writeNumberField("area", s.getArea());
        g.writeEndObject();
    }

    /** A segmentation: polygons, or an RLE with compressed or uncompressed counts. */
    static void segmentation(JsonGenerator g, Segmentation s) throws IOException {
        if (s == null) {
            return;
        }
        g.writeFieldName("segmentation");
        RleMask m = s.getRle();
        if (m == null) {
            g.writeStartArray();
            for (List<Double> part : s.getPolygons()) {
                g.writeStartArray();
                for (double v : part) {
                    number(g, v);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            return;
        }
        g.writeStartObject();
        if (m.getCounts() != null) {
            g.writeStringField("counts", m.getCounts());
        } else {
            g.writeArrayFieldStart("counts");
            for (long c : m.getUncompressedCounts()) {
                g.writeNumber(c);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("size");
        g.writeNumber(m.getHeight());
        g.writeNumber(m.getWidth());
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void doubles(JsonGenerator g, String name, List<Double> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (double v : values) {
            number(g, v);
        }
        g.writeEndArray();
    }

    /** Integral values as integers (COCO writes keypoints and many boxes so), others as the shortest exact decimal. */
    static void number(JsonGenerator g, double v) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
