package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.PartitionRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** A transactional publisher in memory: what a read_committed consumer would see, and crashes on demand. */
final class MemoryPublisher implements Publisher {
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

    MemoryPublisher(Log log, int commitsBeforeCrash) {
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
    public void send(String topic, Object key, SpecificRecord value) {
        open.add(new Sent(topic, key, value));
    }

    @Override
    public void sendEncoded(String topic, Object key, Schema schema, byte[] body) {
        try {
            SpecificRecord value = new SpecificDatumReader<SpecificRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(body, null));
            send(topic, key, value);
        } catch (IOException e) {
            throw new UncheckedIOException("not valid Avro for " + schema.getFullName(), e);
        }
    }

    @Override
    public void commit(BatchManifest manifest) {
        if (commitsLeftBeforeCrash-- == 0) {
            throw new IllegalStateException("simulated crash before commit");
        }
        send(Topics.BATCHES, manifest.getBatchId(), manifest);
        log.committed.addAll(open);
        open.clear();
    }

    @Override
    public List<PartitionRange> ranges() {
        return List.of();
    }

    @Override
    public void close() {
        open.clear();
    }
}
