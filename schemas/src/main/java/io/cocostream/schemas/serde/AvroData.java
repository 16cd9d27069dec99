package io.cocostream.schemas.serde;

import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/** The Avro data model cocostream's serde reads and writes its generated classes with. */
public final class AvroData {
    /**
     * Avro's specific model, using the generated classes' own coders: a record without logical
     * types encodes and decodes its fields in straight-line code, not by a walk of its schema
     * (Avro leaves this off unless {@code org.apache.avro.specific.use_custom_coders} is set; see
     * {@code SerdeBenchmarks}). A record with a timestamp has none and is walked, its nested records
     * still using theirs; a writer's schema that differs from the class's is resolved as before.
     */
    public static final SpecificData SPECIFIC = withCustomCoders();

    private AvroData() {}

    private static SpecificData withCustomCoders() {
        SpecificData data = new SpecificData();
        data.setCustomCoders(true);
        // the contract's one logical type; a union holding it is resolved by the model, not the record
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return data;
    }
}
