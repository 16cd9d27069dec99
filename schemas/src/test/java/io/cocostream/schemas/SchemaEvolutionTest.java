package io.cocostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic's value schema must read data written with its previous released version
 * (BACKWARD). The released versions live in {@code baseline/v1/<record>.avsc}; a new record type
 * must add its baseline, a new release must add a new baseline folder.
 */
class SchemaEvolutionTest {

    static Stream<Topics.TopicSpec> topics() {
        return Topics.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void currentSchemaReadsTheReleasedBaseline(Topics.TopicSpec topic) throws IOException {
        Schema current = topic.valueSchema();
        Schema released = baseline(current.getName());
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                () -> topic.name() + ": " + result.getResult().getIncompatibilities());
    }

    @Test
    void aRemovedFieldWithoutDefaultIsCaught() throws IOException {
        // The check must be able to fail: a reader that adds a required field cannot read the baseline.
        Schema released = baseline("CaptionsEvent");
        Schema broken = new Schema.Parser().parse(released.toString()
                .replace("\"name\":\"image_id\",\"type\":\"long\"", "\"name\":\"image_key\",\"type\":\"long\""));
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(broken, released).getType());
    }

    @Test
    void everyTopicIsNamedByTheConvention() {
        for (Topics.TopicSpec t : Topics.ALL) {
            assertEquals(true, t.name().matches("coco\\.[a-z-]+\\.v[0-9]+"), t.name());
        }
        assertEquals(18, Topics.ALL.size());
    }

    private static Schema baseline(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/baseline/v1/" + name + ".avsc")) {
            assertNotNull(in, "no released baseline for " + name + ": add baseline/v1/" + name + ".avsc");
            return new Schema.Parser().parse(in);
        }
    }
}
