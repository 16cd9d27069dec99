package io.cocostream.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official fake results against their 100 val2014 images give, line for line, the printout
 * pycocotools' COCOeval gives for them ({@code ../shared/coco/results/cocoapi__val2014_fake_eval_res.txt}).
 */
class PrintoutTest {
    private static final Path RESULTS = SharedData.coco().resolve("results");

    /** The summarize lines of one {@code type=} section of the printout. */
    static List<String> printout(String type) throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(RESULTS.resolve("cocoapi__val2014_fake_eval_res.txt"))) {
            if (line.startsWith("type=")) {
                in = line.equals("type=" + type);
            } else if (in && line.startsWith(" Average")) {
                out.add(line);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"segm, cocoapi__instances_val2014_fakesegm100_results.json",
        "bbox, cocoapi__instances_val2014_fakebbox100_results.json"})
    void theOfficialPrintoutLineForLine(IouType type, String results) throws IOException {
        EvalFiles.GroundTruth gt = EvalFiles.groundTruth(RESULTS.resolve("faster_coco_eval__instances_val2014_100.json"), type);
        List<EvalAnn> dt = EvalFiles.results(RESULTS.resolve(results), gt, type);
        EvalParams p = EvalParams.of(type, gt.imageIds(), gt.categoryIds());
        Summary s = Summary.of(CocoEval.evaluate(p, gt.annotations(), dt));
        List<String> expected = printout(type.name());
        assertEquals(12, expected.size());
        assertEquals(expected, s.lines());
        assertEquals(12, s.stats().length);
    }
}
