package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.avro.ValidationAlert;
import java.util.List;

/** Finds the alert of a rule among the rules' output. */
final class Alerted {
    private Alerted() {}

    /** The first alert of {@code rule}, failing when there is none. */
    static ValidationAlert one(List<ValidationAlert> alerts, String rule) {
        List<ValidationAlert> of = alerts.stream().filter(a -> a.getRule().equals(rule)).toList();
        assertTrue(!of.isEmpty(), rule + " not raised: " + alerts.stream().map(ValidationAlert::getRule).toList());
        return of.get(0);
    }
}
