package io.cocostream.ingest.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.ingest.CocoFormatException;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code cocostream masks} reproduces the pycocotools references for every shared file. */
class MaskLinesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, masks/instances_val2017_mini.masks.jsonl",
        "person_keypoints/person_keypoints_val2017_mini.json, masks/person_keypoints_val2017_mini.masks.jsonl",
        "stuff/cocostuffapi__stuff_examples.json, masks/stuff_examples.masks.jsonl",
        "panoptic/panopticapi__panoptic_coco_detection_format.json, masks/panoptic_coco_detection_format.masks.jsonl",
        "results/cocoapi__instances_val2014_fakesegm100_results.json, masks/fakesegm100_results.masks.jsonl",
        "panoptic/panopticapi__panoptic_examples.json, masks/panoptic_examples.masks.jsonl",
    })
    void everyLineMatchesTheReference(String source, String reference) throws IOException {
        StringWriter out = new StringWriter();
        MaskLines.Summary summary = MaskLines.write(SharedData.coco().resolve(source), null, out);
        List<JsonNode> expected = SharedData.readJsonLines(reference);
        List<String> lines = out.toString().lines().toList();
        assertEquals(0, summary.errors(), out.toString().lines().filter(l -> l.contains("error")).findFirst().orElse(""));
        assertEquals(expected.size(), lines.size());
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode e : expected) {
            byKey.put(e.get("image_id").asLong() + "/" + e.get("id").asLong(), e);
        }
        for (String line : lines) {
            JsonNode got = SharedData.JSON.readTree(line);
            JsonNode want = byKey.get(got.get("image_id").asLong() + "/" + got.get("id").asLong());
            assertTrue(want != null, "unexpected line " + line);
            assertEquals(want.get("rle_counts").asText(), got.get("counts").asText(), line);
            assertEquals(want.get("rle_area").asLong(), got.get("area").asLong(), line);
            assertEquals(want.get("rle_bbox"), got.get("bbox"), line);
            assertEquals(want.get("rle_size"), got.get("size"), line);
            assertEquals(want.get("category_id").asInt(), got.get("category_id").asInt(), line);
        }
    }

    @Test
    void unencodableAnnotationsGetAnErrorLineAndTheRestAreWritten(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"annotations\": [\n"
                + "{\"id\": 1, \"image_id\": 5, \"category_id\": 1, \"segmentation\": [[1,1,8,1,4,7]]},\n"
                + "{\"id\": 2, \"image_id\": 5, \"category_id\": 1, \"segmentation\": [[1,1,8,8]]},\n"
                + "{\"id\": 3, \"image_id\": 9, \"category_id\": 1, \"segmentation\": [[1,1,8,1,4,7]]},\n"
                + "{\"id\": 4, \"image_id\": 5, \"category_id\": 1, \"segmentation\": {\"size\": [3,3], \"counts\": [2, 20]}}\n"
                + "], \"images\": [{\"id\": 5, \"height\": 10, \"width\": 10, \"file_name\": \"x.jpg\"}]}");
        StringWriter out = new StringWriter();
        MaskLines.Summary s = MaskLines.write(f, null, out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size());
        assertEquals(3, s.errors());
        assertTrue(lines.get(0).contains("\"counts\":\";192N2N00O1N2Od0\""), lines.get(0));
        assertTrue(lines.get(1).contains("exactly 4 numbers"), lines.get(1));
        assertTrue(lines.get(2).contains("no image 9"), lines.get(2));
        assertTrue(lines.get(3).contains("more than h*w"), lines.get(3));
    }

    @Test
    void anIdBeyond64BitsIsAnErrorLineNotAnotherId(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("big-id.json");
        Files.writeString(f, "{\"images\": [{\"id\": 5, \"height\": 10, \"width\": 10}], \"annotations\": [\n"
                + "{\"id\": 18446744073709551621, \"image_id\": 5, \"category_id\": 1, \"segmentation\": [[1,1,8,1,4,7]]}]}");
        StringWriter out = new StringWriter();
        MaskLines.Summary s = MaskLines.write(f, null, out);
        assertEquals(1, s.errors());
        String line = out.toString().lines().findFirst().orElseThrow();
        assertTrue(line.contains("64-bit range") && line.contains("\"id\":-1"), line);
    }

    @Test
    void malformedJsonSaysWhere(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("truncated.json");
        Files.writeString(f, "{\"images\": [{\"id\": 5, \"height\": 10, \"width\": 10}],\n \"annotations\": [{\"id\": 1,");
        CocoFormatException e = org.junit.jupiter.api.Assertions.assertThrows(CocoFormatException.class,
                () -> MaskLines.write(f, null, new StringWriter()));
        assertTrue(e.getMessage().contains("truncated.json") && e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("$.annotations[0]"), e.getMessage());
    }
}
