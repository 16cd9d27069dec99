package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import io.cocostream.testing.RuleCases;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The per-event validator on every case: it dispatches each event to its rules, stamps the
 * event's provenance on the alerts, and gives masked annotations their status.
 */
class EventValidatorTest {
    static final List<String[]> CASES = RuleCases.CASES;

    private final EventValidator validator = new EventValidator(Tolerances.DEFAULT);

    private static IntFunction<Category> categories(String shape, String rule) {
        Kind kind = switch (shape) {
            case "keypoints" -> Kind.PERSON_KEYPOINTS;
            case "panoptic" -> Kind.PANOPTIC;
            default -> Kind.INSTANCES;
        };
        Map<String, Category> all = RuleCases.categories(rule);
        return id -> all.get(kind.key(id));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @FieldSource("CASES")
    void everyRuleIsReachedThroughItsEvent(String rule, String shape) {
        if (rule.equals(RuleIds.KEYPOINTS_SKELETON)) {
            return; // a category's rule, checked where categories are known (KeypointRulesTest, the topology)
        }
        SpecificRecord valid = RuleCases.event(shape, "");
        assertEquals(List.of(), validator.validate(valid, categories(shape, "")));
        EventValidator.Result result = validator.check(RuleCases.event(shape, rule), categories(shape, rule), true);
        ValidationAlert a = Alerted.one(result.alerts(), rule);
        assertEquals("b", a.getBatchId(), "the event's batch");
        assertEquals("f.json", a.getSourceFile(), "the event's file");
        for (ValidatedAnnotation v : result.annotations()) {
            // An error marks the annotation INVALID, except an unknown category, which waits for its
            // grace period; a warning marks it WARNING.
            ValidationStatus expected = rule.equals(RuleIds.CATEGORY_EXISTS) ? ValidationStatus.VALID
                    : a.getSeverity() == Severity.WARNING ? ValidationStatus.WARNING : ValidationStatus.INVALID;
            if (v.getId() == (a.getAnnotationId() == null ? -1 : a.getAnnotationId())) {
                assertEquals(expected, v.getStatus(), rule);
                assertTrue(v.getAlertRules().contains(rule), v.getAlertRules().toString());
            }
        }
    }
}
