package io.cocostream.cli;

import io.cocostream.schemas.Kind;
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

    @Option(names = "--images", required = true, description = "Number of images.")
    int images;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Synth.write(Kind.parse(kind), images, seed, out);
        System.out.printf("%s: %s, %d images, %.1f MB in %.1f s%n", out, kind, images, Files.size(out) / 1e6,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
