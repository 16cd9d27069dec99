package io.cocostream.cli;

import io.cocostream.schemas.Kind;
import io.cocostream.synth.Detections;
import io.cocostream.synth.Synth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cocostream synth}: synthetic COCO files for scale tests and benchmarks. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Writes a realistic synthetic COCO file of any size, deterministic by seed, as a stream"
                + " (panoptic: with its PNG folder beside the file). About 7.3 annotations per image, not sorted by"
                + " image; 118000 images give a train2017-size instances file (~450 MB)."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--kind", defaultValue = "instances",
            description = "instances, person_keypoints, stuff, panoptic, captions, densepose or results (default ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--images", description = "Number of images (not with --gt).")
    Integer images;

    @Option(names = "--gt", paramLabel = "GT.json", description = "With --kind results: a detector's results for this instances"
            + " ground truth (85% of its objects found, a few pixels off, 2.3 false positives per image; bbox, RLE and score)"
            + " instead of results on random images.")
    Path gt;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Kind k = Kind.parse(kind);
        if (gt != null) {
            if (k != Kind.RESULTS || images != null) {
                throw new IllegalArgumentException("--gt goes with --kind results, without --images");
            }
            long n = Detections.write(gt, seed, out);
            System.out.printf("%s: %d results for %s, %.1f MB in %.1f s%n", out, n, gt, Files.size(out) / 1e6,
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        if (images == null) {
            throw new IllegalArgumentException("--images is required (or, with --kind results, --gt)");
        }
        Synth.write(k, images, seed, out);
        System.out.printf("%s: %s, %d images, %.1f MB in %.1f s%n", out, kind, images, Files.size(out) / 1e6,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
