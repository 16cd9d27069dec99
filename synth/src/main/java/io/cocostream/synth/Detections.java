package io.cocostream.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.eval.JsonSections;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Detection results for a ground-truth instances file, as a detector gives them: most objects
 * found (their box shifted and rescaled by a few pixels, their mask the polygon shifted alike, now
 * and then the wrong category), plus false positives on every image; every result with a bbox, an
 * RLE segmentation and a score of three decimals (ties happen). Deterministic by seed; the ground
 * truth is read as a stream, images first (two passes: a file may put them anywhere).
 */
public final class Detections {
    /** The share of (non-crowd) objects found. */
    static final double FOUND = 0.85;
    /** False positives per image, on average. */
    static final double FALSE_PER_IMAGE = 2.3;
    /** How far a found object's box and mask are shifted, in pixels, at most. */
    static final double SHIFT = 4;

    private final Random rnd;
    private final MaskScratch scratch = new MaskScratch();
    private final List<Integer> categories = new ArrayList<>();
    private final Map<Long, int[]> sizes = new HashMap<>();
    private long written;

    private Detections(long seed) {
        this.rnd = new Random(seed);
    }

    /** Writes the results for {@code gt} to {@code out}; returns how many. */
    public static long write(Path gt, long seed, Path out) throws IOException {
        Detections d = new Detections(seed);
        JsonSections.forEach(gt, "images", (i, im) -> d.sizes.put(im.get("id").asLong(),
                new int[] {im.get("height").asInt(), im.get("width").asInt()}));
        JsonSections.forEach(gt, "categories", (i, c) -> d.categories.add(c.get("id").asInt()));
        if (d.categories.isEmpty()) {
            throw new IllegalArgumentException(gt + ": no categories to detect");
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
                JsonGenerator g = new JsonFactory().createGenerator(os)) {
            g.writeStartArray();
            JsonSections.forEach(gt, "annotations", (i, a) -> d.found(g, a));
            for (Map.Entry<Long, int[]> im : d.sizes.entrySet()) {
                double n = -Math.log(1 - d.rnd.nextDouble()) * FALSE_PER_IMAGE; // exponential: a few images get many
                for (int i = 0; i < (int) Math.round(n); i++) {
                    d.falsePositive(g, im.getKey(), im.getValue());
                }
            }
            g.writeEndArray();
        }
        return d.written;
    }

    private void found(JsonGenerator g, JsonNode a) throws IOException {
        int[] size = sizes.get(a.get("image_id").asLong());
        JsonNode seg = a.get("segmentation");
        if (size == null || a.path("iscrowd").asInt() != 0 || seg == null || !seg.isArray() || rnd.nextDouble() >= FOUND) {
            return;
        }
        double dx = (rnd.nextDouble() * 2 - 1) * SHIFT;
        double dy = (rnd.nextDouble() * 2 - 1) * SHIFT;
        Rle[] parts = new Rle[seg.size()];
        for (int i = 0; i < parts.length; i++) {
            JsonNode poly = seg.get(i);
            double[] xy = new double[poly.size()];
            for (int j = 0; j < xy.length; j++) {
                xy[j] = poly.get(j).asDouble() + (j % 2 == 0 ? dx : dy);
            }
            parts[i] = Masks.frPoly(xy, size[0], size[1], scratch);
        }
        Rle mask = parts.length == 1 ? parts[0] : Masks.merge(parts, false, scratch);
        JsonNode b = a.get("bbox");
        double[] box = {b.get(0).asDouble() + dx, b.get(1).asDouble() + dy, b.get(2).asDouble() * scale(),
            b.get(3).asDouble() * scale()};
        int category = rnd.nextDouble() < 0.9 ? a.get("category_id").asInt() : categories.get(rnd.nextInt(categories.size()));
        result(g, a.get("image_id").asLong(), category, box, mask);
    }

    private void falsePositive(JsonGenerator g, long imageId, int[] size) throws IOException {
        double w = 8 + rnd.nextDouble() * size[1] / 3.0;
        double h = 8 + rnd.nextDouble() * size[0] / 3.0;
        double x = rnd.nextDouble() * (size[1] - w);
        double y = rnd.nextDouble() * (size[0] - h);
        double[] box = {x, y, w, h};
        Rle mask = Masks.frPoly(new double[] {x, y + h / 2, x + w / 2, y, x + w, y + h / 2, x + w / 2, y + h}, size[0], size[1],
                scratch);
        result(g, imageId, categories.get(rnd.nextInt(categories.size())), box, mask);
    }

    private double scale() {
        return 0.9 + rnd.nextDouble() * 0.2;
    }

    private void result(JsonGenerator g, long imageId, int category, double[] box, Rle mask) throws IOException {
        g.writeStartObject();
        g.writeNumberField("image_id", imageId);
        g.writeNumberField("category_id", category);
        g.writeArrayFieldStart("bbox");
        for (double v : box) {
            g.writeNumber(Math.round(v * 100) / 100.0);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("segmentation");
        g.writeArrayFieldStart("size");
        g.writeNumber(mask.h());
        g.writeNumber(mask.w());
        g.writeEndArray();
        g.writeStringField("counts", Masks.toString(mask, scratch));
        g.writeEndObject();
        g.writeNumberField("score", Math.round(rnd.nextDouble() * 1000) / 1000.0);
        g.writeEndObject();
        written++;
    }
}
