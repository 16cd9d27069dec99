package io.cocostream.cli;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.streams.clients.TopicViews;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream batches}: the deliveries, from their manifests. */
@Command(name = "batches", mixinStandardHelpOptions = true,
        description = {"Lists deliveries from coco.batches.v1 (committed manifests, the latest of each batch), oldest"
                + " first: batch id, file, kind, status (IN_PROGRESS, COMPLETE, COMPLETE_WITH_DEAD_LETTERS, FAILED),"
                + " images, annotations, categories, dead letters, and when it completed.",
                "Exit code 1 when --batch names no batch."})
final class BatchesCommand implements Callable<Integer> {

    @Option(names = "--batch", paramLabel = "B", description = "Only this batch.")
    String batch;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        List<BatchManifest> manifests = new ArrayList<>();
        new TopicViews(connection.clientConfig(), Topics.BATCHES).forEach(v -> {
            BatchManifest m = (BatchManifest) v;
            if (batch == null || batch.equals(m.getBatchId())) {
                manifests.add(m);
            }
        });
        if (batch != null && manifests.isEmpty()) {
            System.err.println("cocostream batches: no batch " + batch + " on " + Topics.BATCHES);
            return 1;
        }
        manifests.sort(Comparator.comparing(BatchManifest::getCompletedAt));
        System.out.printf("%-48s %-28s %-16s %-26s %8s %11s %10s %12s %s%n", "batch", "file", "kind", "status", "images",
                "annotations", "categories", "dead_letters", "completed_at");
        for (BatchManifest m : manifests) {
            System.out.printf("%-48s %-28s %-16s %-26s %8d %11d %10d %12d %s%n", m.getBatchId(), m.getSourceFile(),
                    m.getKind(), m.getStatus(), m.getImages(), m.getAnnotations(), m.getCategories(), m.getDeadLetters(),
                    m.getCompletedAt());
        }
        return 0;
    }
}
