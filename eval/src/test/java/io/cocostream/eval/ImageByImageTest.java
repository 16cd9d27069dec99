package io.cocostream.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocostream.eval.CocoEval.ImageEval;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What live evaluation does: each image evaluated on its own ({@link CocoEval#evaluateImage}) and
 * the results accumulated afterwards give exactly what one evaluate over every image gives.
 */
class ImageByImageTest {
    private static final Path RESULTS = SharedData.coco().resolve("results");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"segm, cocoapi__instances_val2014_fakesegm100_results.json",
        "bbox, cocoapi__instances_val2014_fakebbox100_results.json"})
    void imageByImageThenAccumulateIsEvaluate(IouType type, String results) throws IOException {
        EvalFiles.GroundTruth gt = EvalFiles.groundTruth(RESULTS.resolve("faster_coco_eval__instances_val2014_100.json"), type);
        List<EvalAnn> dt = EvalFiles.results(RESULTS.resolve(results), gt, type);
        EvalParams p = EvalParams.of(type, gt.imageIds(), gt.categoryIds());
        CocoEval.Result whole = CocoEval.evaluate(p, gt.annotations(), dt);

        Map<Long, List<EvalAnn>> gtByImage = byImage(gt.annotations());
        Map<Long, List<EvalAnn>> dtByImage = byImage(dt);
        int cats = p.catIds().length;
        int images = p.imgIds().length;
        PackedEval[] cells = new PackedEval[cats * images];
        for (int i = 0; i < images; i++) {
            long id = p.imgIds()[i];
            Map<Integer, PackedEval> one = CocoEval.evaluateImage(p, gtByImage.getOrDefault(id, List.of()),
                    dtByImage.getOrDefault(id, List.of()));
            for (int k = 0; k < cats; k++) {
                cells[k * images + i] = one.get(p.catIds()[k]);
            }
        }
        CocoEval.Result byImage = CocoEval.accumulate(p, cells);
        assertArrayEquals(whole.precision(), byImage.precision());
        assertArrayEquals(whole.recall(), byImage.recall());
        assertEquals(Summary.of(whole).lines(), Summary.of(byImage).lines());
    }

    @Test
    void accumulateRefusesCellsOfAnotherLayout() {
        EvalParams p = EvalParams.of(IouType.bbox, new long[] {1, 2}, new int[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CocoEval.accumulate(p, new PackedEval[3]));
        assertEquals("expected 2 cells, got 3", e.getMessage());
    }

    @Test
    void aPackedCellKeepsEveryFlagOfEveryAreaThresholdAndDetection() {
        boolean[][] ignored = {{true, false, false}, {false, false, true}};
        long[][] matched = {{0, 7, 0}, {3, 0, 9}};
        ImageEval[] perArea = {new ImageEval(new double[] {.9, .5, .5}, matched, ignored, new boolean[] {false, true}),
            new ImageEval(new double[] {.9, .5, .5}, new long[2][3], new boolean[2][3], new boolean[] {true, true})};
        PackedEval c = PackedEval.of(perArea, 2);
        assertArrayEquals(new int[] {1, 0}, c.counted());
        for (int t = 0; t < 2; t++) {
            for (int j = 0; j < 3; j++) {
                assertEquals((matched[t][j] != 0 ? 1 : 0) | (ignored[t][j] ? 2 : 0), c.flags(0, t, j, 2), t + "/" + j);
                assertEquals(0, c.flags(1, t, j, 2));
            }
        }
    }

    @Test
    void loadResGivesABoxItsPolygonAndKeypointsTheirExtent() {
        assertArrayEquals(new double[] {1, 2, 1, 6, 4, 6, 4, 2}, LoadRes.boxPolygon(new double[] {1, 2, 3, 4}));
        assertArrayEquals(new double[] {1, 2, 9, 3}, LoadRes.keypointBox(new double[] {10, 5, 2, 1, 2, 0, 4, 3, 1}));
        assertEquals(12.0, LoadRes.boxArea(new double[] {1, 2, 3, 4}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadRes.keypointBox(new double[] {1, 2, 3, 4}));
        assertEquals("keypoints must be x, y, v triples, got 4 numbers", e.getMessage());
    }

    private static Map<Long, List<EvalAnn>> byImage(List<EvalAnn> anns) {
        Map<Long, List<EvalAnn>> out = new HashMap<>();
        for (EvalAnn a : anns) {
            out.computeIfAbsent(a.imageId(), x -> new ArrayList<>()).add(a);
        }
        return out;
    }
}
