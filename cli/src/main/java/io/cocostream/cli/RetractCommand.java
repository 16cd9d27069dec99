package io.cocostream.cli;

import io.cocostream.streams.clients.Retractions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cocostream retract}: removes an image or a batch from every view. */
@Command(name = "retract", mixinStandardHelpOptions = true,
        description = {"Removes delivered data from every view (tombstones where a view becomes empty): an image's"
                + " parts (--image, optionally only those of --batch), or everything a batch delivered (--batch)."})
final class RetractCommand implements Callable<Integer> {

    @Option(names = "--image", paramLabel = "ID", description = "The image id.")
    Long image;

    @Option(names = "--batch", paramLabel = "ID", description = "The batch id (its manifest's batch_id).")
    String batch;

    @Spec
    CommandSpec spec;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept with the retraction.")
    String reason;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        if (image == null && batch == null) {
            throw new ParameterException(spec.commandLine(), "say what to retract: --image ID, --batch ID, or both");
        }
        String by = System.getProperty("user.name", "");
        int n = image != null
                ? Retractions.image(connection.clientConfig(), image, batch, reason, by)
                : Retractions.batch(connection.clientConfig(), batch, reason, by);
        System.err.printf("cocostream retract: %s%s written to coco.retractions.v1 (%d record%s)%n",
                image != null ? "image " + image : "batch " + batch,
                image != null && batch != null ? " (batch " + batch + " only)" : "", n, n == 1 ? "" : "s");
        return 0;
    }
}
