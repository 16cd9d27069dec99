package io.cocostream.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A valid instance of any contract schema, every required field filled and optional ones left at
 * their defaults: for smoke checks that each schema registers and round-trips.
 */
public final class Samples {
    private Samples() {}

    /** A sample of a generated type, with {@code id} for every long field without a default. */
    public static <T extends SpecificRecord> T of(Class<T> type, long id) {
        Schema schema = SpecificData.get().getSchema(type);
        GenericRecord generic = record(schema, id);
        return type.cast(SpecificData.get().deepCopy(schema, generic));
    }

    private static GenericRecord record(Schema schema, long id) {
        GenericData.Record r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.pos(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : value(f.schema(), id));
        }
        return r;
    }

    private static Object value(Schema s, long id) {
        switch (s.getType()) {
            case RECORD:
                return record(s, id);
            case LONG:
                return s.getLogicalType() != null ? java.time.Instant.ofEpochMilli(1_700_000_000_000L) : id;
            case INT:
                return 1;
            case DOUBLE:
                return 1.0;
            case FLOAT:
                return 1.0f;
            case BOOLEAN:
                return true;
            case STRING:
                return "sample";
            case ENUM:
                return new GenericData.EnumSymbol(s, s.getEnumSymbols().get(0));
            case ARRAY:
                return new ArrayList<>();
            case MAP:
                return new HashMap<>();
            case UNION:
                return null;
            default:
                throw new IllegalArgumentException("no sample for " + s.getType());
        }
    }
}
