package io.cocostream.cli;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.streams.clients.Exporter;
import io.cocostream.streams.clients.TopicViews;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream export}: a COCO file of one kind from the views. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a COCO file of one kind from the compacted view topics (what is committed now):"
                + " instances from coco.instances-view.v1, panoptic from coco.panoptic-view.v1 (PNGs painted into"
                + " --png-dir), person_keypoints, captions and stuff from coco.image-view.v1; a run's results"
                + " (--kind results --run R) from coco.results-view.v1, as a results file."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--kind", required = true, paramLabel = "KIND",
            description = "instances, person_keypoints, captions, panoptic, stuff, or results (with --run).")
    String kind;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The COCO JSON file to write.")
    Path out;

    @Option(names = "--png-dir", paramLabel = "DIR", description = "Where a panoptic export writes its PNGs.")
    Path pngDir;

    @Option(names = "--valid-only", description = "Leave out annotations whose validation status is INVALID.")
    boolean validOnly;

    @Option(names = "--run", paramLabel = "NAME", description = "The run to export (--kind results): its results that passed"
            + " validation, in loadRes's order, as loadRes completed them.")
    String run;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = connection.clientConfig();
        long t0 = System.nanoTime();
        Kind k = Kind.parse(kind);
        if (k == Kind.RESULTS || run != null) {
            if (k != Kind.RESULTS || run == null) {
                throw new IllegalArgumentException("--run goes with --kind results, and --kind results needs --run");
            }
            Exporter.Summary s = Exporter.exportRun(run, new TopicViews(client, Topics.RESULTS_VIEW), out);
            System.err.printf("cocostream export: %s: run %s, %d results on %d images in %.1f s%n", out, run,
                    s.annotations(), s.images(), (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        Exporter.Summary s = Exporter.export(k, new TopicViews(client, Exporter.topicOf(k)),
                TopicViews.categories(client), out, pngDir, validOnly);
        System.err.printf("cocostream export: %s: %d images, %d annotations, %d categories%s in %.1f s%n", out,
                s.images(), s.annotations(), s.categories(),
                validOnly ? ", " + s.skippedInvalid() + " invalid left out" : "", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
