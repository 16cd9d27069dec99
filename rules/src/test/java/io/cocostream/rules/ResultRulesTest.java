package io.cocostream.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each result rule: a good result passes, and one change to it fires exactly that rule, on that result. */
class ResultRulesTest {
    private static final Category PERSON = Category.newBuilder().setKind("person_keypoints").setId(1).setName("person")
            .setKeypoints(List.of("nose", "left_eye")).setProvenance(Provenance.newBuilder()
                    .setBatchId("b").setSourceFile("f").setProducer("p").setIngestTime(Instant.EPOCH).build()).build();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a good box", (UnaryOperator<ResultAnnotation.Builder>) b -> b, List.of()),
                Arguments.of("no score", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setScore(null),
                        List.of(RuleIds.RESULT_SCORE)),
                Arguments.of("an infinite score", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setScore(Double.POSITIVE_INFINITY),
                        List.of(RuleIds.RESULT_SCORE)),
                Arguments.of("a box without height", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setBbox(List.of(1.0, 2.0, 3.0, 0.0)),
                        List.of(RuleIds.RESULT_BBOX)),
                Arguments.of("a box of NaN", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setBbox(List.of(1.0, Double.NaN, 3.0, 4.0)),
                        List.of(RuleIds.RESULT_BBOX)),
                Arguments.of("a mask of another size", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setBbox(List.of())
                        .setSegmentation(Segmentation.newBuilder().setRle(RleMask.newBuilder().setHeight(10).setWidth(20)
                                .setUncompressedCounts(List.of(200L)).build()).build()),
                        List.of(RuleIds.RESULT_SEGMENTATION_SIZE)),
                Arguments.of("keypoints not the category's", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setBbox(List.of())
                        .setKeypoints(List.of(1.0, 2.0, 2.0)), List.of(RuleIds.RESULT_KEYPOINTS_LENGTH)),
                Arguments.of("keypoints of the category", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setBbox(List.of())
                        .setKeypoints(List.of(1.0, 2.0, 2.0, 3.0, 4.0, 2.0)), List.of()),
                Arguments.of("an unknown category", (UnaryOperator<ResultAnnotation.Builder>) b -> b.setCategoryId(99),
                        List.of(RuleIds.RESULT_CATEGORY_EXISTS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRuleFiresOnItsResult(String name, UnaryOperator<ResultAnnotation.Builder> change, List<String> rules) {
        ResultAnnotation r = change.apply(ResultAnnotation.newBuilder().setId(7).setImageId(42).setCategoryId(1)
                .setScore(0.5).setBbox(List.of(1.0, 2.0, 3.0, 4.0))).build();
        Category category = r.getCategoryId() == 1 ? PERSON : null;
        List<ValidationAlert> alerts = ResultRules.check(42, r, category, 100, 200);
        assertEquals(rules, alerts.stream().map(ValidationAlert::getRule).toList(), alerts.toString());
        for (ValidationAlert a : alerts) {
            assertEquals(42L, a.getImageId());
            assertEquals(7L, a.getAnnotationId());
            assertEquals(Kind.RESULTS.id(), a.getKind());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aResultIsOfTheGroundTruthItCanBeEvaluatedAgainst(String name, UnaryOperator<ResultAnnotation.Builder> change,
            List<String> rules) {
        ResultAnnotation r = change.apply(ResultAnnotation.newBuilder().setId(7).setImageId(42).setCategoryId(1)
                .setScore(0.5).setBbox(List.of(1.0, 2.0, 3.0, 4.0))).build();
        assertEquals(name.startsWith("keypoints") ? Kind.PERSON_KEYPOINTS : Kind.INSTANCES, ResultRules.groundTruthOf(r));
    }
}
