package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.RuleCases;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every rule of the live topology with TopologyTestDriver: a valid event of its kind raises no
 * alert of the rule, and the same event with one thing changed raises it.
 */
class RulesTopologyTest {
    @ParameterizedTest(name = "{0}")
    @FieldSource("io.cocostream.testing.RuleCases#CASES")
    void aValidEventPassesAndTheChangedOneIsCaught(String rule, String shape) throws IOException {
        assertFalse(rules(shape, rule, false).contains(rule), rule + " raised on the valid " + shape + " event");
        List<String> raised = rules(shape, rule, true);
        assertTrue(raised.contains(rule), rule + " not raised on the changed " + shape + " event: " + raised);
    }

    /** The rules raised by the shape's event, changed for {@code rule} or not. */
    private static List<String> rules(String shape, String rule, boolean change) throws IOException {
        try (Driver d = new Driver()) {
            RuleCases.categories(change ? rule : "").forEach((key, c) -> d.pipe(Topics.CATEGORIES, key, c));
            String topic = switch (shape) {
                case "keypoints" -> Topics.PERSON_KEYPOINTS;
                case "captions" -> Topics.CAPTIONS;
                case "panoptic" -> Topics.PANOPTIC;
                case "densepose" -> Topics.DENSEPOSE;
                default -> Topics.INSTANCES;
            };
            d.pipe(topic, 5L, RuleCases.event(shape, change ? rule : ""));
            d.driver.advanceWallClockTime(Validate.CATEGORY_GRACE.plusSeconds(1));
            return d.alerts().stream().map(ValidationAlert::getRule).toList();
        }
    }
}
