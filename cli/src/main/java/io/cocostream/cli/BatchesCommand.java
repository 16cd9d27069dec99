package io.cocostream.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.streams.clients.TopicViews;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream batches}: the deliveries, from their manifests, with their validation reports. */
@Command(name = "batches", mixinStandardHelpOptions = true,
        description = {"Lists deliveries from coco.batches.v1 (committed manifests, the latest of each batch), oldest"
                + " first: batch id, file, kind, status (IN_PROGRESS, COMPLETE, COMPLETE_WITH_DEAD_LETTERS, FAILED),"
                + " images, annotations, categories, dead letters, when it completed; and from its report on"
                + " coco.batch-reports.v1 (once a streams app validates it): validation (RECEIVED, VALIDATING,"
                + " VALIDATED, FAILED), error and warning alerts, images INVALID.",
                "With --batch, the report's counts per rule, first examples and categories without instances too.",
                "Exit code 1 when --batch names no batch."})
final class BatchesCommand implements Callable<Integer> {

    @Option(names = "--batch", paramLabel = "B", description = "Only this batch, with its whole report.")
    String batch;

    @Option(names = "--format", paramLabel = "F", defaultValue = "text",
            description = "text (a table), or jsonl: one {\"manifest\": ..., \"report\": ...} object a line.")
    AlertFormat format;

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
        Map<String, BatchReport> reports = new HashMap<>();
        new TopicViews(connection.clientConfig(), Topics.BATCH_REPORTS).forEach(v -> {
            BatchReport r = (BatchReport) v;
            reports.put(r.getBatchId(), r);
        });
        manifests.sort(Comparator.comparing(BatchManifest::getCompletedAt));
        if (format == AlertFormat.jsonl) {
            for (BatchManifest m : manifests) {
                ObjectNode o = JsonNodeFactory.instance.objectNode().set("manifest", AvroJson.of(m));
                BatchReport r = reports.get(m.getBatchId());
                o.set("report", r == null ? JsonNodeFactory.instance.nullNode() : AvroJson.of(r));
                System.out.println(o);
            }
            return 0;
        }
        String row = "%-48s %-28s %-16s %-26s %8s %11s %10s %12s %-10s %7s %8s %14s %s%n";
        System.out.printf(row, "batch", "file", "kind", "status", "images", "annotations", "categories", "dead_letters",
                "validation", "errors", "warnings", "invalid_images", "completed_at");
        for (BatchManifest m : manifests) {
            BatchReport r = reports.get(m.getBatchId());
            System.out.printf(row, m.getBatchId(), m.getSourceFile(), m.getKind(), m.getStatus(), m.getImages(),
                    m.getAnnotations(), m.getCategories(), m.getDeadLetters(), r == null ? "-" : r.getStatus(),
                    r == null ? "-" : sum(r.getErrors()), r == null ? "-" : sum(r.getWarnings()),
                    r == null ? "-" : r.getImagesInvalid(), m.getCompletedAt());
            if (batch != null && r != null) {
                details(r);
            }
        }
        return 0;
    }

    /** The report of one batch beyond its row: how far, each rule's count, examples, unused categories. */
    private static void details(BatchReport r) {
        System.out.printf("  validation %s: %d of %s events validated, %d annotations, %d images INVALID%s%n",
                r.getStatus(), r.getImagesValidated(), r.getEvents() == null ? "?" : r.getEvents(),
                r.getAnnotationsValidated(), r.getImagesInvalid(),
                r.getValidationMs() == null ? "" : String.format(", in %.1f s", r.getValidationMs() / 1000.0));
        Map<String, Map<String, Long>> bySeverity = new TreeMap<>(Map.of("ERROR", r.getErrors(), "WARNING",
                r.getWarnings(), "INFO", r.getInfos()));
        bySeverity.forEach((severity, counts) -> new TreeMap<>(counts).forEach((rule, n) -> {
            System.out.printf("  %-7s %-28s %d%n", severity, rule, n);
            for (ValidationAlert a : r.getExamples().getOrDefault(rule, List.of())) {
                System.out.println("    e.g. " + AlertFormat.text.line(a));
            }
        }));
        if (!r.getCategoriesWithoutInstances().isEmpty()) {
            System.out.println("  categories without instances: " + r.getCategoriesWithoutInstances());
        }
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
