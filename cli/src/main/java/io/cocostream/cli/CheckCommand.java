package io.cocostream.cli;

import io.cocostream.ingest.offline.OfflineCheck;
import io.cocostream.rules.Tolerances;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cocostream check}: the validation rules offline, for a vendor's own CI. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Runs the validation rules on COCO files without Kafka, streaming, as the live topology runs"
                + " them: instances and stuff (areas and boxes recomputed from the masks, boxes inside their images,"
                + " crowd form, RLE counts, categories), person keypoints (those shape rules, then length, visibility,"
                + " count, position and skeleton), captions (count, empty, repeated), panoptic segments against"
                + " their PNGs, and DensePose fields; plus every format problem ingest would dead-letter. Results"
                + " files are only format-checked. The rule ids are the README's.",
                "Exit code 1 if any error alert."})
final class CheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "COCO files to check.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--png-dir", paramLabel = "DIR", description = "PNG folder of a panoptic file.")
    Path pngDir;

    @Option(names = "--format", defaultValue = "text", description = "text or jsonl (default ${DEFAULT-VALUE}).")
    AlertFormat format;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long errors = 0;
        for (Path f : files) {
            errors += OfflineCheck.run(f, pngDir, Tolerances.DEFAULT, a -> out.println(format.line(a)));
        }
        if (format == AlertFormat.text) {
            out.printf("%d error alert(s) in %d file(s)%n", errors, files.size());
        }
        return errors > 0 ? 1 : 0;
    }
}
