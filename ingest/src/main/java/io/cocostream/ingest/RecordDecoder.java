package io.cocostream.ingest;

import io.cocostream.schemas.serde.AvroData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Avro binary (no wire-format header) into generated records, reusing its decoder and one
 * reader per schema (a reader resolves its schema when made). One thread at a time.
 */
public final class RecordDecoder {
    private final Map<Schema, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    /** {@code body} as a record of {@code schema}. */
    public SpecificRecord decode(Schema schema, byte[] body) {
        try {
            decoder = DecoderFactory.get().binaryDecoder(body, decoder);
            return readers.computeIfAbsent(schema, s -> new SpecificDatumReader<>(s, s, AvroData.SPECIFIC)).read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException("not valid Avro for " + schema.getFullName(), e);
        }
    }

    /** {@code body} as a record of the generated class {@code type}. */
    public <T extends SpecificRecord> T decode(Class<T> type, byte[] body) {
        return type.cast(decode(SpecificData.get().getSchema(type), body));
    }
}
