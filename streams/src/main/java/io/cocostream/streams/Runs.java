package io.cocostream.streams;

import io.cocostream.eval.EvalAnn;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.eval.LoadRes;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.metrics.Meters;
import io.cocostream.rules.EventValidator;
import io.cocostream.rules.ResultRules;
import io.cocostream.rules.RuleIds;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchDelta;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.ResultsEvent;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Detection results, beside the ground truth of their image (this task holds both: the results
 * topic is co-partitioned with the views by image id). Each result is validated
 * ({@link ResultRules}; an image not in the ground truth waits {@link Validate#CATEGORY_GRACE}
 * before it is alerted), completed as loadRes completes it, and kept in its run's results view
 * (a batch of the run replaces its own earlier results of the image). Each (run, image) is then
 * evaluated at every IoU type its results allow ({@link LiveEval}), again whenever the image's
 * ground truth changes, and each image's ground-truth counts are kept for the accumulation.
 */
final class Runs implements Processor<Long, Out, Long, Out> {
    private static final Kind[] GROUND_TRUTH = {Kind.INSTANCES, Kind.PERSON_KEYPOINTS};

    private final MaskScratch scratch = new MaskScratch();
    private final Meters meters;
    private ProcessorContext<Long, Out> context;
    private KeyValueStore<Long, ImageView> images;
    private KeyValueStore<String, Category> categories;
    private KeyValueStore<String, ResultsView> views;
    private KeyValueStore<String, ImageEvaluation> evaluations;
    private KeyValueStore<String, ImageEvaluation> groundTruth;
    private KeyValueStore<String, Long> runs;
    private KeyValueStore<String, ValidationAlert> pending;

    Runs(Meters meters) {
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<Long, Out> context) {
        this.context = context;
        this.images = context.getStateStore(Stores.IMAGE_VIEW);
        this.categories = context.getStateStore(Stores.CATEGORIES);
        this.views = context.getStateStore(Stores.RESULTS_VIEW);
        this.evaluations = context.getStateStore(Stores.RUN_EVALUATIONS);
        this.groundTruth = context.getStateStore(Stores.GROUND_TRUTH_COUNTS);
        this.runs = context.getStateStore(Stores.RUNS);
        this.pending = context.getStateStore(Stores.PENDING_RESULT_IMAGES);
        context.schedule(Duration.ofMillis(500), PunctuationType.WALL_CLOCK_TIME, this::recheck);
    }

    @Override
    public void process(Record<Long, Out> r) {
        if (r.value() instanceof Out.Part p && p.value() instanceof ResultsEvent e) {
            results(r, e);
        } else if (r.value() instanceof Out.View v && v.topic().equals(Topics.IMAGE_VIEW)) {
            groundTruthChanged(r.key(), (ImageView) v.value());
        } else if (r.value() instanceof Out.Retract x && x.retraction().getBatchId() != null) {
            retract(r, x.retraction().getImageId(), x.retraction().getBatchId());
        }
    }

    /**
     * A batch retracted (on one image, or everywhere): its results leave their runs' views, which are
     * evaluated again. A retraction of an image's ground truth reaches the runs as its view's change.
     */
    private void retract(Record<Long, Out> r, Long imageId, String batch) {
        List<String> keys = new ArrayList<>();
        if (imageId != null) {
            for (String run : knownRuns()) {
                keys.add(Topics.runImageKey(run, imageId));
            }
        } else {
            try (KeyValueIterator<String, ResultsView> it = views.all()) {
                while (it.hasNext()) {
                    KeyValue<String, ResultsView> e = it.next();
                    if (e.value.getBatches().containsKey(batch)) {
                        keys.add(e.key);
                    }
                }
            }
        }
        for (String key : keys) {
            ResultsView old = views.get(key);
            if (old != null && old.getBatches().containsKey(batch)) {
                ResultsView view = replaceBatch(old, old.getRun(), old.getImageId(), batch, List.of());
                setView(r, key, old, view);
                evaluate(old.getRun(), old.getImageId(), view, images.get(old.getImageId()));
            }
        }
    }

    /** The run of an event: its own, or (events from before runs) its file's name without extension. */
    static String runOf(ResultsEvent e) {
        if (!e.getRun().isEmpty()) {
            return e.getRun();
        }
        String file = e.getProvenance() == null ? "" : e.getProvenance().getSourceFile();
        String name = file.substring(file.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private void results(Record<Long, Out> r, ResultsEvent e) {
        long imageId = e.getImageId();
        String run = runOf(e);
        Provenance prov = e.getProvenance();
        String batch = prov.getBatchId();
        ImageView gt = images.get(imageId);
        Image image = gt == null ? null : gt.getImage();
        Integer h = image == null ? null : image.getHeight();
        Integer w = image == null ? null : image.getWidth();
        List<ValidationAlert> alerts = new ArrayList<>(EventValidator.rejected(e));
        List<ResultAnnotation> valid = new ArrayList<>();
        for (ResultAnnotation a : e.getAnnotations()) {
            Kind kind = ResultRules.groundTruthOf(a);
            Category c = kind == Kind.CAPTIONS ? null : categories.get(kind.key(a.getCategoryId()));
            List<ValidationAlert> own = ResultRules.check(imageId, a, c, h, w);
            alerts.addAll(own);
            if (own.isEmpty()) {
                valid.add(complete(a, h, w));
            }
        }
        for (ValidationAlert a : alerts) {
            context.forward(r.withKey(imageId).withValue(new Out.Alert(stamp(a, run, prov))));
        }
        String key = Topics.runImageKey(run, imageId);
        ResultsView old = views.get(key);
        ResultsView view = replaceBatch(old, run, imageId, batch, valid);
        setView(r, key, old, view);
        if (inGroundTruth(gt)) {
            if (pending.get(key) != null) {
                pending.delete(key); // only when there: a delete writes a tombstone to the changelog
            }
        } else {
            pending.put(key, stamp(imageMissing(imageId, e.getAnnotations()), run, prov));
        }
        evaluate(run, imageId, view, gt);
        List<Integer> cats = new ArrayList<>();
        for (ResultAnnotation a : e.getAnnotations()) {
            cats.add(a.getCategoryId());
        }
        boolean invalid = alerts.stream().anyMatch(a -> a.getSeverity() == Severity.ERROR);
        meters.event(Kind.RESULTS.id(), e.getAnnotations().size() + e.getRejected().size());
        context.forward(r.withKey(imageId).withValue(new Out.Tally(BatchDelta.newBuilder().setBatchId(batch).setImages(1)
                .setAnnotations(e.getAnnotations().size() + e.getRejected().size()).setImagesInvalid(invalid ? 1 : 0)
                .setCategoryIds(cats).build())));
    }

    /** Stores and publishes a run's new view of an image (null: none left), counting the run's images. */
    private void setView(Record<Long, Out> r, String key, ResultsView old, ResultsView view) {
        long imageId = Topics.imageOfRunKey(key);
        String run = key.substring(0, key.lastIndexOf('/'));
        if (view != null) {
            views.put(key, view);
            context.forward(r.withKey(imageId).withValue(new Out.RunView(key, view)));
            if (old == null) {
                runs.put(run, count(run) + 1);
            }
        } else if (old != null) {
            views.delete(key);
            context.forward(r.withKey(imageId).withValue(new Out.RunView(key, null)));
            long left = count(run) - 1;
            if (left > 0) {
                runs.put(run, left);
            } else {
                runs.delete(run);
            }
        }
    }

    /** The view with the batch's earlier results of the image replaced by {@code valid}; null when nothing is left. */
    private ResultsView replaceBatch(ResultsView old, String run, long imageId, String batch, List<ResultAnnotation> valid) {
        List<ResultAnnotation> anns = new ArrayList<>();
        Map<String, List<Long>> batches = new HashMap<>();
        if (old != null) {
            Set<Long> replaced = new LinkedHashSet<>(old.getBatches().getOrDefault(batch, List.of()));
            for (ResultAnnotation a : old.getAnnotations()) {
                if (!replaced.contains(a.getId())) {
                    anns.add(a);
                }
            }
            batches.putAll(old.getBatches());
            batches.remove(batch);
        }
        anns.addAll(valid);
        if (!valid.isEmpty()) {
            batches.put(batch, valid.stream().map(ResultAnnotation::getId).toList());
        }
        if (anns.isEmpty()) {
            return null;
        }
        anns.sort(Comparator.comparingLong(ResultAnnotation::getId)); // the run's order: loadRes's ids
        Set<String> types = new LinkedHashSet<>();
        for (ResultAnnotation a : anns) {
            types.addAll(LiveEval.typesOf(a));
        }
        return ResultsView.newBuilder().setRun(run).setImageId(imageId).setAnnotations(anns).setBatches(batches)
                .setIouTypes(new ArrayList<>(types)).setUpdatedAt(now()).build();
    }

    /**
     * A valid result as loadRes completes it: a box result gets area w·h and, without one, its box
     * as a polygon; a mask result its mask's area and box; keypoints their extent's box and area;
     * iscrowd 0. A mask given as polygons needs its image's size (else it keeps what it came with).
     */
    static ResultAnnotation complete(ResultAnnotation a, Integer h, Integer w) {
        ResultAnnotation c = ResultAnnotation.newBuilder(a).setIscrowd(0).build();
        if (a.getCaption() != null) {
            return c;
        }
        if (!a.getBbox().isEmpty()) {
            double[] box = LiveEval.doubles(a.getBbox());
            c.setArea(LoadRes.boxArea(box));
            if (a.getSegmentation() == null) {
                List<Double> poly = new ArrayList<>();
                for (double v : LoadRes.boxPolygon(box)) {
                    poly.add(v);
                }
                c.setSegmentation(Segmentation.newBuilder().setPolygons(List.of(poly)).build());
            }
        } else if (a.getSegmentation() != null) {
            if (a.getSegmentation().getRle() != null || h != null) {
                Rle m = Masks.annToRle(LiveEval.segmentation(a.getSegmentation()), h == null ? 0 : h, w == null ? 0 : w);
                double[] bb = new double[4];
                Masks.toBbox(m, bb, 0);
                c.setArea(Masks.area(m));
                c.setBbox(List.of(bb[0], bb[1], bb[2], bb[3]));
            }
        } else if (!a.getKeypoints().isEmpty()) {
            double[] bb = LoadRes.keypointBox(LiveEval.doubles(a.getKeypoints()));
            c.setBbox(List.of(bb[0], bb[1], bb[2], bb[3]));
            c.setArea(LoadRes.boxArea(bb));
        }
        return c;
    }

    /** Evaluates one run's results on one image at each of its types (or removes them: no results, or no ground truth). */
    private void evaluate(String run, long imageId, ResultsView view, ImageView gt) {
        for (IouType type : IouType.values()) {
            String key = evaluationKey(run, type, imageId);
            Image image = gt == null ? null : gt.getImage();
            if (view == null || image == null || !view.getIouTypes().contains(type.name())
                    || !gt.getBatches().containsKey(LiveEval.groundTruthKind(type).id())) {
                if (evaluations.get(key) != null) {
                    evaluations.delete(key);
                }
                continue;
            }
            List<EvalAnn> gts = LiveEval.groundTruth(gt, type, scratch);
            List<EvalAnn> dts = LiveEval.detections(imageId, view.getAnnotations(), type, image.getHeight(),
                    image.getWidth(), scratch);
            evaluations.put(key, LiveEval.evaluate(imageId, type, gts, dts));
        }
    }

    /** An image's ground truth changed: its counts, and every run's evaluation of it, again. */
    private void groundTruthChanged(long imageId, ImageView gt) {
        for (Kind kind : GROUND_TRUTH) {
            String key = kind.id() + "/" + imageId;
            if (gt != null && gt.getBatches().containsKey(kind.id())) {
                IouType type = kind == Kind.PERSON_KEYPOINTS ? IouType.keypoints : IouType.bbox;
                groundTruth.put(key, LiveEval.evaluate(imageId, type, LiveEval.groundTruth(gt, type, scratch), List.of()));
            } else if (groundTruth.get(key) != null) {
                groundTruth.delete(key);
            }
        }
        for (String run : knownRuns()) {
            String key = Topics.runImageKey(run, imageId);
            ResultsView view = views.get(key);
            if (view != null) {
                evaluate(run, imageId, view, gt);
            }
        }
    }

    /** The runs this task holds results of. */
    private List<String> knownRuns() {
        List<String> known = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = runs.all()) {
            while (it.hasNext()) {
                known.add(it.next().key);
            }
        }
        return known;
    }

    /** The key of one run's evaluation of one image at one type: {@code <run>/<type>/<image id>}. */
    static String evaluationKey(String run, IouType type, long imageId) {
        return run + "/" + type.name() + "/" + imageId;
    }

    private long count(String run) {
        Long n = runs.get(run);
        return n == null ? 0 : n;
    }

    /** Whether results of the image can be evaluated: its view has instances or person keypoints. */
    private static boolean inGroundTruth(ImageView gt) {
        return gt != null && Arrays.stream(GROUND_TRUTH).anyMatch(k -> gt.getBatches().containsKey(k.id()));
    }

    /** One alert for the image's results, on the first of them, naming them all. */
    private ValidationAlert imageMissing(long imageId, List<ResultAnnotation> results) {
        List<Long> ids = results.stream().map(ResultAnnotation::getId).toList();
        return ValidationAlert.newBuilder().setRule(RuleIds.RESULT_IMAGE_EXISTS).setSeverity(Severity.ERROR)
                .setImageId(imageId).setAnnotationId(ids.isEmpty() ? null : ids.get(0))
                .setExpected("an image of the ground truth (instances or person_keypoints)")
                .setActual("image " + imageId).setMessage("the image of result" + (ids.size() == 1 ? " " : "s ")
                        + ids.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " is not in the ground truth")
                .setKind(Kind.RESULTS.id()).setDetectedAt(now()).build();
    }

    private static ValidationAlert stamp(ValidationAlert a, String run, Provenance prov) {
        a.setRun(run);
        a.setKind(Kind.RESULTS.id());
        a.setBatchId(prov.getBatchId());
        a.setSourceFile(prov.getSourceFile());
        return a;
    }

    /** Results still waiting for their image: dropped once it is there, alerted once the grace has passed. */
    private void recheck(long now) {
        List<KeyValue<String, ValidationAlert>> due = new ArrayList<>();
        try (KeyValueIterator<String, ValidationAlert> it = pending.all()) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, ValidationAlert> e : due) {
            long imageId = Topics.imageOfRunKey(e.key);
            if (inGroundTruth(images.get(imageId))) {
                pending.delete(e.key);
            } else if (now - e.value.getDetectedAt().toEpochMilli() > Validate.CATEGORY_GRACE.toMillis()) {
                pending.delete(e.key);
                context.forward(new Record<>(imageId, new Out.Alert(e.value), now));
            }
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
