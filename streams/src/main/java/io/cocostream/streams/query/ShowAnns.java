package io.cocostream.streams.query;

import io.cocostream.mask.Masks;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * pycocotools' {@code showAnns} as SVG: an image's masks (polygons as drawn, RLE masks run by
 * run), boxes, keypoints with their skeleton, and its captions under the picture, over the photo
 * when the image has a {@code coco_url}.
 */
public final class ShowAnns {
    private static final int LINE = 18;

    private ShowAnns() {}

    /**
     * The SVG of one image's view.
     *
     * @param keypointCategories the person_keypoints category by id (for its skeleton), or null
     */
    public static String svg(ImageView v, IntFunction<Category> keypointCategories) {
        int w = v.getImage() == null ? 640 : v.getImage().getWidth();
        int h = v.getImage() == null ? 480 : v.getImage().getHeight();
        int total = h + LINE * (v.getCaptions().size() + 1);
        StringBuilder s = new StringBuilder(4096);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(total)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(total).append("\">\n");
        s.append("<title>image ").append(v.getImageId()).append("</title>\n");
        if (v.getImage() != null && v.getImage().getCocoUrl() != null) {
            s.append("<image href=\"").append(escape(v.getImage().getCocoUrl())).append("\" width=\"").append(w)
                    .append("\" height=\"").append(h).append("\"/>\n");
        } else {
            s.append("<rect width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#ddd\"/>\n");
        }
        int i = 0;
        for (ValidatedAnnotation a : v.getStuff()) {
            shape(s, "stuff", a.getId(), a.getSegmentation(), a.getMask(), a.getBbox(), color(i++));
        }
        for (ValidatedAnnotation a : v.getInstances()) {
            shape(s, "instance", a.getId(), a.getSegmentation(), a.getMask(), a.getBbox(), color(i++));
        }
        for (KeypointAnnotation a : v.getKeypoints()) {
            String c = color(i++);
            shape(s, "keypoints", a.getId(), a.getSegmentation(), null, a.getBbox(), c);
            Category cat = keypointCategories == null ? null : keypointCategories.apply(a.getCategoryId());
            keypoints(s, a.getKeypoints(), cat == null ? List.of() : cat.getSkeleton(), c);
        }
        int y = h + LINE;
        for (Caption c : v.getCaptions()) {
            s.append("<text x=\"4\" y=\"").append(y).append("\" font-family=\"sans-serif\" font-size=\"14\">")
                    .append(escape(c.getCaption())).append("</text>\n");
            y += LINE;
        }
        return s.append("</svg>\n").toString();
    }

    private static void shape(StringBuilder s, String what, long id, Segmentation seg, RleMask mask, List<Double> box,
            String color) {
        s.append("<g class=\"").append(what).append("\" id=\"ann-").append(id).append("\">");
        if (seg != null && seg.getRle() == null) {
            for (List<Double> poly : seg.getPolygons()) {
                s.append("<polygon fill=\"").append(color).append("\" fill-opacity=\"0.4\" stroke=\"").append(color)
                        .append("\" points=\"");
                for (int k = 0; k + 1 < poly.size(); k += 2) {
                    s.append(k == 0 ? "" : " ").append(num(poly.get(k))).append(',').append(num(poly.get(k + 1)));
                }
                s.append("\"/>");
            }
        } else if (mask != null && mask.getCounts() != null) {
            // One rectangle per run of mask pixels in a column: runs are column-major.
            int h = mask.getHeight();
            int[] counts = Masks.frString(mask.getCounts(), h, mask.getWidth()).counts();
            s.append("<path fill=\"").append(color).append("\" fill-opacity=\"0.4\" d=\"");
            long p = 0;
            for (int k = 0; k < counts.length; k++) {
                long end = p + counts[k];
                for (long q = p; (k & 1) == 1 && q < end;) {
                    long x = q / h;
                    long y0 = q % h;
                    long run = Math.min(end - q, h - y0);
                    s.append('M').append(x).append(' ').append(y0).append("h1v").append(run).append("h-1z");
                    q += run;
                }
                p = end;
            }
            s.append("\"/>");
        }
        if (box.size() == 4) {
            s.append("<rect fill=\"none\" stroke=\"").append(color).append("\" x=\"").append(num(box.get(0)))
                    .append("\" y=\"").append(num(box.get(1))).append("\" width=\"").append(num(box.get(2)))
                    .append("\" height=\"").append(num(box.get(3))).append("\"/>");
        }
        s.append("</g>\n");
    }

    /** Labeled keypoints (v > 0) as dots, and the skeleton's bones between two labeled ones. */
    private static void keypoints(StringBuilder s, List<Double> kp, List<List<Integer>> skeleton, String color) {
        int k = kp.size() / 3;
        for (List<Integer> bone : skeleton) {
            int a = bone.get(0) - 1;
            int b = bone.get(1) - 1;
            if (a >= 0 && b >= 0 && a < k && b < k && kp.get(3 * a + 2) > 0 && kp.get(3 * b + 2) > 0) {
                s.append("<line stroke=\"").append(color).append("\" stroke-width=\"2\" x1=\"").append(num(kp.get(3 * a)))
                        .append("\" y1=\"").append(num(kp.get(3 * a + 1))).append("\" x2=\"").append(num(kp.get(3 * b)))
                        .append("\" y2=\"").append(num(kp.get(3 * b + 1))).append("\"/>\n");
            }
        }
        for (int i = 0; i < k; i++) {
            double v = kp.get(3 * i + 2);
            if (v > 0) {
                s.append("<circle r=\"3\" fill=\"").append(v == 2 ? color : "none").append("\" stroke=\"").append(color)
                        .append("\" cx=\"").append(num(kp.get(3 * i))).append("\" cy=\"").append(num(kp.get(3 * i + 1)))
                        .append("\"/>\n");
            }
        }
    }

    /** Distinct hues by the golden angle, as good as random colors and stable between requests. */
    private static String color(int i) {
        return "hsl(" + (i * 137) % 360 + ",80%,50%)";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
