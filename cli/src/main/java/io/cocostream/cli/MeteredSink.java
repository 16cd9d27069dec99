package io.cocostream.cli;

import io.cocostream.ingest.EventSink;
import io.cocostream.metrics.Meters;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.PartitionRange;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * An ingest's sink that counts its dead letters as {@code cocostream_dead_letters_total{reason}}:
 * {@code file} (the file broke off or is not COCO), {@code image} (an unreadable image entry),
 * {@code too-large} (an image over its limits), {@code annotation} (any other element); and ends
 * its producer's client metrics with it.
 */
final class MeteredSink implements EventSink {
    private final EventSink sink;
    private final Meters meters;
    private final AutoCloseable clientMetrics;

    MeteredSink(EventSink sink, Meters meters, AutoCloseable clientMetrics) {
        this.sink = sink;
        this.meters = meters;
        this.clientMetrics = clientMetrics;
    }

    /** The reason label of a dead letter. */
    static String reason(DeadLetter d) {
        String at = d.getJsonPath();
        if (d.getReason().contains("more than the")) {
            return "too-large";
        }
        if (at == null || at.equals("$")) {
            return "file";
        }
        return at.startsWith("$.images") ? "image" : "annotation";
    }

    @Override
    public Optional<BatchManifest> lastManifest(String batchId) {
        return sink.lastManifest(batchId);
    }

    @Override
    public List<BatchManifest> runManifests(String run) {
        return sink.runManifests(run);
    }

    @Override
    public void send(String topic, Object key, SpecificRecord value) {
        if (topic.equals(Topics.DEAD_LETTERS) && value instanceof DeadLetter d) {
            meters.deadLetter(reason(d));
        }
        sink.send(topic, key, value);
    }

    @Override
    public void sendEncoded(String topic, Object key, Schema schema, byte[] body) {
        sink.sendEncoded(topic, key, schema, body);
    }

    @Override
    public void commit(BatchManifest manifest) {
        sink.commit(manifest);
    }

    @Override
    public List<PartitionRange> ranges() {
        return sink.ranges();
    }

    @Override
    public void carryRanges(List<PartitionRange> earlier) {
        sink.carryRanges(earlier);
    }

    @Override
    public long maxRecordBytes() {
        return sink.maxRecordBytes();
    }

    @Override
    public void close() {
        try {
            clientMetrics.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove the producer's metrics: " + e.getMessage(), e);
        } finally {
            sink.close();
        }
    }
}
