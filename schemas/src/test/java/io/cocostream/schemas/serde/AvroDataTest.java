package io.cocostream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.AnnotationRef;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.ImageEvaluation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated classes' own coders ({@link AvroData#SPECIFIC}) against Avro's walk of the schema:
 * for every record a topic or a store holds, seeded random records (every union branch, empty and
 * long arrays and maps, timestamps) decode to equal objects, and an object encodes to the very
 * same bytes either way.
 */
class AvroDataTest {
    static final int RECORDS = 200;

    static Stream<Class<? extends SpecificRecord>> records() {
        List<Class<? extends SpecificRecord>> types = new ArrayList<>();
        Topics.ALL.forEach(t -> types.add(t.valueType()));
        types.addAll(List.of(AnnotationRef.class, BatchDelta.class, ImageEvaluation.class));
        return types.stream();
    }

    @ParameterizedTest
    @MethodSource("records")
    void generatedCodersReadAndWriteWhatTheSchemaWalkDoes(Class<? extends SpecificRecord> type) throws IOException {
        Schema schema = SpecificData.get().getSchema(type);
        SpecificDatumReader<SpecificRecord> walked = new SpecificDatumReader<>(schema, schema, SpecificData.get());
        SpecificDatumReader<SpecificRecord> coded = new SpecificDatumReader<>(schema, schema, AvroData.SPECIFIC);
        DatumWriter<Object> walker = new SpecificDatumWriter<>(schema, SpecificData.get());
        DatumWriter<Object> coder = new SpecificDatumWriter<>(schema, AvroData.SPECIFIC);
        int checked = 0;
        for (Object random : new RandomData(GenericData.get(), schema, RECORDS, 17L + type.getName().hashCode())) {
            byte[] bytes = encode(new GenericDatumWriter<>(schema, GenericData.get()), random);
            SpecificRecord a = walked.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            SpecificRecord b = coded.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            assertEquals(a, b, type.getSimpleName());
            // the same object both ways (a map's entries are written in its own order, not the bytes' first one)
            byte[] again = encode(coder, a);
            assertArrayEquals(encode(walker, a), again, type.getSimpleName());
            assertEquals(a, walked.read(null, DecoderFactory.get().binaryDecoder(again, null)), type.getSimpleName());
            checked++;
        }
        assertTrue(AvroData.SPECIFIC.useCustomCoders());
        assertEquals(RECORDS, checked);
    }

    private static byte[] encode(DatumWriter<Object> writer, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, e);
        e.flush();
        return out.toByteArray();
    }
}
