package io.cocostream.streams;

import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each delivery's {@link BatchReport}, keyed by batch id after a repartition of everything that
 * counts towards it: its manifests, one tally per validated event, its alerts. A report is
 * VALIDATED once its final manifest has come and as many events as it counts are validated;
 * alerts that come later (an unknown category's, after its grace period; an annotation id seen
 * across images) still count. A status change is forwarded at once, other changes at most every
 * {@link #EMIT_EVERY}: a train2017-size delivery is 118k tallies, not 118k reports. Its examples
 * are kept apart ({@link BatchExamples}) and put back into what is forwarded.
 */
final class BatchReports implements Processor<String, BatchDelta, String, BatchReport> {
    /** How many first alerts of each rule a report keeps as examples. */
    static final int EXAMPLES = 3;
    /** How often a report whose status did not change is forwarded, if it changed. */
    static final Duration EMIT_EVERY = Duration.ofSeconds(1);

    private ProcessorContext<String, BatchReport> context;
    private KeyValueStore<String, BatchReport> reports;
    private KeyValueStore<String, ValidationAlert> examples;
    /** Batches changed since they were last forwarded (not kept: after a restart every open report is). */
    private final Set<String> dirty = new LinkedHashSet<>();
    /**
     * The open reports as the store has them, decoded: every tally changes its report, and the
     * store holds bytes (put encodes at once, so the objects here are free to change after).
     */
    private final Map<String, BatchReport> open = new HashMap<>();

    @Override
    public void init(ProcessorContext<String, BatchReport> context) {
        this.context = context;
        this.reports = context.getStateStore(Stores.BATCH_REPORTS);
        this.examples = context.getStateStore(Stores.BATCH_EXAMPLES);
        open.clear(); // a task revived after a failure reads its store again
        try (KeyValueIterator<String, BatchReport> it = reports.all()) {
            while (it.hasNext()) {
                KeyValue<String, BatchReport> e = it.next();
                if (!closed(e.value)) {
                    dirty.add(e.key);
                }
            }
        }
        context.schedule(EMIT_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, BatchDelta> r) {
        BatchDelta d = r.value();
        if (d == null || r.key() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        BatchReport report = report(r.key());
        ReportStatus before = report == null ? null : report.getStatus();
        if (report == null) {
            report = BatchReport.newBuilder().setBatchId(r.key()).setStatus(ReportStatus.RECEIVED).setReceivedAt(now)
                    .setUpdatedAt(now).build();
        }
        if (d.getManifest() != null) {
            manifest(report, d.getManifest());
        }
        report.setImagesValidated(report.getImagesValidated() + d.getImages());
        report.setAnnotationsValidated(report.getAnnotationsValidated() + d.getAnnotations());
        report.setImagesInvalid(report.getImagesInvalid() + d.getImagesInvalid());
        for (int category : d.getCategoryIds()) {
            report.getInstancesPerCategory().merge(Integer.toString(category), 1L, Long::sum);
        }
        if (d.getAlert() != null) {
            long seen = alert(report, d.getAlert());
            if (seen < EXAMPLES) {
                BatchExamples.put(examples, r.key(), d.getAlert(), (int) seen);
            }
        }
        if (report.getStatus() == ReportStatus.RECEIVED && report.getImagesValidated() > 0) {
            report.setStatus(ReportStatus.VALIDATING);
        }
        if (report.getStatus() == ReportStatus.VALIDATING && report.getEvents() != null
                && report.getImagesValidated() >= report.getEvents()) {
            validated(report, now);
        }
        report.setUpdatedAt(now);
        reports.put(r.key(), report);
        if (closed(report)) {
            open.remove(r.key()); // a late alert of a closed report reads it from the store
        } else {
            open.put(r.key(), report);
        }
        if (report.getStatus() != before) {
            dirty.remove(r.key());
            context.forward(new Record<>(r.key(), BatchExamples.into(report, examples), context.currentSystemTimeMs()));
        } else {
            dirty.add(r.key());
        }
    }

    private BatchReport report(String batch) {
        BatchReport report = open.get(batch);
        return report != null ? report : reports.get(batch);
    }

    private static boolean closed(BatchReport report) {
        return report.getStatus() == ReportStatus.VALIDATED || report.getStatus() == ReportStatus.FAILED;
    }

    /** What a manifest says of its delivery; the final one, how many events make it whole. */
    private static void manifest(BatchReport report, BatchManifest m) {
        report.setSourceFile(m.getSourceFile());
        report.setKind(m.getKind());
        report.setProducer(m.getProducer());
        report.setRun(m.getRun());
        report.setImages(m.getImages());
        report.setAnnotations(m.getAnnotations());
        report.setDeadLetters(m.getDeadLetters());
        if (!m.getCategoryIds().isEmpty()) {
            report.setCategoryIds(m.getCategoryIds());
        }
        if (m.getStatus() == BatchStatus.FAILED) {
            report.setStatus(ReportStatus.FAILED);
        } else if (m.getStatus() != BatchStatus.IN_PROGRESS) {
            report.setEvents(m.getRecordsPerTopic().getOrDefault(Kind.parse(m.getKind()).topic(), 0L));
            if (report.getStatus() == ReportStatus.RECEIVED && report.getEvents() == 0) {
                report.setStatus(ReportStatus.VALIDATING); // nothing to wait for: VALIDATED below
            }
        }
    }

    /**
     * Counts {@code a} under its rule and severity; how many alerts of its rule the report had
     * counted before it, whatever their severity, which is how many examples of the rule it keeps
     * (up to {@link #EXAMPLES}). The one count no alert makes, category.without-instances', is
     * set at validation and names no example.
     */
    private static long alert(BatchReport report, ValidationAlert a) {
        String rule = a.getRule();
        long before = report.getErrors().getOrDefault(rule, 0L) + report.getWarnings().getOrDefault(rule, 0L)
                + report.getInfos().getOrDefault(rule, 0L);
        Map<String, Long> counts = switch (a.getSeverity()) {
            case ERROR -> report.getErrors();
            case WARNING -> report.getWarnings();
            case INFO -> report.getInfos();
        };
        counts.merge(rule, 1L, Long::sum);
        return before;
    }

    private static void validated(BatchReport report, Instant now) {
        report.setStatus(ReportStatus.VALIDATED);
        report.setValidatedAt(now);
        report.setValidationMs(now.toEpochMilli() - report.getReceivedAt().toEpochMilli());
        Map<String, Long> used = report.getInstancesPerCategory();
        List<Integer> unused = report.getCategoryIds().stream().filter(id -> !used.containsKey(Integer.toString(id)))
                .toList();
        report.setCategoriesWithoutInstances(unused);
        if (!unused.isEmpty()) {
            report.getInfos().put(RuleIds.CATEGORY_WITHOUT_INSTANCES, (long) unused.size());
        }
    }

    private void flush() {
        long now = context.currentSystemTimeMs();
        for (String batch : dirty) {
            BatchReport report = report(batch);
            if (report != null) {
                context.forward(new Record<>(batch, BatchExamples.into(report, examples), now));
            }
        }
        dirty.clear();
    }
}
