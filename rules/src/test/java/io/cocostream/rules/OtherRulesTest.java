package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseEvent;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.RuleCases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The captions, panoptic and DensePose rules called directly: each passes the valid event and catches its one change. */
class OtherRulesTest {
    static final List<String[]> CASES = RuleCases.cases("captions", "panoptic", "densepose");

    private final OtherRules rules = new OtherRules(Tolerances.DEFAULT);

    private List<ValidationAlert> check(String shape, String rule) {
        Map<String, Category> categories = RuleCases.categories(rule);
        return switch (shape) {
            case "captions" -> {
                CaptionsEvent e = (CaptionsEvent) RuleCases.event(shape, rule);
                yield rules.captions(e.getImageId(), e.getAnnotations());
            }
            case "panoptic" -> rules.panoptic((PanopticEvent) RuleCases.event(shape, rule),
                    id -> categories.get(Kind.PANOPTIC.key(id)));
            default -> rules.densepose(((DensePoseEvent) RuleCases.event(shape, rule)).getAnnotations().get(0));
        };
    }

    @ParameterizedTest(name = "{0} ({1})")
    @FieldSource("CASES")
    void eachRulePassesTheValidEventAndCatchesItsChange(String rule, String shape) {
        assertEquals(List.of(), check(shape, ""), "the valid " + shape + " event raises nothing");
        ValidationAlert a = Alerted.one(check(shape, rule), rule);
        assertEquals(rule.equals(RuleIds.CAPTIONS_DUPLICATE) ? Severity.WARNING : Severity.ERROR, a.getSeverity());
        assertEquals(5L, a.getImageId());
        assertEquals(Kind.parse(shape).id(), a.getKind());
        Long expected = switch (rule) {
            case RuleIds.CAPTIONS_COUNT -> null; // the image's fault, no caption's
            case RuleIds.CAPTIONS_EMPTY, RuleIds.CAPTIONS_DUPLICATE -> 101L;
            case RuleIds.PANOPTIC_PNG_IN_SEGMENTS -> 4L; // the PNG's segment that segments_info lacks
            default -> shape.equals("panoptic") ? 3L : 7L;
        };
        assertEquals(expected, a.getAnnotationId(), "the alert names the annotation at fault");
    }
}
