package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every line of {@code ../shared/coco/masks/*.masks.jsonl}, recomputed from its source file. */
class ReferenceMasksTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "masks/instances_val2017_mini.masks.jsonl, instances/instances_val2017_mini.json, 624",
        "masks/person_keypoints_val2017_mini.masks.jsonl, person_keypoints/person_keypoints_val2017_mini.json, 118",
        "masks/stuff_examples.masks.jsonl, stuff/cocostuffapi__stuff_examples.json, 17",
        "masks/panoptic_coco_detection_format.masks.jsonl, panoptic/panopticapi__panoptic_coco_detection_format.json, 50",
        "masks/fakesegm100_results.masks.jsonl, results/cocoapi__instances_val2014_fakesegm100_results.json, 734",
    })
    void annToRleMatchesPycocotools(String reference, String source, int expectedLines) {
        JsonNode root = SharedData.readJson(source);
        Map<Long, int[]> sizes = new HashMap<>();
        JsonNode anns = root.isArray() ? root : root.get("annotations");
        if (root.has("images")) {
            for (JsonNode img : root.get("images")) {
                sizes.put(img.get("id").asLong(), new int[] {img.get("height").asInt(), img.get("width").asInt()});
            }
        }
        List<JsonNode> rows = SharedData.readJsonLines(reference);
        assertEquals(expectedLines, rows.size());
        // Results files repeat ids per image; the reference lists them in file order.
        MaskScratch scratch = new MaskScratch();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            JsonNode ann = findAnnotation(anns, row, i);
            int[] hw = sizes.getOrDefault(ann.get("image_id").asLong(),
                    new int[] {row.get("h").asInt(), row.get("w").asInt()});
            Rle rle = Masks.annToRle(Segmentation.fromJson(SharedData.plain(ann.get("segmentation"))),
                    hw[0], hw[1], scratch);
            assertRow(row, rle, scratch);
        }
    }

    private static JsonNode findAnnotation(JsonNode anns, JsonNode row, int index) {
        JsonNode byIndex = anns.get(index);
        if (byIndex != null && byIndex.has("id") && byIndex.get("id").asLong() == row.get("id").asLong()) {
            return byIndex;
        }
        for (JsonNode a : anns) {
            if (a.has("id") && a.get("id").asLong() == row.get("id").asLong()) {
                return a;
            }
        }
        return byIndex; // results files have no ids: the reference follows file order
    }

    static void assertRow(JsonNode row, Rle rle, MaskScratch scratch) {
        String what = "annotation " + row.get("id") + " of image " + row.get("image_id");
        assertEquals(row.get("rle_counts").asText(), Masks.toString(rle, scratch), what + ": counts");
        assertEquals(row.get("rle_area").asLong(), Masks.area(rle), what + ": area");
        assertArrayEquals(SharedData.doubles(row.get("rle_bbox")), Masks.toBbox(rle), what + ": bbox");
        assertArrayEquals(SharedData.ints(row.get("rle_size")), new int[] {rle.h(), rle.w()}, what + ": size");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"panoptic/panopticapi__panoptic_examples.json, panoptic/panopticapi__panoptic_examples, 50"})
    void panopticPngSegmentsMatchPycocotools(String json, String pngDir, int expected) throws IOException {
        Map<String, JsonNode> reference = new HashMap<>();
        for (JsonNode row : SharedData.readJsonLines("masks/panoptic_examples.masks.jsonl")) {
            reference.put(row.get("image_id").asLong() + "/" + row.get("id").asLong(), row);
        }
        assertEquals(expected, reference.size());
        int seen = 0;
        MaskScratch scratch = new MaskScratch();
        for (JsonNode ann : SharedData.readJson(json).get("annotations")) {
            Path png = SharedData.coco().resolve(pngDir).resolve(ann.get("file_name").asText());
            PanopticPng.IdImage img;
            try (InputStream in = Files.newInputStream(png)) {
                img = PanopticPng.read(in, 1L << 24);
            }
            Map<Integer, Rle> segments = PanopticPng.segments(img);
            assertEquals(ann.get("segments_info").size(), segments.size(), "segments of " + png);
            for (Map.Entry<Integer, Rle> e : segments.entrySet()) {
                JsonNode row = reference.get(ann.get("image_id").asLong() + "/" + e.getKey());
                assertTrue(row != null, "segment " + e.getKey() + " of " + png + " is in the reference");
                assertRow(row, e.getValue(), scratch);
                seen++;
            }
        }
        assertEquals(expected, seen);
    }
}
