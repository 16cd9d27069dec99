package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.PartitionRange;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Ingest's output as records handed to {@link #accept} (encoded events decoded, the manifest on
 * {@code coco.batches.v1} last), published nowhere: for {@code check}, benchmarks and tests. Every
 * commit is final; nothing was published before, so no batch is resumed.
 */
public abstract class DecodingSink implements EventSink {
    private final RecordDecoder decoder = new RecordDecoder();

    /** One record ingest would publish. */
    protected abstract void accept(String topic, Object key, SpecificRecord value);

    @Override
    public Optional<BatchManifest> lastManifest(String batchId) {
        return Optional.empty();
    }

    @Override
    public void send(String topic, Object key, SpecificRecord value) {
        accept(topic, key, value);
    }

    @Override
    public void sendEncoded(String topic, Object key, Schema schema, byte[] body) {
        accept(topic, key, decoder.decode(schema, body));
    }

    @Override
    public void commit(BatchManifest manifest) {
        accept(Topics.BATCHES, manifest.getBatchId(), manifest);
    }

    @Override
    public List<PartitionRange> ranges() {
        return List.of();
    }

    @Override
    public void close() {
        // nothing buffered
    }
}
