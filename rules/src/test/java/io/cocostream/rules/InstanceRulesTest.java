package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.testing.RuleCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The instance rules called directly: each passes the valid annotation and catches its one change, naming it. */
class InstanceRulesTest {
    static final List<String[]> CASES = RuleCases.cases("polygon", "crowd", "rle");

    private final InstanceRules rules = new InstanceRules(Tolerances.DEFAULT);

    /** The alerts of the case's annotations, each checked and then all for near duplicates. */
    private List<ValidationAlert> check(String shape, String rule) {
        InstancesEvent e = (InstancesEvent) RuleCases.event(shape, rule);
        Map<String, Category> categories = RuleCases.categories(rule);
        List<InstanceAnnotation> anns = e.getAnnotations();
        List<List<ValidationAlert>> each = new ArrayList<>();
        Rle[] masks = new Rle[anns.size()];
        for (int i = 0; i < anns.size(); i++) {
            each.add(rules.check(Kind.INSTANCES, anns.get(i), e.getImage(),
                    id -> categories.containsKey(Kind.INSTANCES.key(id))));
            masks[i] = rules.lastMask();
        }
        rules.nearDuplicates(Kind.INSTANCES, anns, masks, each);
        return each.stream().flatMap(List::stream).toList();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @FieldSource("CASES")
    void eachRulePassesTheValidAnnotationAndCatchesItsChange(String rule, String shape) {
        assertEquals(List.of(), check(shape, ""), "the valid " + shape + " annotation raises nothing");
        List<ValidationAlert> alerts = check(shape, rule);
        ValidationAlert a = Alerted.one(alerts, rule);
        assertEquals(RuleCases.WARNINGS.contains(rule) ? Severity.WARNING : Severity.ERROR, a.getSeverity());
        assertEquals(5L, a.getImageId());
        // a near duplicate is alerted on the later of the two
        assertEquals(rule.equals(RuleIds.ANNOTATION_NEAR_DUPLICATE) ? 8L : 7L, a.getAnnotationId());
        assertEquals(Kind.INSTANCES.id(), a.getKind());
        assertNotNull(a.getExpected(), "says what was expected");
        assertNotNull(a.getActual(), "says what was found");
    }

    @Test
    void aCrowdAreaFarAboveItsMaskIsCaughtOneWithinTheRealDataRangeIsNot() {
        InstancesEvent e = (InstancesEvent) RuleCases.event("crowd", "");
        InstanceAnnotation a = e.getAnnotations().get(0);
        // The mask has 6 pixels: real data declares crowd areas up to 45% above (6 of 10.9).
        for (double declared : new double[] {6, 8, 10.9}) {
            assertEquals(List.of(), rules.check(Kind.INSTANCES, InstanceAnnotation.newBuilder(a).setArea(declared).build(),
                    e.getImage(), id -> true), "declared " + declared);
        }
        List<ValidationAlert> tripled = rules.check(Kind.INSTANCES, InstanceAnnotation.newBuilder(a).setArea(18).build(),
                e.getImage(), id -> true);
        assertEquals(List.of(RuleIds.AREA_MASK), tripled.stream().map(ValidationAlert::getRule).toList());
        assertEquals("6", tripled.get(0).getActual());
    }

    @Test
    void anImageTooLargeForAMaskIsOneErrorNotAStop() {
        InstancesEvent e = (InstancesEvent) RuleCases.event("polygon", "");
        InstanceAnnotation a = e.getAnnotations().get(0);
        Image huge = Image.newBuilder(e.getImage()).setWidth(50_000).setHeight(50_000).build();
        List<ValidationAlert> alerts = rules.check(Kind.INSTANCES, a, huge, id -> true);
        assertEquals(List.of(RuleIds.AREA_MASK), alerts.stream().map(ValidationAlert::getRule).toList());
        assertEquals("50000 x 50000", alerts.get(0).getActual());
        assertNull(rules.lastMask());
    }

    @Test
    void theRecomputedMaskIsTheMaskApisOwn() {
        InstancesEvent e = (InstancesEvent) RuleCases.event("polygon", "");
        InstanceAnnotation a = e.getAnnotations().get(0);
        rules.check(Kind.INSTANCES, a, e.getImage(), id -> true);
        double[] xy = a.getSegmentation().getPolygons().get(0).stream().mapToDouble(Double::doubleValue).toArray();
        assertEquals(Masks.toString(Masks.frPoly(xy, 10, 10)), Masks.toString(rules.lastMask()));
        rules.check(Kind.INSTANCES, a, null, id -> true);
        assertNull(rules.lastMask(), "no image, no size, no mask");
    }
}
