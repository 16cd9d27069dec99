package io.cocostream.streams;

import io.cocostream.ingest.DecodingSink;
import io.cocostream.ingest.Ingest;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;

/** Whole deliveries into a {@link Driver}: a file ingested, every record it would publish piped into the topology. */
final class Deliveries {
    private Deliveries() {}

    /** Ingests {@code file} (panoptic PNGs from {@code pngDir}, null: beside it) into {@code d}. */
    static Ingest.Result ingest(Driver d, Path file, Path pngDir) throws IOException {
        return Ingest.run(Ingest.Options.of(file).withPngDir(pngDir).withProducer("test"), batch -> new DecodingSink() {
            @Override
            protected void accept(String topic, Object key, SpecificRecord value) {
                d.pipe(topic, key, value);
            }
        }, new Ingest.Progress() { });
    }
}
