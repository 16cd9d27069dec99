package io.cocostream.mask;

import java.util.List;
import java.util.Map;

/** A COCO annotation's {@code segmentation} in one of its three JSON forms. */
public sealed interface Segmentation {

    /** A list of polygons, each a flat {@code [x0, y0, x1, y1, ...]}. */
    record Polygons(double[][] parts) implements Segmentation {}

    /** {@code {"size": [h, w], "counts": [..]}} as in crowd annotations; counts as read, checked on use. */
    record UncompressedRle(int h, int w, long[] counts) implements Segmentation {}

    /** {@code {"size": [h, w], "counts": "..."}} in COCO's compressed string form. */
    record CompressedRle(int h, int w, String counts) implements Segmentation {}

    /**
     * The segmentation held by a JSON value as generic parsers give it (List, Map, Number, String).
     *
     * @throws IllegalArgumentException naming the JSON path of what does not fit
     */
    static Segmentation fromJson(Object json) {
        if (json instanceof List<?> parts) {
            double[][] out = new double[parts.size()][];
            for (int i = 0; i < out.length; i++) {
                if (!(parts.get(i) instanceof List<?> part)) {
                    throw new IllegalArgumentException("segmentation[" + i + "]: expected a list of numbers");
                }
                double[] xy = new double[part.size()];
                for (int j = 0; j < xy.length; j++) {
                    if (!(part.get(j) instanceof Number n)) {
                        throw new IllegalArgumentException(
                                "segmentation[" + i + "][" + j + "]: expected a number, got " + part.get(j));
                    }
                    xy[j] = n.doubleValue();
                }
                out[i] = xy;
            }
            return new Polygons(out);
        }
        if (json instanceof Map<?, ?> map) {
            if (!(map.get("size") instanceof List<?> size) || size.size() != 2
                    || !(size.get(0) instanceof Number h) || !(size.get(1) instanceof Number w)
                    || h.doubleValue() != h.intValue() || w.doubleValue() != w.intValue()) {
                throw new IllegalArgumentException("segmentation.size: expected [h, w] integers, got " + map.get("size"));
            }
            Object counts = map.get("counts");
            if (counts instanceof String s) {
                return new CompressedRle(h.intValue(), w.intValue(), s);
            }
            if (counts instanceof List<?> list) {
                long[] c = new long[list.size()];
                for (int i = 0; i < c.length; i++) {
                    if (!(list.get(i) instanceof Number n) || n.doubleValue() != n.longValue()) {
                        throw new IllegalArgumentException(
                                "segmentation.counts[" + i + "]: expected an integer, got " + list.get(i));
                    }
                    c[i] = n.longValue();
                }
                return new UncompressedRle(h.intValue(), w.intValue(), c);
            }
            throw new IllegalArgumentException("segmentation.counts: expected a list or a string, got " + counts);
        }
        throw new IllegalArgumentException("segmentation: expected a polygon list or an RLE object, got " + json);
    }
}
