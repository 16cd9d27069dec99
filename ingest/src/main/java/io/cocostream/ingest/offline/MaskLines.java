package io.cocostream.ingest.offline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.ingest.CocoFormatException;
import io.cocostream.ingest.CocoJsonReader;
import io.cocostream.ingest.ImageSizes;
import io.cocostream.ingest.Json;
import io.cocostream.ingest.Location;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.PanopticPng;
import io.cocostream.mask.Rle;
import io.cocostream.mask.Segmentation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code cocostream masks}: one JSON line per annotation (per segment for a panoptic file) with
 * its mask as pycocotools computes it, streaming, so files larger than the heap work. Annotations
 * that cannot be encoded get a line with {@code error} instead.
 */
public final class MaskLines {
    /** Largest PNG accepted (pixels), far above any COCO image. */
    public static final long MAX_PNG_PIXELS = 1L << 26;

    /** Lines written. */
    public record Summary(long lines, long errors) {}

    private final JsonGenerator out;
    private final MaskScratch scratch = new MaskScratch();
    private final double[] bbox = new double[4];
    private long lines;
    private long errors;

    private MaskLines(JsonGenerator out) {
        this.out = out;
    }

    /** Writes the lines of {@code file}; panoptic PNGs are read from {@code pngDir} (null: the folder named like the file). */
    public static Summary write(Path file, Path pngDir, Writer writer) throws IOException {
        ImageSizes sizes = ImageSizes.of(file);
        Path pngs = pngDir != null ? pngDir : PanopticPng.folderOf(file);
        try (JsonGenerator g = new JsonFactory().createGenerator(writer)) {
            g.setRootValueSeparator(null);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            MaskLines m = new MaskLines(g);
            new CocoJsonReader(file).scan(Set.of("annotations", CocoJsonReader.RESULTS), (section, i, ann, at) -> {
                try {
                    if (ann.has("segments_info")) {
                        m.panoptic(ann, at, pngs);
                    } else {
                        m.annotation(ann, i, section.equals(CocoJsonReader.RESULTS), sizes, at);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            g.flush();
            return new Summary(m.lines, m.errors);
        }
    }


    private void annotation(JsonNode ann, long index, boolean result, ImageSizes sizes, Location at)
            throws IOException {
        // loadRes numbers results 1..n in file order; other files carry ids.
        JsonNode idNode = ann.get("id");
        long id = readable(idNode) ? idNode.asLong() : idNode == null && result ? index + 1 : -1;
        JsonNode imageNode = ann.get("image_id");
        long imageId = readable(imageNode) ? imageNode.asLong() : -1;
        try {
            if (idNode != null && idNode.isNumber()) {
                Json.requireLong(ann, "id", at); // an id beyond 64 bits is an error, not another id
            }
            if (imageNode != null && imageNode.isNumber()) {
                Json.requireLong(ann, "image_id", at);
            }
            int h = sizes.contains(imageId) ? sizes.height(imageId) : 0;
            int w = sizes.contains(imageId) ? sizes.width(imageId) : 0;
            Segmentation seg = Json.segmentation(ann, at);
            if (seg instanceof Segmentation.Polygons && !sizes.contains(imageId)) {
                throw new CocoFormatException(Json.at(at, "image_id"),
                        "no image " + imageId + " in the file: a polygon needs the image's size");
            }
            Rle rle = Masks.annToRle(seg, h, w, scratch);
            line(id, imageId, Json.optionalInt(ann, "category_id", 0, at), Json.optionalInt(ann, "iscrowd", 0, at), rle);
        } catch (CocoFormatException | IllegalArgumentException e) {
            error(id, imageId, e.getMessage());
        }
    }

    /** Whether a JSON id reads as itself: an integer within 64 bits. */
    private static boolean readable(JsonNode n) {
        return n != null && n.isNumber() && n.canConvertToLong();
    }

    private void panoptic(JsonNode ann, Location at, Path pngDir) throws IOException {
        long imageId = Json.requireLong(ann, "image_id", at);
        String fileName = Json.require(ann, "file_name", at).asText();
        Map<Integer, Rle> segments;
        Path png = pngDir.resolve(fileName);
        try (InputStream in = Files.newInputStream(png)) {
            segments = PanopticPng.segments(PanopticPng.read(in, MAX_PNG_PIXELS));
        } catch (IOException | IllegalArgumentException e) {
            for (JsonNode s : ann.path("segments_info")) {
                error(s.path("id").asLong(-1), imageId, png + ": " + e.getMessage());
            }
            return;
        }
        Set<Integer> listed = new HashSet<>();
        for (JsonNode s : ann.get("segments_info")) {
            long id = s.path("id").asLong(-1);
            Rle rle = segments.get((int) id);
            listed.add((int) id);
            if (rle == null) {
                error(id, imageId, "segment " + id + " is in segments_info but not in " + png);
            } else {
                line(id, imageId, s.path("category_id").asInt(), s.path("iscrowd").asInt(0), rle);
            }
        }
        for (int id : segments.keySet()) {
            if (!listed.contains(id)) {
                error(id, imageId, "segment " + id + " is in " + png + " but not in segments_info");
            }
        }
    }

    private void line(long id, long imageId, int categoryId, int iscrowd, Rle rle) throws IOException {
        Masks.toBbox(rle, bbox, 0);
        out.writeStartObject();
        out.writeNumberField("id", id);
        out.writeNumberField("image_id", imageId);
        out.writeNumberField("category_id", categoryId);
        out.writeNumberField("iscrowd", iscrowd);
        out.writeArrayFieldStart("size");
        out.writeNumber(rle.h());
        out.writeNumber(rle.w());
        out.writeEndArray();
        out.writeNumberField("area", Masks.area(rle));
        out.writeArrayFieldStart("bbox");
        for (double v : bbox) {
            out.writeNumber(v);
        }
        out.writeEndArray();
        out.writeStringField("counts", Masks.toString(rle, scratch));
        out.writeEndObject();
        out.writeRaw('\n');
        lines++;
    }

    private void error(long id, long imageId, String message) throws IOException {
        out.writeStartObject();
        out.writeNumberField("id", id);
        out.writeNumberField("image_id", imageId);
        out.writeStringField("error", message);
        out.writeEndObject();
        out.writeRaw('\n');
        lines++;
        errors++;
    }
}
