package io.cocostream.ingest;

import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.PartitionRange;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where ingest writes, in transactions: a batch's records between {@link #commit} calls become
 * visible together, with the manifest that says how far the batch got.
 */
public interface EventSink extends AutoCloseable {
    /** The largest record a sink takes unless configured otherwise: the producer's max.request.size as ingest sets it. */
    int DEFAULT_MAX_RECORD_BYTES = 8 << 20;

    /** The latest manifest written for a batch (to resume it or to skip a finished one). */
    Optional<BatchManifest> lastManifest(String batchId);

    /**
     * The latest manifest of every batch of a results run, in the order of each one's latest (for
     * the run's result ids to continue after its earlier batches'). A sink without history has none.
     */
    default List<BatchManifest> runManifests(String run) {
        return List.of();
    }

    /** Sends a record in the open transaction (opening one if needed); key is a Long, a String or null. */
    void send(String topic, Object key, SpecificRecord value);

    /** Sends a record already Avro-encoded with {@code schema}, in the open transaction. */
    void sendEncoded(String topic, Object key, Schema schema, byte[] body);

    /** Sends the manifest (keyed by its batch id, its ranges filled in) and commits the open transaction. */
    void commit(BatchManifest manifest);

    /** Where this sink's records landed so far, per topic and partition (earlier runs' carried ones included). */
    List<PartitionRange> ranges();

    /** Ranges earlier runs of the batch wrote, for {@link #ranges()} to cover the whole batch. */
    default void carryRanges(List<PartitionRange> earlier) {}

    /** The largest record this sink takes, in bytes (header and Avro body). */
    default long maxRecordBytes() {
        return DEFAULT_MAX_RECORD_BYTES;
    }

    @Override
    void close();
}
