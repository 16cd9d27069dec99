package io.cocostream.streams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cocostream.ingest.DecodingSink;
import io.cocostream.ingest.Ingest;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Whole deliveries into a {@link Driver}: a file ingested, every record it would publish piped into the topology. */
final class Deliveries {
    private Deliveries() {}

    /** Ingests {@code file} (panoptic PNGs from {@code pngDir}, null: beside it) into {@code d}. */
    static Ingest.Result ingest(Driver d, Path file, Path pngDir) throws IOException {
        return ingest(d, Ingest.Options.of(file).withPngDir(pngDir));
    }

    /** Ingests as {@code options} say into {@code d}; a results run's earlier batches are the manifests {@code d} has seen. */
    static Ingest.Result ingest(Driver d, Ingest.Options options) throws IOException {
        return Ingest.run(options.withProducer("test"), batch -> new DecodingSink() {
            @Override
            protected void accept(String topic, Object key, SpecificRecord value) {
                d.pipe(topic, key, value);
            }

            @Override
            public List<BatchManifest> runManifests(String run) {
                return d.manifests.values().stream().filter(m -> run.equals(m.getRun())).toList();
            }
        }, new Ingest.Progress() { });
    }

    /** Writes elements {@code [from, to)} of a results array to {@code file}: a part of a run. */
    static Path slice(Path file, ArrayNode all, int from, int to) throws IOException {
        ArrayNode part = SharedData.JSON.createArrayNode();
        for (int i = from; i < to; i++) {
            part.add(all.get(i));
        }
        SharedData.JSON.writeValue(file.toFile(), part);
        return file;
    }
}
