package io.cocostream.eval;

import io.cocostream.mask.Rle;

/**
 * One annotation as COCOeval reads it, ground truth or detection.
 *
 * @param score the detection's score (ground truth: 0)
 * @param mask the segmentation as one RLE (needed for {@code segm} only; else may be null)
 * @param keypoints x, y, v triples (needed for {@code keypoints} only; else may be null)
 * @param numKeypoints the ground truth's {@code num_keypoints}
 */
public record EvalAnn(long id, long imageId, int categoryId, double area, double[] bbox, boolean crowd, double score,
        Rle mask, double[] keypoints, int numKeypoints) {}
