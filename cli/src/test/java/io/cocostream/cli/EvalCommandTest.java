package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocostream eval} on the official fake results: the printout, the JSON, and results that do not fit. */
class EvalCommandTest {
    private static final Path RESULTS = SharedData.coco().resolve("results");
    private static final String GT = RESULTS.resolve("faster_coco_eval__instances_val2014_100.json").toString();

    @Test
    void printsTheSummarizeLinesThenEachCategorysAp() throws Exception {
        String out = CommandLines.run("eval", "--gt", GT, "--results",
                RESULTS.resolve("cocoapi__instances_val2014_fakebbox100_results.json").toString());
        List<String> lines = out.lines().toList();
        assertEquals("type=bbox", lines.get(0), "the iou type the results hold");
        List<String> official = Files.readAllLines(RESULTS.resolve("cocoapi__val2014_fake_eval_res.txt"));
        int at = official.indexOf("type=bbox");
        assertEquals(official.subList(at + 3, at + 15), lines.subList(1, 13));
        assertTrue(lines.get(13).startsWith("AP per category"), lines.get(13));
        assertEquals(13 + 1 + 80, lines.size(), "one line per category of the ground truth");
        assertTrue(lines.get(14).matches("\\s+1 person\\s+(-1|\\d\\.\\d{3})"), lines.get(14));
    }

    @Test
    void jsonHasTheStatsInCocoEvalOrderAndEveryCategory() throws Exception {
        JsonNode j = SharedData.JSON.readTree(CommandLines.run("eval", "--gt", GT, "--results",
                RESULTS.resolve("cocoapi__instances_val2014_fakesegm100_results.json").toString(), "--iou-type", "segm",
                "--format", "json"));
        assertEquals("segm", j.get("iouType").asText());
        assertEquals(12, j.get("stats").size());
        assertEquals("0.320", String.format("%.3f", j.get("stats").get(0).asDouble()), "the printout's AP");
        assertEquals(80, j.get("per_category").size());
        assertEquals("person", j.get("per_category").get(0).get("name").asText());
    }

    @Test
    void aResultOfAnImageTheGroundTruthDoesNotHaveIsExit2NamingIt(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("res.json"),
                "[{\"image_id\": 42, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5},"
                        + " {\"image_id\": 7, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        CommandLines.Output o = CommandLines.runWithErrors(2, "eval", "--gt", GT, "--results", bad.toString());
        assertTrue(o.err().contains("$[1]") && o.err().contains("image 7 is not in the ground truth"), o.err());
    }
}
