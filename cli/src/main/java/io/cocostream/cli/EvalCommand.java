package io.cocostream.cli;

import io.cocostream.eval.CocoEval;
import io.cocostream.eval.EvalAnn;
import io.cocostream.eval.EvalFiles;
import io.cocostream.eval.EvalParams;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.eval.Summary;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream eval}: pycocotools' COCOeval of a results file against its ground truth, offline. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluates detection results against their ground truth as pycocotools' COCOeval does (loadRes,"
                + " evaluate, accumulate, summarize): the summarize lines, exactly as it prints them (12 for bbox and"
                + " segm, 10 for keypoints), then the AP of each category (IoU 0.50:0.95, all areas, most detections).",
                "With --format json: {\"iouType\", \"stats\" (COCOeval.stats order), \"per_category\": [{\"category_id\","
                + " \"name\", \"ap\"}]}. -1 where pycocotools gives -1 (nothing to measure).",
                "Exit code 2 for results that do not fit the ground truth (an image it does not have, no score)."})
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "The ground truth (a COCO file).")
    Path gt;

    @Option(names = "--results", required = true, paramLabel = "RES.json", description = "The results (a JSON array).")
    Path results;

    @Option(names = "--iou-type", paramLabel = "T",
            description = "bbox, segm or keypoints (default: what the results hold, as loadRes reads them: bbox"
                    + " for boxes, else segm for segmentations, else keypoints).")
    IouType iouType;

    @Option(names = "--format", defaultValue = "text", paramLabel = "F", description = "text or json (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("--format: '" + format + "' is not text or json");
        }
        IouType type = iouType != null ? iouType : EvalFiles.heldBy(results);
        EvalFiles.GroundTruth truth = EvalFiles.groundTruth(gt, type);
        List<EvalAnn> dts;
        try {
            dts = EvalFiles.results(results, truth, type);
        } catch (IllegalArgumentException e) {
            System.err.println("cocostream eval: " + e.getMessage());
            return 2;
        }
        EvalParams p = EvalParams.of(type, truth.imageIds(), truth.categoryIds());
        CocoEval.Result r = CocoEval.evaluate(p, truth.annotations(), dts);
        Summary s = Summary.of(r);
        double[] perCategory = Summary.perCategoryAp(r);
        if (format.equals("json")) {
            System.out.println(Summary.json(r, id -> truth.categories().get(id)));
            return 0;
        }
        System.out.println("type=" + type.name());
        s.lines().forEach(System.out::println);
        System.out.println("AP per category (IoU=0.50:0.95, area=all, maxDets=" + p.maxDets()[p.maxDets().length - 1] + "):");
        for (int k = 0; k < p.catIds().length; k++) {
            System.out.printf(Locale.ROOT, "  %4d %-24s %s%n", p.catIds()[k], truth.categories().get(p.catIds()[k]),
                    perCategory[k] < 0 ? "-1" : String.format(Locale.ROOT, "%.3f", perCategory[k]));
        }
        return 0;
    }
}
