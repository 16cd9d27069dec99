package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.eval.CocoEval;
import io.cocostream.eval.EvalAnn;
import io.cocostream.eval.EvalFiles;
import io.cocostream.eval.EvalParams;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.eval.Summary;
import io.cocostream.ingest.Ingest;
import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.ReportStatus;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.streams.query.CocoApi;
import io.cocostream.streams.query.RunApi;
import io.cocostream.synth.Detections;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Detection results through the topology: the official fake results of the 100 val2014 images,
 * streamed in as one run of two batches, give after each batch the COCOeval that {@code eval}
 * gives offline for the results so far; the COCO API over the run answers as loadRes's COCO
 * object; bad results are alerted with their run, image and result, and left out.
 */
class RunsSystemTest {
    static final Path RESULTS = SharedData.coco().resolve("results");
    static final Path GT = RESULTS.resolve("faster_coco_eval__instances_val2014_100.json");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bbox, cocoapi__instances_val2014_fakebbox100_results.json",
        "segm, cocoapi__instances_val2014_fakesegm100_results.json"})
    void theLiveEvaluationEqualsTheOfflineOneAfterEachBatchOfTheRun(IouType type, String file, @TempDir Path dir)
            throws IOException {
        // Given the ground truth in the topology, and a run's results in two files
        ArrayNode all = (ArrayNode) SharedData.JSON.readTree(RESULTS.resolve(file).toFile());
        Path first = Deliveries.slice(dir.resolve("fake-part1.json"), all, 0, all.size() / 2);
        Path second = Deliveries.slice(dir.resolve("fake-part2.json"), all, all.size() / 2, all.size());
        try (Driver d = new Driver()) {
            Deliveries.ingest(d, GT, null);
            RunApi runs = new RunApi(d.stores(), d.stores());

            // When the first batch of run "fake" is ingested
            Deliveries.ingest(d, Ingest.Options.of(first).withRun("fake"));

            // Then the live stats and per-category APs are the offline ones of that batch, bit for bit
            ObjectNode live = runs.evaluate("fake", type);
            assertEquals(offline(type, first), withoutCounts(live));
            assertEquals(100, live.get("images").asInt());
            assertEquals(imagesOf(all, 0, all.size() / 2), live.get("images_evaluated").asInt());

            // When the second batch comes, the evaluation is the whole file's
            Deliveries.ingest(d, Ingest.Options.of(second).withRun("fake"));
            live = runs.evaluate("fake", type);
            assertEquals(offline(type, RESULTS.resolve(file)), withoutCounts(live));
            assertEquals(imagesOf(all, 0, all.size()), live.get("images_evaluated").asInt());
            // and the run's batch reports are VALIDATED, the run on each
            List<BatchReport> reports = d.reports().values().stream().filter(r -> "fake".equals(r.getRun())).toList();
            assertEquals(2, reports.size());
            reports.forEach(r -> assertEquals(ReportStatus.VALIDATED, r.getStatus(), r.toString()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bbox", "segm"})
    void aDetectorsResultsOnASyntheticGroundTruthAreEvaluatedLiveAsOffline(IouType type, @TempDir Path dir) throws IOException {
        // Given a synthetic ground truth (crowd masks among its objects) and a detector's results for it, ties in score
        Path gt = dir.resolve("synthetic_instances.json");
        Synth.write(Kind.INSTANCES, 300, 11, gt);
        Path results = dir.resolve("synthetic_results.json");
        long n = Detections.write(gt, 5, results);
        Detections.write(gt, 5, dir.resolve("again.json"));
        assertTrue(n > 300 * 7 && n < 300 * 11, "about 8.5 results per image: " + n);
        assertArrayEquals(Files.readAllBytes(results), Files.readAllBytes(dir.resolve("again.json")), "same seed, same results");
        try (Driver d = new Driver()) {
            // When both are ingested, the results as one run
            Deliveries.ingest(d, gt, null);
            Deliveries.ingest(d, Ingest.Options.of(results).withRun("detector"));

            // Then the live evaluation is the offline one, and a plausible one
            JsonNode live = withoutCounts(new RunApi(d.stores(), d.stores()).evaluate("detector", type));
            assertEquals(offline(type, gt, results), live);
            double ap50 = live.get("stats").get(1).asDouble();
            assertTrue(ap50 > 0.3 && ap50 < 0.95, "AP50 " + ap50);
        }
    }

    @Test
    void keypointResultsAreEvaluatedByOksLiveAsOffline(@TempDir Path dir) throws IOException {
        // Given the shared person keypoints and a model's keypoints for them, a few pixels off, some people missed
        Path gt = SharedData.coco().resolve("person_keypoints/person_keypoints_val2017_mini.json");
        Random rnd = new Random(3);
        ArrayNode res = SharedData.JSON.createArrayNode();
        for (JsonNode a : SharedData.JSON.readTree(gt.toFile()).get("annotations")) {
            if (a.get("num_keypoints").asInt() == 0 || rnd.nextInt(5) == 0) {
                continue;
            }
            ObjectNode r = res.addObject().put("image_id", a.get("image_id").asLong()).put("category_id", 1)
                    .put("score", Math.round(rnd.nextDouble() * 100) / 100.0);
            ArrayNode kp = r.putArray("keypoints");
            JsonNode k = a.get("keypoints");
            for (int i = 0; i < k.size(); i++) {
                kp.add(i % 3 == 2 ? 1 : k.get(i).asDouble() + rnd.nextGaussian() * 3);
            }
        }
        Path results = Deliveries.slice(dir.resolve("keypoints_results.json"), res, 0, res.size());
        try (Driver d = new Driver()) {
            // When both are ingested
            Deliveries.ingest(d, gt, null);
            Deliveries.ingest(d, Ingest.Options.of(results).withRun("pose"));

            // Then the live OKS evaluation is the offline one
            JsonNode live = withoutCounts(new RunApi(d.stores(), d.stores()).evaluate("pose", IouType.keypoints));
            assertEquals(offline(IouType.keypoints, gt, results), live);
            assertEquals(10, live.get("stats").size());
            assertTrue(live.get("stats").get(0).asDouble() > 0.2, live.toString());
        }
    }

    @Test
    void aChangedGroundTruthOrARetractedBatchIsEvaluatedAgain(@TempDir Path dir) throws IOException {
        // Given the ground truth and a run of the fake bbox results
        Path results = RESULTS.resolve("cocoapi__instances_val2014_fakebbox100_results.json");
        ArrayNode all = (ArrayNode) SharedData.JSON.readTree(results.toFile());
        ObjectNode truth = (ObjectNode) SharedData.JSON.readTree(GT.toFile());
        long image = all.get(0).get("image_id").asLong();
        try (Driver d = new Driver()) {
            Ingest.Result gt = Deliveries.ingest(d, GT, null);
            Ingest.Result run = Deliveries.ingest(d, Ingest.Options.of(results).withRun("fake"));
            RunApi runs = new RunApi(d.stores(), d.stores());
            assertEquals(offline(IouType.bbox, results), withoutCounts(runs.evaluate("fake", IouType.bbox)));

            // When one image's ground truth is retracted, the run is evaluated as if the image never was
            d.pipe(Topics.RETRACTIONS, image, Retraction.newBuilder().setImageId(image).setBatchId(gt.batchId())
                    .setRequestedAt(Instant.now()).build());
            ObjectNode without = truth.deepCopy();
            ((ArrayNode) without.get("images")).removeIf(im -> im.get("id").asLong() == image);
            ((ArrayNode) without.get("annotations")).removeIf(a -> a.get("image_id").asLong() == image);
            Path gtWithout = dir.resolve("gt-without.json");
            SharedData.JSON.writeValue(gtWithout.toFile(), without);
            ArrayNode rest = all.deepCopy();
            rest.removeIf(r -> r.get("image_id").asLong() == image);
            Path resultsWithout = Deliveries.slice(dir.resolve("rest.json"), rest, 0, rest.size());
            ObjectNode live = runs.evaluate("fake", IouType.bbox);
            assertEquals(offline(IouType.bbox, gtWithout, resultsWithout), withoutCounts(live));
            assertEquals(99, live.get("images").asInt());

            // When a corrected ground truth is delivered again (one box moved), its images are evaluated again
            ObjectNode corrected = truth.deepCopy();
            JsonNode moved = corrected.get("annotations").get(0);
            ((ArrayNode) moved.get("bbox")).set(0, moved.get("bbox").get(0).asDouble() + 7);
            Path gtCorrected = dir.resolve("gt-corrected.json");
            SharedData.JSON.writeValue(gtCorrected.toFile(), corrected);
            Deliveries.ingest(d, Ingest.Options.of(gtCorrected).withRedeliver(true));
            assertEquals(offline(IouType.bbox, gtCorrected, results), withoutCounts(runs.evaluate("fake", IouType.bbox)));

            // When the run's batch is retracted, the run has no results left
            d.pipe(Topics.RETRACTIONS, null, Retraction.newBuilder().setBatchId(run.batchId()).setRequestedAt(Instant.now())
                    .build());
            assertThrows(NoSuchElementException.class, () -> runs.evaluate("fake", IouType.bbox));
            assertEquals(null, d.driver.getKeyValueStore(Stores.RESULTS_VIEW).get(Topics.runImageKey("fake", image)));
        }
    }

    @Test
    void theCocoApiOverARunAnswersAsLoadResDoes(@TempDir Path dir) throws IOException {
        // Given the ground truth and the fake segm results as one run of two batches
        Path file = RESULTS.resolve("cocoapi__instances_val2014_fakesegm100_results.json");
        ArrayNode all = (ArrayNode) SharedData.JSON.readTree(file.toFile());
        int half = all.size() / 2;
        try (Driver d = new Driver()) {
            Deliveries.ingest(d, GT, null);
            Deliveries.ingest(d, Ingest.Options.of(Deliveries.slice(dir.resolve("a.json"), all, 0, half)).withRun("segm-run"));
            Deliveries.ingest(d, Ingest.Options.of(Deliveries.slice(dir.resolve("b.json"), all, half, all.size())).withRun("segm-run"));
            RunApi runs = new RunApi(d.stores(), d.stores());

            // When the API is asked over the run
            CocoApi api = runs.over("segm-run");

            // Then its images are the ground truth's, its categories too, and its annotations the results,
            // numbered 1..n over both batches in file order, with loadRes's area and bbox of each mask
            CocoApi gt = new CocoApi(d.stores());
            assertEquals(gt.getImgIds(Kind.INSTANCES, List.of(), List.of()), api.getImgIds(Kind.INSTANCES, List.of(), List.of()));
            assertEquals(gt.getCatIds(Kind.INSTANCES, List.of(), List.of(), List.of()),
                    api.getCatIds(Kind.INSTANCES, List.of(), List.of(), List.of()));
            EvalFiles.GroundTruth truth = EvalFiles.groundTruth(GT, IouType.segm);
            List<EvalAnn> loadRes = EvalFiles.results(file, truth, IouType.segm);
            List<Long> ids = new ArrayList<>();
            for (long id = 1; id <= all.size(); id++) {
                ids.add(id);
            }
            List<JsonNode> anns = api.loadAnns(Kind.INSTANCES, ids);
            for (int i = 0; i < all.size(); i++) {
                JsonNode a = anns.get(i);
                EvalAnn expected = loadRes.get(i);
                assertEquals(i + 1, a.get("id").asLong());
                assertEquals(expected.imageId(), a.get("image_id").asLong());
                assertEquals(expected.area(), a.get("area").asDouble(), a.toString());
                assertEquals(List.of(expected.bbox()[0], expected.bbox()[1], expected.bbox()[2], expected.bbox()[3]),
                        doubles(a.get("bbox")), a.toString());
                assertEquals(0, a.get("iscrowd").asInt());
                assertEquals(all.get(i).get("score").asDouble(), a.get("score").asDouble());
                assertEquals(all.get(i).get("segmentation").get("counts").asText(), a.get("segmentation").get("counts").asText());
            }
            long image = all.get(0).get("image_id").asLong();
            List<Long> ofImage = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).get("image_id").asLong() == image) {
                    ofImage.add(i + 1L);
                }
            }
            assertEquals(ofImage, api.getAnnIds(Kind.INSTANCES, List.of(image), List.of(), List.of(), null));
            // and a run that does not exist is not found, naming the runs there are
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> runs.over("nope"));
            assertEquals("no run 'nope' (runs with results: segm-run)", e.getMessage());
            assertEquals("segm-run", runs.runs().get(0).get("run").asText());
            assertEquals(2, runs.runs().get(0).get("batches").size());
        }
    }

    @Test
    void badResultsAreAlertedWithTheirRunAndLeftOut(@TempDir Path dir) throws IOException {
        // Given a results file with one good result and one of each defect
        ArrayNode res = SharedData.JSON.createArrayNode();
        res.addObject().put("image_id", 42).put("category_id", 18).put("score", 0.9).set("bbox", box(10, 10, 50, 40));
        res.addObject().put("image_id", 999_999).put("category_id", 18).put("score", 0.8).set("bbox", box(1, 1, 5, 5));
        res.addObject().put("image_id", 42).put("category_id", 999).put("score", 0.7).set("bbox", box(1, 1, 5, 5));
        res.addObject().put("image_id", 42).put("category_id", 18).set("bbox", box(1, 1, 5, 5));
        res.addObject().put("image_id", 42).put("category_id", 18).put("score", 0.6).set("bbox", box(1, 1, 0, 5));
        ObjectNode small = res.addObject().put("image_id", 42).put("category_id", 18).put("score", 0.5);
        ObjectNode rle = small.putObject("segmentation");
        rle.putArray("counts").add(4);
        rle.putArray("size").add(2).add(2);
        ObjectNode broken = res.addObject().put("image_id", 42).put("category_id", 18).put("score", 0.4);
        ObjectNode bad = broken.putObject("segmentation");
        bad.putArray("counts").add(10);
        bad.putArray("size").add(2).add(2);
        Path file = dir.resolve("defects.json");
        SharedData.JSON.writeValue(file.toFile(), res);
        try (Driver d = new Driver()) {
            Deliveries.ingest(d, GT, null);
            d.alerts(); // the ground truth's own

            // When it is ingested, and the unknown image's grace has passed
            Ingest.Result result = Deliveries.ingest(d, Ingest.Options.of(file));
            d.driver.advanceWallClockTime(Validate.CATEGORY_GRACE.plus(Duration.ofSeconds(1)));

            // Then each defect is alerted on its image and result, with the run (the file's name)
            Map<Long, String> byResult = new TreeMap<>();
            List<ValidationAlert> alerts = d.alerts();
            for (ValidationAlert a : alerts) {
                assertEquals(true, a.getAnnotationId() != null, alerts.toString());
                assertEquals("defects", a.getRun(), a.toString());
                assertEquals(result.batchId(), a.getBatchId());
                assertEquals(Kind.RESULTS.id(), a.getKind());
                byResult.merge(a.getAnnotationId(), a.getRule(), (x, y) -> x + "," + y);
            }
            assertEquals(Map.of(2L, RuleIds.RESULT_IMAGE_EXISTS, 3L, RuleIds.RESULT_CATEGORY_EXISTS, 4L, RuleIds.RESULT_SCORE,
                    5L, RuleIds.RESULT_BBOX, 6L, RuleIds.RESULT_SEGMENTATION_SIZE, 7L, RuleIds.FORMAT), byResult);
            // and the run's view of the image holds the good result alone, completed as loadRes does
            ResultsView v = (ResultsView) d.driver.getKeyValueStore(Stores.RESULTS_VIEW).get(Topics.runImageKey("defects", 42));
            assertEquals(1, v.getAnnotations().size());
            assertEquals(1L, v.getAnnotations().get(0).getId());
            assertEquals(2000.0, v.getAnnotations().get(0).getArea());
            assertEquals(List.of(List.of(10.0, 10.0, 10.0, 50.0, 60.0, 50.0, 60.0, 10.0)),
                    v.getAnnotations().get(0).getSegmentation().getPolygons());
            // and the batch's report is VALIDATED, the run on it
            BatchReport report = d.reports().get(result.batchId());
            assertEquals(ReportStatus.VALIDATED, report.getStatus());
            assertEquals("defects", report.getRun());
        }
    }

    private static ArrayNode box(double x, double y, double w, double h) {
        return SharedData.JSON.createArrayNode().add(x).add(y).add(w).add(h);
    }

    /** pycocotools' COCOeval of {@code results} against the ground truth, as {@code eval --format json} prints it. */
    static JsonNode offline(IouType type, Path results) throws IOException {
        return offline(type, GT, results);
    }

    private static JsonNode offline(IouType type, Path truth, Path results) throws IOException {
        EvalFiles.GroundTruth gt = EvalFiles.groundTruth(truth, type);
        List<EvalAnn> dts = EvalFiles.results(results, gt, type);
        EvalParams p = EvalParams.of(type, gt.imageIds(), gt.categoryIds());
        CocoEval.Result r = CocoEval.evaluate(p, gt.annotations(), dts);
        return Summary.json(r, id -> gt.categories().get(id));
    }

    private static JsonNode withoutCounts(ObjectNode live) {
        ObjectNode o = live.deepCopy();
        o.remove(List.of("run", "images", "images_evaluated"));
        return o;
    }

    private static long imagesOf(ArrayNode all, int from, int to) {
        Set<Long> ids = new HashSet<>();
        for (int i = from; i < to; i++) {
            ids.add(all.get(i).get("image_id").asLong());
        }
        return ids.size();
    }

    private static List<Double> doubles(JsonNode a) {
        List<Double> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asDouble()));
        return out;
    }
}
