package io.cocostream.eval;

import java.util.List;

/**
 * pycocotools' {@code Params}: which images and categories, the IoU and recall thresholds, the
 * detections per image, the area ranges, whether categories count, and the keypoints' OKS sigmas.
 */
public record EvalParams(IouType iouType, long[] imgIds, int[] catIds, double[] iouThrs, double[] recThrs, int[] maxDets,
        double[][] areaRng, List<String> areaRngLbl, boolean useCats, double[] kptOksSigmas) {

    /** What is compared: boxes, masks, or keypoints (OKS). */
    public enum IouType {
        bbox, segm, keypoints
    }

    /** The COCO person keypoints' sigmas, as pycocotools has them. */
    public static final double[] PERSON_SIGMAS = {.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87,
        .87, .89, .89};

    /** pycocotools' defaults for {@code iouType} over these images and categories (sorted and unique, as it makes them). */
    public static EvalParams of(IouType iouType, long[] imgIds, int[] catIds) {
        double[] iouThrs = linspace(.5, 0.95, (int) Math.round((0.95 - .5) / .05) + 1);
        double[] recThrs = linspace(.0, 1.00, (int) Math.round((1.00 - .0) / .01) + 1);
        long[] imgs = java.util.Arrays.stream(imgIds).distinct().sorted().toArray();
        int[] cats = java.util.Arrays.stream(catIds).distinct().sorted().toArray();
        double[] sigmas = new double[PERSON_SIGMAS.length];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = PERSON_SIGMAS[i] / 10.0;
        }
        if (iouType == IouType.keypoints) {
            return new EvalParams(iouType, imgs, cats, iouThrs, recThrs, new int[] {20},
                    new double[][] {{0, 1e10}, {32 * 32, 96 * 96}, {96 * 96, 1e10}}, List.of("all", "medium", "large"), true,
                    sigmas);
        }
        return new EvalParams(iouType, imgs, cats, iouThrs, recThrs, new int[] {1, 10, 100},
                new double[][] {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}},
                List.of("all", "small", "medium", "large"), true, sigmas);
    }

    /** These parameters with categories pooled ({@code useCats} 0) or not. */
    public EvalParams withUseCats(boolean v) {
        return new EvalParams(iouType, imgIds, catIds, iouThrs, recThrs, maxDets, areaRng, areaRngLbl, v, kptOksSigmas);
    }

    /** numpy's {@code linspace(start, stop, num)} with the endpoint, value for value (the last is {@code stop} itself). */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }
}
