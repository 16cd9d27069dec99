package io.cocostream.streams;

import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ValidationAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A report's examples (the first {@link BatchReports#EXAMPLES} alerts of each rule), kept apart
 * from its counts in {@link Stores#BATCH_EXAMPLES}, keyed {@code <batch>\0<rule>\0<n>}: every
 * tally writes its report again, and its examples, whole alerts, were most of what it wrote.
 * Whoever reads a report from its store puts them back with {@link #into}.
 */
public final class BatchExamples {
    private static final char SEP = '\0';

    private BatchExamples() {}

    /** Keeps {@code a} as the {@code n}-th example of its rule in its batch's report (the report's counts say which). */
    static void put(KeyValueStore<String, ValidationAlert> store, String batch, ValidationAlert a, int n) {
        store.put(batch + SEP + a.getRule() + SEP + n, a);
    }

    /** {@code report} with its examples from {@code store}, each rule's in the order they came (a copy: the stored one is left as it is). */
    public static BatchReport into(BatchReport report, ReadOnlyKeyValueStore<String, ValidationAlert> store) {
        BatchReport whole = BatchReport.newBuilder(report).build();
        // a report stored before its examples moved out holds its own: they stay, and stay the first
        Map<String, List<ValidationAlert>> examples = new LinkedHashMap<>(whole.getExamples());
        try (KeyValueIterator<String, ValidationAlert> it = store.prefixScan(report.getBatchId() + SEP,
                new StringSerializer())) {
            while (it.hasNext()) {
                ValidationAlert a = it.next().value;
                List<ValidationAlert> rule = examples.computeIfAbsent(a.getRule(), r -> new ArrayList<>());
                if (rule.size() < BatchReports.EXAMPLES) {
                    rule.add(a);
                }
            }
        }
        whole.setExamples(examples);
        return whole;
    }
}
