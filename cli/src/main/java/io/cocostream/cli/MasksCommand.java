package io.cocostream.cli;

import io.cocostream.ingest.offline.MaskLines;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cocostream masks FILE}: every annotation's mask as pycocotools computes it. */
@Command(name = "masks", mixinStandardHelpOptions = true,
        description = {"Prints one JSON line per annotation (per segment for a panoptic file): id, image_id,"
                + " category_id, iscrowd, size, area, bbox, counts (compressed RLE), as pycocotools computes them.",
                "Streams the file, so it works on files larger than the heap. An annotation that cannot be encoded"
                        + " gets a line with \"error\" instead, and the exit code is 1."})
final class MasksCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A COCO annotation or results file.")
    Path file;

    @Option(names = "--png-dir", paramLabel = "DIR",
            description = "PNG folder of a panoptic file (default: the folder named like FILE without .json).")
    Path pngDir;

    @Override
    public Integer call() throws Exception {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        MaskLines.Summary s = MaskLines.write(file, pngDir, w);
        w.flush();
        if (s.errors() > 0) {
            System.err.printf("cocostream masks: %d of %d annotations could not be encoded%n", s.errors(), s.lines());
            return 1;
        }
        return 0;
    }
}
