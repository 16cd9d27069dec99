package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.RuleCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The keypoint rules called directly, the category-level skeleton check beside the annotation's:
 * each passes the valid annotation and catches its one change.
 */
class KeypointRulesTest {
    static final List<String[]> CASES = RuleCases.cases("keypoints");

    private final KeypointRules rules = new KeypointRules(Tolerances.DEFAULT);

    private List<ValidationAlert> check(String rule) {
        PersonKeypointsEvent e = (PersonKeypointsEvent) RuleCases.event("keypoints", rule);
        Map<String, Category> categories = RuleCases.categories(rule);
        KeypointAnnotation a = e.getAnnotations().get(0);
        List<ValidationAlert> out = new ArrayList<>(rules.check(a, e.getImage(),
                id -> categories.get(Kind.PERSON_KEYPOINTS.key(id))));
        out.addAll(KeypointRules.checkCategory(categories.get(Kind.PERSON_KEYPOINTS.key(a.getCategoryId()))));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void eachRulePassesTheValidAnnotationAndCatchesItsChange(String rule, String shape) {
        assertEquals(List.of(), check(""), "the valid keypoints annotation raises nothing");
        ValidationAlert a = Alerted.one(check(rule), rule);
        assertEquals(Severity.ERROR, a.getSeverity());
        assertEquals(Kind.PERSON_KEYPOINTS.id(), a.getKind());
        if (rule.equals(RuleIds.KEYPOINTS_SKELETON)) {
            // A category's fault: no annotation of its own (the topology adds the image that used it).
            assertNull(a.getAnnotationId());
        } else {
            assertEquals(5L, a.getImageId());
            assertEquals(7L, a.getAnnotationId());
        }
    }
}
