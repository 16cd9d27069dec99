package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.Segmentation;

/** Typed reads of JSON elements that fail with the element's location and path. */
public final class Json {
    private Json() {}

    public static JsonNode require(JsonNode n, String field, Location at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new CocoFormatException(at(at, field), "missing required field \"" + field + "\"");
        }
        return v;
    }

    /** A required integer within the 64-bit range: a larger one would wrap around into another id. */
    public static long requireLong(JsonNode n, String field, Location at) {
        JsonNode v = require(n, field, at);
        double d = v.asDouble();
        boolean integral = v.isIntegralNumber() || (v.isNumber() && d == Math.rint(d));
        if (!integral) {
            throw new CocoFormatException(at(at, field), "expected an integer, found " + v);
        }
        if (v.isIntegralNumber() ? !v.canConvertToLong() : Math.abs(d) >= 0x1p63) {
            throw new CocoFormatException(at(at, field), "expected an integer in the 64-bit range (at most "
                    + Long.MAX_VALUE + "), found " + v);
        }
        return v.asLong();
    }

    public static int requireInt(JsonNode n, String field, Location at) {
        long v = requireLong(n, field, at);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CocoFormatException(at(at, field), "integer out of range: " + v);
        }
        return (int) v;
    }

    public static int optionalInt(JsonNode n, String field, int dflt, Location at) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : requireInt(n, field, at);
    }

    /** The annotation's segmentation, converted from its JSON form. */
    public static Segmentation segmentation(JsonNode ann, Location at) {
        JsonNode seg = require(ann, "segmentation", at);
        try {
            return Segmentation.fromJson(CocoJsonReader.JSON.treeToValue(seg, Object.class));
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CocoFormatException(at(at, "segmentation"), e.getMessage());
        }
    }

    /** The location of a field of the element at {@code at}. */
    public static Location at(Location at, String field) {
        return new Location(at.file(), at.jsonPath() + "." + field, at.line(), at.column());
    }
}
