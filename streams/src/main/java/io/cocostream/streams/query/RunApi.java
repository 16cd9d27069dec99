package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.eval.CocoEval;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.eval.Summary;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.streams.LiveEval;
import io.cocostream.streams.coco.CocoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * The COCO API and COCOeval over a run (results ingested with {@code --run}): the API answers as a
 * COCO object made by pycocotools' {@code loadRes} on the ground truth of the call's kind (its
 * images and categories, the run's results as its annotations); the evaluation accumulates the
 * run's image evaluations the topology keeps, with the ground truth's counts for the images it has
 * no results on, into what {@code cocostream eval --format json} prints for the same data.
 */
public final class RunApi {
    /** Where a run's data is: this instance's stores, or every instance's. */
    public interface Data {
        /** The run's results views of these images (every one of the run's when null), by image id. */
        Map<Long, ResultsView> results(String run, Collection<Long> imageIds);

        /** The run's evaluation of each image it has results on, at a type, by image id. */
        Map<Long, ImageEvaluation> evaluations(String run, IouType type);

        /** Each ground-truth image's own counts (an evaluation without detections) for a kind, by image id. */
        Map<Long, ImageEvaluation> groundTruthCounts(Kind kind);

        /** Each run, with the images it has results on. */
        Map<String, Long> runs();

        /** Every batch report held. */
        List<BatchReport> reports();
    }

    private final Data data;
    private final CocoApi.Source groundTruth;

    public RunApi(Data data, CocoApi.Source groundTruth) {
        this.data = data;
        this.groundTruth = groundTruth;
    }

    /** The COCO API over a run, as loadRes's COCO object; a run without results is a {@link NoSuchElementException}. */
    public CocoApi over(String run) {
        requireRun(run);
        return new CocoApi(new RunSource(run));
    }

    /** COCOeval of the run at a type over every ground-truth image the views hold now. */
    public ObjectNode evaluate(String run, IouType type) {
        return evaluate(run, type, List.of());
    }

    /**
     * COCOeval of the run at a type over what the views hold now, on the ground truth's images or
     * (as pycocotools' {@code params.imgIds}) those of {@code imgIds} it has: eval's JSON, with run,
     * images and images_evaluated.
     */
    public ObjectNode evaluate(String run, IouType type, List<Long> imgIds) {
        requireRun(run);
        Kind kind = LiveEval.groundTruthKind(type);
        TreeMap<Long, ImageEvaluation> gt = new TreeMap<>(data.groundTruthCounts(kind));
        if (!imgIds.isEmpty()) {
            gt.keySet().retainAll(new HashSet<>(imgIds));
        }
        Map<Long, ImageEvaluation> evaluated = data.evaluations(run, type);
        Map<Integer, String> names = new HashMap<>();
        for (Category c : groundTruth.categories(kind)) {
            names.put(c.getId(), c.getName());
        }
        int[] catIds = names.keySet().stream().mapToInt(Integer::intValue).toArray();
        CocoEval.Result r = LiveEval.accumulate(type, catIds, gt, evaluated);
        ObjectNode o = Summary.json(r, names::get);
        o.put("run", run);
        o.put("images", gt.size());
        o.put("images_evaluated", evaluated.keySet().stream().filter(gt::containsKey).count());
        return o;
    }

    /** Every run: the images it has results on, and its batches' reports (batch id, file, status, results, validated_at). */
    public ArrayNode runs() {
        Map<String, List<BatchReport>> batches = new LinkedHashMap<>();
        for (BatchReport r : data.reports()) {
            if (r.getRun() != null) {
                batches.computeIfAbsent(r.getRun(), x -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Long> runs = new TreeMap<>(data.runs());
        batches.keySet().forEach(run -> runs.putIfAbsent(run, 0L));
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (Map.Entry<String, Long> e : runs.entrySet()) {
            ObjectNode o = out.addObject().put("run", e.getKey()).put("images", e.getValue());
            ArrayNode bs = o.putArray("batches");
            List<BatchReport> of = batches.getOrDefault(e.getKey(), List.of());
            of.sort((x, y) -> String.valueOf(x.getReceivedAt()).compareTo(String.valueOf(y.getReceivedAt())));
            for (BatchReport r : of) {
                bs.addObject().put("batch_id", r.getBatchId()).put("source_file", r.getSourceFile())
                        .put("status", r.getStatus().name()).put("results", r.getAnnotations())
                        .put("validated_at", r.getValidatedAt() == null ? null : r.getValidatedAt().toString());
            }
        }
        return out;
    }

    private void requireRun(String run) {
        if (!data.runs().containsKey(run)) {
            throw new NoSuchElementException("no run '" + run + "' (runs with results: "
                    + String.join(", ", data.runs().keySet()) + ")");
        }
    }

    /** loadRes's COCO object over a run: the ground truth's images and categories, the run's results as annotations. */
    private final class RunSource implements CocoApi.Source {
        private final String run;

        RunSource(String run) {
            this.run = run;
        }

        @Override
        public List<CocoApi.Entry> images(Kind kind, Collection<Long> ids) {
            List<CocoApi.Entry> gt = groundTruth.images(kind, ids);
            Map<Long, ResultsView> results = data.results(run, ids == null ? null : gt.stream().map(CocoApi.Entry::id).toList());
            List<CocoApi.Entry> out = new ArrayList<>(gt.size());
            for (CocoApi.Entry e : gt) {
                ResultsView v = results.get(e.id());
                out.add(new CocoApi.Entry(e.id(), e.image(), v == null ? List.of() : json(v)));
            }
            return out;
        }

        @Override
        public Map<Long, Long> owners(Kind kind, Collection<Long> annotationIds) {
            Set<Long> wanted = new HashSet<>(annotationIds);
            Map<Long, Long> out = new LinkedHashMap<>();
            for (ResultsView v : data.results(run, null).values()) {
                for (ResultAnnotation a : v.getAnnotations()) {
                    if (wanted.contains(a.getId())) {
                        out.put(a.getId(), v.getImageId());
                    }
                }
            }
            return out;
        }

        @Override
        public List<Category> categories(Kind kind) {
            return groundTruth.categories(kind);
        }
    }

    private static List<JsonNode> json(ResultsView v) {
        List<JsonNode> out = new ArrayList<>(v.getAnnotations().size());
        try {
            for (ResultAnnotation a : v.getAnnotations()) {
                out.add(StoreSource.tree(g -> CocoJson.result(g, v.getImageId(), a)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
