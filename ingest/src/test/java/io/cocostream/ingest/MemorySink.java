package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** A transactional publisher in memory: what a read_committed consumer would see, and crashes on demand. */
class MemorySink extends DecodingSink {
    /** One published record. */
    record Sent(String topic, Object key, SpecificRecord value) {}

    /** The "cluster": committed records, shared by the publishers of several runs. */
    static final class Log {
        final List<Sent> committed = new ArrayList<>();

        List<Sent> on(String topic) {
            return committed.stream().filter(s -> s.topic().equals(topic)).toList();
        }
    }

    private final Log log;
    private final List<Sent> open = new ArrayList<>();
    private int commitsLeftBeforeCrash;

    MemorySink(Log log, int commitsBeforeCrash) {
        this.log = log;
        this.commitsLeftBeforeCrash = commitsBeforeCrash;
    }

    @Override
    public Optional<BatchManifest> lastManifest(String batchId) {
        BatchManifest last = null;
        for (Sent s : log.on(Topics.BATCHES)) {
            if (s.key().equals(batchId)) {
                last = (BatchManifest) s.value();
            }
        }
        return Optional.ofNullable(last);
    }

    @Override
    protected void accept(String topic, Object key, SpecificRecord value) {
        open.add(new Sent(topic, key, value));
    }

    @Override
    public void commit(BatchManifest manifest) {
        if (commitsLeftBeforeCrash-- == 0) {
            throw new IllegalStateException("simulated crash before commit");
        }
        accept(Topics.BATCHES, manifest.getBatchId(), manifest);
        log.committed.addAll(open);
        open.clear();
    }

    @Override
    public void close() {
        open.clear();
    }
}
