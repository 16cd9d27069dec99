package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.PartitionRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Ingest's output as records handed to {@link #accept} (encoded events decoded, the manifest on
 * {@code coco.batches.v1} last), published nowhere: for {@code check}, benchmarks and tests. Every
 * commit is final; nothing was published before, so no batch is resumed.
 */
public abstract class DecodingPublisher implements Publisher {
    private BinaryDecoder decoder;
    /** A reader resolves its schema when made: one per schema, not per event. */
    private final Map<Schema, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();

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
        accept(topic, key, decode(schema, body));
    }

    /** An encoded record as its object (one thread at a time: the decoder is reused). */
    public SpecificRecord decode(Schema schema, byte[] body) {
        try {
            decoder = DecoderFactory.get().binaryDecoder(body, decoder);
            return readers.computeIfAbsent(schema, SpecificDatumReader::new).read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException("not valid Avro for " + schema.getFullName(), e);
        }
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
