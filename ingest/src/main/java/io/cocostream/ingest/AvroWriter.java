package io.cocostream.ingest;

import io.cocostream.schemas.serde.AvroData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary (no wire-format header) into one reused buffer: generated records through their
 * datum writer, or written field by field between {@link #begin()} and {@link #end()} where ingest
 * assembles records from parts it already holds. One thread at a time.
 */
final class AvroWriter {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    private final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> writers = new HashMap<>();
    private BinaryEncoder encoder;

    /** A generated record's binary. */
    byte[] encode(SpecificRecord r) throws IOException {
        BinaryEncoder e = begin();
        writers.computeIfAbsent(r.getClass(), c -> new SpecificDatumWriter<>(r.getSchema(), AvroData.SPECIFIC))
                .write(r, e);
        return end();
    }

    /** Starts a record written by hand: the encoder to write its fields with, in schema order. */
    BinaryEncoder begin() {
        buf.reset();
        encoder = EncoderFactory.get().binaryEncoder(buf, encoder);
        return encoder;
    }

    /** The bytes written since {@link #begin()}. */
    byte[] end() throws IOException {
        encoder.flush();
        return buf.toByteArray();
    }

    /** Writes {@code v[from, to)} as an Avro array of doubles. */
    static void doubles(BinaryEncoder e, double[] v, int from, int to) throws IOException {
        e.writeArrayStart();
        e.setItemCount(to - from);
        for (int i = from; i < to; i++) {
            e.startItem();
            e.writeDouble(v[i]);
        }
        e.writeArrayEnd();
    }
}
