package io.cocostream.streams;

import io.cocostream.eval.CocoEval;
import io.cocostream.eval.EvalAnn;
import io.cocostream.eval.EvalParams;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.eval.PackedEval;
import io.cocostream.eval.LoadRes;
import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.mask.Segmentation;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.CategoryEvaluation;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * COCOeval as the topology keeps it: each image of a run evaluated on its own (evaluateImg, as
 * {@link CocoEval#evaluateImage}) into an {@link ImageEvaluation} kept in a store, the ground
 * truth's own counts per image likewise (an evaluation without detections), and the accumulation
 * over those whenever it is asked for: the same numbers as one COCOeval over the same data.
 */
public final class LiveEval {
    private LiveEval() {}

    /** The ground truth an IoU type is evaluated against. */
    public static Kind groundTruthKind(IouType type) {
        return type == IouType.keypoints ? Kind.PERSON_KEYPOINTS : Kind.INSTANCES;
    }

    /** pycocotools' default parameters of a type for one image (what evaluateImg reads of them). */
    static EvalParams imageParams(IouType type, long imageId) {
        return EvalParams.of(type, new long[] {imageId}, new int[0]);
    }

    /** The view's ground truth of a type's kind as COCOeval reads it; masks (segm) from the view's recomputed ones. */
    static List<EvalAnn> groundTruth(ImageView v, IouType type, MaskScratch s) {
        List<EvalAnn> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (type == IouType.keypoints) {
            for (KeypointAnnotation a : v.getKeypoints()) {
                out.add(new EvalAnn(a.getId(), v.getImageId(), a.getCategoryId(), a.getArea(), doubles(a.getBbox()),
                        a.getIscrowd() != 0, 0, null, doubles(a.getKeypoints()), a.getNumKeypoints()));
            }
            return out;
        }
        for (ValidatedAnnotation a : v.getInstances()) {
            Rle mask = type == IouType.segm ? mask(a.getMask(), s) : null;
            out.add(new EvalAnn(a.getId(), v.getImageId(), a.getCategoryId(), a.getArea(), doubles(a.getBbox()),
                    a.getIscrowd() != 0, 0, mask, null, 0));
        }
        return out;
    }

    /** A run's results on one image (loadRes-completed) as COCOeval reads them for a type; those the type cannot use are left out. */
    static List<EvalAnn> detections(long imageId, List<ResultAnnotation> results, IouType type, int height, int width,
            MaskScratch s) {
        List<EvalAnn> out = new ArrayList<>();
        for (ResultAnnotation r : results) {
            if (!typesOf(r).contains(type.name()) || r.getScore() == null) {
                continue;
            }
            Rle mask = type == IouType.segm ? Masks.annToRle(segmentation(r.getSegmentation()), height, width, s) : null;
            out.add(new EvalAnn(r.getId(), imageId, r.getCategoryId(), r.getArea(), doubles(r.getBbox()), false,
                    r.getScore(), mask, type == IouType.keypoints ? doubles(r.getKeypoints()) : null, 0));
        }
        return out;
    }

    /**
     * What a result can be evaluated as once loadRes has completed it: a box result as bbox, a mask
     * result as segm and bbox (its box from the mask), a keypoints result as keypoints.
     */
    static List<String> typesOf(ResultAnnotation completed) {
        if (!completed.getKeypoints().isEmpty()) {
            return List.of(IouType.keypoints.name());
        }
        if (completed.getCaption() != null) {
            return List.of();
        }
        boolean boxPolygon = completed.getSegmentation() != null && completed.getSegmentation().getRle() == null
                && completed.getSegmentation().getPolygons().size() == 1 && isBoxPolygon(completed);
        return completed.getSegmentation() == null || boxPolygon ? List.of(IouType.bbox.name())
                : List.of(IouType.bbox.name(), IouType.segm.name());
    }

    /** Whether a result's one polygon is the box polygon loadRes gives a bbox result. */
    private static boolean isBoxPolygon(ResultAnnotation r) {
        List<Double> b = r.getBbox();
        if (b.size() != 4) {
            return false;
        }
        double[] box = LoadRes.boxPolygon(doubles(b));
        return Arrays.equals(box, doubles(r.getSegmentation().getPolygons().get(0)));
    }

    /** One image's evaluation of a type: its detections against its ground truth, per category, packed as accumulate reads it. */
    static ImageEvaluation evaluate(long imageId, IouType type, List<EvalAnn> gts, List<EvalAnn> dts) {
        List<CategoryEvaluation> cats = new ArrayList<>();
        for (Map.Entry<Integer, PackedEval> e : CocoEval.evaluateImage(imageParams(type, imageId), gts, dts).entrySet()) {
            PackedEval c = e.getValue();
            List<Double> scores = new ArrayList<>(c.scores().length);
            for (double v : c.scores()) {
                scores.add(v);
            }
            List<Integer> counted = new ArrayList<>(c.counted().length);
            for (int v : c.counted()) {
                counted.add(v);
            }
            cats.add(CategoryEvaluation.newBuilder().setCategoryId(e.getKey()).setScores(scores).setGroundTruth(counted)
                    .setMatches(ByteBuffer.wrap(c.flags())).build());
        }
        return ImageEvaluation.newBuilder().setImageId(imageId).setCategories(cats).build();
    }

    /**
     * accumulate over every ground-truth image (key: image id, its own counts) with the run's
     * evaluation where it has one; images the ground truth does not have are not counted, as
     * COCOeval's imgIds are the ground truth's.
     */
    public static CocoEval.Result accumulate(IouType type, int[] catIds, SortedMap<Long, ImageEvaluation> groundTruth,
            Map<Long, ImageEvaluation> run) {
        long[] imgIds = groundTruth.keySet().stream().mapToLong(Long::longValue).toArray();
        EvalParams p = EvalParams.of(type, imgIds, catIds);
        int images = imgIds.length;
        Map<Integer, Integer> catIndex = new HashMap<>();
        for (int k = 0; k < p.catIds().length; k++) {
            catIndex.put(p.catIds()[k], k);
        }
        PackedEval[] cells = new PackedEval[p.catIds().length * images];
        for (int i = 0; i < images; i++) {
            ImageEvaluation e = run.getOrDefault(imgIds[i], groundTruth.get(imgIds[i]));
            for (CategoryEvaluation c : e.getCategories()) {
                Integer k = catIndex.get(c.getCategoryId());
                if (k != null) {
                    cells[k * images + i] = unpack(c);
                }
            }
        }
        return CocoEval.accumulate(p, cells);
    }

    private static PackedEval unpack(CategoryEvaluation c) {
        ByteBuffer b = c.getMatches().duplicate();
        byte[] flags = new byte[b.remaining()];
        b.get(flags);
        return new PackedEval(doubles(c.getScores()), c.getGroundTruth().stream().mapToInt(Integer::intValue).toArray(), flags);
    }

    private static Rle mask(RleMask m, MaskScratch s) {
        return m == null || m.getCounts() == null ? null : Masks.frString(m.getCounts(), m.getHeight(), m.getWidth(), s);
    }

    /** An Avro segmentation as the Mask API takes it. */
    static Segmentation segmentation(io.cocostream.schemas.avro.Segmentation seg) {
        RleMask rle = seg.getRle();
        if (rle == null) {
            double[][] parts = new double[seg.getPolygons().size()][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = doubles(seg.getPolygons().get(i));
            }
            return new Segmentation.Polygons(parts);
        }
        if (rle.getCounts() != null) {
            return new Segmentation.CompressedRle(rle.getHeight(), rle.getWidth(), rle.getCounts());
        }
        return new Segmentation.UncompressedRle(rle.getHeight(), rle.getWidth(),
                rle.getUncompressedCounts().stream().mapToLong(Long::longValue).toArray());
    }

    static double[] doubles(List<Double> v) {
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }
}
