package io.cocostream.streams.query;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
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
    private AvroBytes() {}

    static String encode(SpecificRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(r.getSchema()).write(r, e);
            e.flush();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static <T extends SpecificRecord> T decode(Class<T> type, String base64) {
        try {
            return new SpecificDatumReader<>(type).read(null,
                    DecoderFactory.get().binaryDecoder(Base64.getDecoder().decode(base64), null));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
