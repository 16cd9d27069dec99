package io.cocostream.rules;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;

/** Collects the alerts of one image's annotations of one kind. */
final class Alerts {
    private final Kind kind;
    private final long imageId;
    private final List<ValidationAlert> out;

    Alerts(Kind kind, long imageId, List<ValidationAlert> out) {
        this.kind = kind;
        this.imageId = imageId;
        this.out = out;
    }

    void add(Severity severity, String rule, Long annotationId, String expected, String actual, String message) {
        out.add(ValidationAlert.newBuilder().setRule(rule).setSeverity(severity).setImageId(imageId)
                .setAnnotationId(annotationId).setExpected(expected).setActual(actual).setMessage(message)
                .setKind(kind.id()).setDetectedAt(Instant.now()).build());
    }

    void error(String rule, Long annotationId, String expected, String actual, String message) {
        add(Severity.ERROR, rule, annotationId, expected, actual, message);
    }

    /** A number as people write it: integers without ".0", others with six significant digits. */
    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    static String list(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(fmt(v[i]));
        }
        return sb.append(']').toString();
    }
}
