package io.cocostream.eval;

/** What pycocotools' loadRes adds to a result, as pure functions over its numbers. */
public final class LoadRes {
    private LoadRes() {}

    /** A bbox result's segmentation: its box as one polygon {@code [x1, y1, x1, y2, x2, y2, x2, y1]}. */
    public static double[] boxPolygon(double[] bbox) {
        requireBox(bbox);
        double x1 = bbox[0];
        double x2 = bbox[0] + bbox[2];
        double y1 = bbox[1];
        double y2 = bbox[1] + bbox[3];
        return new double[] {x1, y1, x1, y2, x2, y2, x2, y1};
    }

    /** A keypoints result's bbox: the extent of its points' x and y (every triple, visible or not). */
    public static double[] keypointBox(double[] keypoints) {
        if (keypoints == null || keypoints.length < 3 || keypoints.length % 3 != 0) {
            throw new IllegalArgumentException("keypoints must be x, y, v triples, got "
                    + (keypoints == null ? "none" : keypoints.length + " numbers"));
        }
        double x0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        for (int j = 0; j < keypoints.length; j += 3) {
            x0 = Math.min(x0, keypoints[j]);
            x1 = Math.max(x1, keypoints[j]);
            y0 = Math.min(y0, keypoints[j + 1]);
            y1 = Math.max(y1, keypoints[j + 1]);
        }
        return new double[] {x0, y0, x1 - x0, y1 - y0};
    }

    /** A box's area as loadRes gives bbox and keypoints results: w · h. */
    public static double boxArea(double[] bbox) {
        requireBox(bbox);
        return bbox[2] * bbox[3];
    }

    private static void requireBox(double[] bbox) {
        if (bbox == null || bbox.length != 4) {
            throw new IllegalArgumentException("a box is [x, y, w, h], got " + (bbox == null ? "none" : bbox.length + " numbers"));
        }
    }
}
