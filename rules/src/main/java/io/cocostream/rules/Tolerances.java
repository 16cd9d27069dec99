package io.cocostream.rules;

/**
 * How far a declared value may be from what the mask says, calibrated on real COCO data
 * ({@code ../shared/coco/README.md}): official data raises no error, a changed value is caught.
 *
 * @param polygonArea relative difference allowed between a polygon's declared area and its own
 *     (shoelace) area; real data agrees to 1e-10
 * @param polygonExtent pixels allowed between a polygon's declared bbox and its vertex extent; real
 *     data agrees to 1e-13
 * @param perimeterFraction a polygon's rasterized (RLE) area may differ from its declared area by at
 *     most this fraction of the polygon's perimeter (held for every real case at 0.5), plus one pixel
 * @param exact pixels allowed where declared values must equal the mask's (RLE and PNG segments:
 *     equal in every real case)
 * @param imageMargin pixels a bbox may reach outside its image
 * @param crowdAreaBelow how far below its declared area a crowd mask's pixel count may fall, as a
 *     fraction of the declared area: the original tooling declared crowd areas above their masks,
 *     by up to 45% in real data; 0.5 leaves room and still catches an area doubled or more
 * @param duplicateIou mask IoU above which two annotations of one image and category are near
 *     duplicates (a WARNING); no pair of the shared official files comes near it
 * @param minBoxSide a bbox side (pixels) under which the box is degenerate (a WARNING); the shared
 *     files' smallest side is over 1 px
 * @param maxAspectRatio a bbox's long side over its short side beyond which it is extreme (a
 *     WARNING); one real box of the shared instances (a pole, 22:1) is beyond it, as thin objects are
 */
public record Tolerances(double polygonArea, double polygonExtent, double perimeterFraction, double exact,
        double imageMargin, double crowdAreaBelow, double duplicateIou, double minBoxSide, double maxAspectRatio) {

    /** The defaults, calibrated as the record describes. */
    public static final Tolerances DEFAULT = new Tolerances(1e-6, 1e-6, 0.5, 1e-6, 0.5, 0.5, 0.95, 1, 20);
}
