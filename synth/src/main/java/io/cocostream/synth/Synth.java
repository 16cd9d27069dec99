package io.cocostream.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.PanopticPng;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Kind;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * {@code cocostream synth}: realistic synthetic COCO files of any size, deterministic by seed,
 * written as a stream. Annotations are not sorted by image (like a vendor's concatenated work),
 * polygons are star-shaped with 1-3 parts and declared areas and boxes as COCO's own tooling
 * computes them (shoelace area, vertex extent), about 1% crowd RLEs; about 7.3 annotations per
 * image as in train2017.
 *
 * <p>It passes 400 lines because every kind's writer is here: they share the random shapes
 * (polygons, crowd masks, boxes, keypoints), the seed's stream and the image table, and a file per
 * kind would pass those around for a few dozen lines each.
 */
public final class Synth {
    /** Annotations per image in train2017 (860k / 118k). */
    static final double ANNOTATIONS_PER_IMAGE = 7.3;
    static final String[] KEYPOINTS = {"nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
        "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
        "left_knee", "right_knee", "left_ankle", "right_ankle"};
    static final int[][] SKELETON = {{16, 14}, {14, 12}, {17, 15}, {15, 13}, {12, 13}, {6, 12}, {7, 13}, {6, 7},
        {6, 8}, {7, 9}, {8, 10}, {9, 11}, {2, 3}, {1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}};
    static final String[] WORDS = {"a", "man", "woman", "dog", "cat", "riding", "sitting", "on", "the", "with", "bench",
        "street", "table", "pizza", "red", "large", "small", "next", "to", "bus", "train", "field", "playing", "ball"};

    private final Kind kind;
    private final int imageCount;
    private final Random rnd;
    private final MaskScratch scratch = new MaskScratch();
    private final int[] heights;
    private final int[] widths;

    private Synth(Kind kind, int images, long seed) {
        this.kind = kind;
        this.imageCount = images;
        this.rnd = new Random(seed);
        this.heights = new int[images];
        this.widths = new int[images];
        for (int i = 0; i < images; i++) {
            boolean landscape = rnd.nextInt(4) != 0;
            int big = 480 + rnd.nextInt(161);
            int small = 320 + rnd.nextInt(161);
            heights[i] = kind == Kind.PANOPTIC ? 64 + rnd.nextInt(64) : landscape ? small : big;
            widths[i] = kind == Kind.PANOPTIC ? 64 + rnd.nextInt(64) : landscape ? big : small;
        }
    }

    /** Writes a file of {@code kind} with {@code images} images to {@code out} (panoptic: PNGs beside it). */
    public static void write(Kind kind, int images, long seed, Path out) throws IOException {
        if (images <= 0) {
            throw new IllegalArgumentException("--images must be positive, got " + images);
        }
        Synth s = new Synth(kind, images, seed);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
                JsonGenerator g = new JsonFactory().createGenerator(os)) {
            if (kind == Kind.RESULTS) {
                g.writeStartArray();
                s.results(g);
                g.writeEndArray();
                return;
            }
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "cocostream synthetic " + kind.id() + ", seed " + seed);
            g.writeEndObject();
            s.images(g);
            g.writeArrayFieldStart("annotations");
            switch (kind) {
                case CAPTIONS -> s.captions(g);
                case PANOPTIC -> s.panoptic(g, PanopticPng.folderOf(out));
                case STUFF -> s.stuff(g);
                default -> s.instances(g);
            }
            g.writeEndArray();
            if (kind != Kind.CAPTIONS) {
                s.categories(g); // COCO caption files have none
            }
            g.writeEndObject();
        }
    }

    private long imageId(int i) {
        return 100_000L + 7L * i;
    }

    private void images(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("images");
        for (int i = 0; i < imageCount; i++) {
            g.writeStartObject();
            g.writeNumberField("license", 1 + i % 8);
            g.writeStringField("file_name", String.format("%012d.%s", imageId(i), kind == Kind.PANOPTIC ? "png" : "jpg"));
            g.writeStringField("coco_url", "http://images.cocodataset.org/train2017/" + String.format("%012d.jpg", imageId(i)));
            g.writeNumberField("height", heights[i]);
            g.writeNumberField("width", widths[i]);
            g.writeStringField("date_captured", "2013-11-14 16:28:13");
            g.writeNumberField("id", imageId(i));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void categories(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("categories");
        int first = kind == Kind.STUFF ? Kind.FIRST_STUFF_CATEGORY : 1;
        int n = kind == Kind.PERSON_KEYPOINTS || kind == Kind.DENSEPOSE ? 1 : kind == Kind.STUFF ? 92 : 80;
        for (int c = first; c < first + n; c++) {
            g.writeStartObject();
            g.writeStringField("supercategory", kind == Kind.STUFF ? "stuff" : "thing");
            g.writeNumberField("id", c);
            g.writeStringField("name", c == 1 ? "person" : "category" + c);
            if (kind == Kind.PERSON_KEYPOINTS) {
                g.writeArrayFieldStart("keypoints");
                for (String k : KEYPOINTS) {
                    g.writeString(k);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("skeleton");
                for (int[] e : SKELETON) {
                    g.writeArray(e, 0, 2);
                }
                g.writeEndArray();
            }
            if (kind == Kind.PANOPTIC) {
                g.writeNumberField("isthing", c <= 40 ? 1 : 0);
                g.writeArrayFieldStart("color");
                g.writeNumber(c * 3 % 256);
                g.writeNumber(c * 7 % 256);
                g.writeNumber(c * 11 % 256);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A star-shaped polygon around a random centre inside the image. */
    private double[] polygon(int h, int w) {
        return polygon(h, w, 0, w);
    }

    /**
     * A star-shaped polygon inside the disc around a random centre in columns [x0, x1): parts of one
     * annotation get disjoint strips, as real multi-part polygons do not overlap.
     */
    private double[] polygon(int h, int w, double x0, double x1) {
        int k = 8 + rnd.nextInt(30);
        double span = x1 - x0;
        double cx = x0 + span / 2 + (rnd.nextDouble() - 0.5) * Math.max(0, span - 20);
        double cy = 10 + rnd.nextDouble() * (h - 20);
        double r = Math.min(5 + rnd.nextDouble() * Math.min(w, h) / 4, Math.max(2, Math.min(cx - x0, x1 - cx) - 1));
        double[] xy = new double[2 * k];
        for (int i = 0; i < k; i++) {
            double a = 2 * Math.PI * i / k;
            double rr = r * (0.6 + 0.4 * rnd.nextDouble());
            xy[2 * i] = round2(Math.min(w - 0.01, Math.max(0, cx + rr * Math.cos(a))));
            xy[2 * i + 1] = round2(Math.min(h - 0.01, Math.max(0, cy + rr * Math.sin(a))));
        }
        return xy;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private void instances(JsonGenerator g) throws IOException {
        long count = Math.round(imageCount * ANNOTATIONS_PER_IMAGE);
        for (long a = 0; a < count; a++) {
            int img = rnd.nextInt(imageCount);
            int h = heights[img];
            int w = widths[img];
            boolean crowd = rnd.nextInt(100) == 0;
            g.writeStartObject();
            g.writeNumberField("id", 1_000_000L + a);
            g.writeNumberField("image_id", imageId(img));
            g.writeNumberField("category_id", kind == Kind.PERSON_KEYPOINTS || kind == Kind.DENSEPOSE ? 1 : 1 + rnd.nextInt(80));
            g.writeNumberField("iscrowd", crowd ? 1 : 0);
            double[] bbox;
            if (crowd) {
                Rle rle = Masks.frPoly(polygon(h, w), h, w, scratch);
                double[] bb = Masks.toBbox(rle);
                g.writeObjectFieldStart("segmentation");
                g.writeArrayFieldStart("counts");
                for (int c : rle.counts()) {
                    g.writeNumber(c);
                }
                g.writeEndArray();
                size(g, h, w);
                g.writeEndObject();
                g.writeNumberField("area", Masks.area(rle));
                bbox = new double[] {bb[0], bb[1], Math.max(0, bb[2] - 1), Math.max(0, bb[3] - 1)};
            } else {
                int parts = 1 + (rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(2) : 0);
                double area = 0;
                double[] ext = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
                g.writeArrayFieldStart("segmentation");
                for (int p = 0; p < parts; p++) {
                    double[] xy = polygon(h, w, (double) w * p / parts, (double) w * (p + 1) / parts);
                    g.writeArray(xy, 0, xy.length);
                    area += shoelace(xy);
                    for (int i = 0; i < xy.length; i += 2) {
                        ext[0] = Math.min(ext[0], xy[i]);
                        ext[1] = Math.min(ext[1], xy[i + 1]);
                        ext[2] = Math.max(ext[2], xy[i]);
                        ext[3] = Math.max(ext[3], xy[i + 1]);
                    }
                }
                g.writeEndArray();
                g.writeNumberField("area", area);
                bbox = new double[] {ext[0], ext[1], round2(ext[2] - ext[0]), round2(ext[3] - ext[1])};
            }
            g.writeFieldName("bbox");
            g.writeArray(bbox, 0, 4);
            if (kind == Kind.PERSON_KEYPOINTS) {
                keypoints(g, bbox);
            }
            if (kind == Kind.DENSEPOSE) {
                densepose(g);
            }
            g.writeEndObject();
        }
    }

    private void keypoints(JsonGenerator g, double[] bbox) throws IOException {
        int visible = 0;
        g.writeArrayFieldStart("keypoints");
        for (int k = 0; k < KEYPOINTS.length; k++) {
            int v = rnd.nextInt(3);
            if (v == 0) {
                g.writeNumber(0);
                g.writeNumber(0);
            } else {
                g.writeNumber((int) (bbox[0] + rnd.nextDouble() * bbox[2]));
                g.writeNumber((int) (bbox[1] + rnd.nextDouble() * bbox[3]));
                visible++;
            }
            g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeNumberField("num_keypoints", visible);
    }

    private void densepose(JsonGenerator g) throws IOException {
        int n = 20 + rnd.nextInt(100);
        g.writeArrayFieldStart("dp_I");
        for (int i = 0; i < n; i++) {
            g.writeNumber((double) (1 + rnd.nextInt(24)));
        }
        g.writeEndArray();
        for (String f : new String[] {"dp_U", "dp_V"}) {
            g.writeArrayFieldStart(f);
            for (int i = 0; i < n; i++) {
                g.writeNumber(rnd.nextDouble());
            }
            g.writeEndArray();
        }
        for (String f : new String[] {"dp_x", "dp_y"}) {
            g.writeArrayFieldStart(f);
            for (int i = 0; i < n; i++) {
                g.writeNumber(rnd.nextDouble() * 256);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("dp_masks");
        for (int p = 0; p < Kind.DENSEPOSE_PARTS; p++) {
            if (rnd.nextBoolean()) {
                g.writeStartArray();
                g.writeEndArray();
            } else {
                Rle rle = Masks.frPoly(polygon(256, 256), 256, 256, scratch);
                g.writeStartObject();
                size(g, 256, 256);
                g.writeStringField("counts", Masks.toString(rle, scratch));
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /** An RLE's {@code "size": [h, w]}. */
    private static void size(JsonGenerator g, int h, int w) throws IOException {
        g.writeArrayFieldStart("size");
        g.writeNumber(h);
        g.writeNumber(w);
        g.writeEndArray();
    }

    private static double shoelace(double[] xy) {
        double s = 0;
        int k = xy.length / 2;
        for (int i = 0; i < k; i++) {
            int j = (i + 1) % k;
            s += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }
        return Math.abs(s) / 2;
    }

    private void captions(JsonGenerator g) throws IOException {
        long id = 1;
        for (int i = 0; i < imageCount; i++) {
            for (int c = 0; c < 5; c++) {
                g.writeStartObject();
                g.writeNumberField("image_id", imageId(i));
                g.writeNumberField("id", id++);
                StringBuilder sb = new StringBuilder("A");
                int words = 6 + rnd.nextInt(8);
                for (int w = 0; w < words; w++) {
                    sb.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
                }
                g.writeStringField("caption", sb.append('.').toString());
                g.writeEndObject();
            }
        }
    }

    /** COCO-Stuff style: one compressed RLE per stuff category present, from a random partition. */
    private void stuff(JsonGenerator g) throws IOException {
        long id = 10_000_000;
        for (int i = 0; i < imageCount; i++) {
            int h = heights[i];
            int w = widths[i];
            int regions = 2 + rnd.nextInt(6);
            for (int r = 0; r < regions; r++) {
                Rle rle = Masks.frPoly(polygon(h, w), h, w, scratch);
                double[] bb = Masks.toBbox(rle);
                g.writeStartObject();
                g.writeObjectFieldStart("segmentation");
                g.writeStringField("counts", Masks.toString(rle, scratch));
                size(g, h, w);
                g.writeEndObject();
                g.writeNumberField("area", (double) Masks.area(rle));
                g.writeNumberField("iscrowd", 0);
                g.writeNumberField("image_id", imageId(i));
                g.writeFieldName("bbox");
                g.writeArray(bb, 0, 4);
                g.writeNumberField("category_id", Kind.FIRST_STUFF_CATEGORY + rnd.nextInt(91));
                g.writeNumberField("id", id++);
                g.writeEndObject();
            }
        }
    }

    /** Panoptic: a PNG per image of rectangles with ids R + 256·G + 256²·B, and their segments_info. */
    private void panoptic(JsonGenerator g, Path pngDir) throws IOException {
        Files.createDirectories(pngDir);
        for (int i = 0; i < imageCount; i++) {
            int h = heights[i];
            int w = widths[i];
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int segments = 1 + rnd.nextInt(6);
            int[] ids = new int[segments];
            for (int s = 0; s < segments; s++) {
                ids[s] = 1 + rnd.nextInt(1 << 23);
                int x0 = rnd.nextInt(w / 2);
                int y0 = rnd.nextInt(h / 2);
                int x1 = x0 + 4 + rnd.nextInt(w / 2 - 3);
                int y1 = y0 + 4 + rnd.nextInt(h / 2 - 3);
                int rgb = ((ids[s] & 0xff) << 16) | (((ids[s] >> 8) & 0xff) << 8) | ((ids[s] >> 16) & 0xff);
                for (int y = y0; y < Math.min(h, y1); y++) {
                    for (int x = x0; x < Math.min(w, x1); x++) {
                        img.setRGB(x, y, rgb);
                    }
                }
            }
            String name = String.format("%012d.png", imageId(i));
            ImageIO.write(img, "png", pngDir.resolve(name).toFile());
            int[] pix = img.getRGB(0, 0, w, h, null, 0, w);
            g.writeStartObject();
            g.writeNumberField("image_id", imageId(i));
            g.writeStringField("file_name", name);
            g.writeArrayFieldStart("segments_info");
            for (int s = 0; s < segments; s++) {
                long area = 0;
                int xs = w;
                int ys = h;
                int xe = -1;
                int ye = -1;
                for (int p = 0; p < pix.length; p++) {
                    int v = pix[p];
                    int id = ((v >> 16) & 0xff) + 256 * ((v >> 8) & 0xff) + 65536 * (v & 0xff);
                    if (id == ids[s]) {
                        area++;
                        xs = Math.min(xs, p % w);
                        xe = Math.max(xe, p % w);
                        ys = Math.min(ys, p / w);
                        ye = Math.max(ye, p / w);
                    }
                }
                if (area == 0) {
                    continue; // fully covered by a later rectangle
                }
                g.writeStartObject();
                g.writeNumberField("id", ids[s]);
                g.writeNumberField("category_id", 1 + rnd.nextInt(80));
                g.writeNumberField("iscrowd", 0);
                g.writeNumberField("area", area);
                g.writeArrayFieldStart("bbox");
                g.writeNumber(xs);
                g.writeNumber(ys);
                g.writeNumber(xe - xs + 1);
                g.writeNumber(ye - ys + 1);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void results(JsonGenerator g) throws IOException {
        long count = Math.round(imageCount * ANNOTATIONS_PER_IMAGE);
        for (long a = 0; a < count; a++) {
            int img = rnd.nextInt(imageCount);
            int h = heights[img];
            int w = widths[img];
            Rle rle = Masks.frPoly(polygon(h, w), h, w, scratch);
            g.writeStartObject();
            g.writeNumberField("image_id", imageId(img));
            g.writeNumberField("category_id", 1 + rnd.nextInt(80));
            g.writeObjectFieldStart("segmentation");
            size(g, h, w);
            g.writeStringField("counts", Masks.toString(rle, scratch));
            g.writeEndObject();
            g.writeNumberField("score", Math.round(rnd.nextDouble() * 1000) / 1000.0);
            g.writeEndObject();
        }
    }
}
