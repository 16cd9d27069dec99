package io.cocostream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A record as the plain JSON people and web pages read (not Avro's JSON encoding): fields by name
 * in schema order, unions as their value, timestamps as ISO-8601, enums by name, bytes as base64.
 */
public final class AvroJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AvroJson() {}

    /** {@code record} as a JSON object. */
    public static ObjectNode of(GenericRecord record) {
        ObjectNode o = F.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            o.set(f.name(), value(record.get(f.pos())));
        }
        return o;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return F.nullNode();
        } else if (v instanceof GenericRecord r) {
            return of(r);
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            m.forEach((k, x) -> o.set(k.toString(), value(x)));
            return o;
        } else if (v instanceof Collection<?> c) {
            ArrayNode a = F.arrayNode(c.size());
            c.forEach(x -> a.add(value(x)));
            return a;
        } else if (v instanceof Integer i) {
            return F.numberNode(i);
        } else if (v instanceof Long l) {
            return F.numberNode(l);
        } else if (v instanceof Double d) {
            return F.numberNode(d);
        } else if (v instanceof Float x) {
            return F.numberNode(x);
        } else if (v instanceof Boolean b) {
            return F.booleanNode(b);
        } else if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return F.textNode(Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof Instant t) {
            return F.textNode(t.toString());
        }
        return F.textNode(v.toString()); // strings, enums
    }
}
