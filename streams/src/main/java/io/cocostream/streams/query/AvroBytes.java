package io.cocostream.streams.query;

import io.cocostream.schemas.serde.AvroData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Records as instances hand them to each other over {@code /internal/}: Avro binary of this build's
 * schema, base64 in JSON (the instances of one app run one build; the registry is for topics).
 */
final class AvroBytes {
    /** One writer and one reader per class, shared as the serde shares its own (they hold no record state). */
    private static final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> WRITERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, SpecificDatumReader<?>> READERS = new ConcurrentHashMap<>();

    private AvroBytes() {}

    static String encode(SpecificRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            WRITERS.computeIfAbsent(r.getClass(), c -> new SpecificDatumWriter<>(r.getSchema(), AvroData.SPECIFIC))
                    .write(r, e);
            e.flush();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static <T extends SpecificRecord> T decode(Class<T> type, String base64) {
        try {
            SpecificDatumReader<?> reader = READERS.computeIfAbsent(type, c -> {
                Schema schema = AvroData.SPECIFIC.getSchema(c);
                return new SpecificDatumReader<>(schema, schema, AvroData.SPECIFIC);
            });
            byte[] bytes = Base64.getDecoder().decode(base64);
            return type.cast(reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null)));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
