package io.cocostream.streams.query;

import io.cocostream.mask.Masks;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * pycocotools' {@code showAnns} as SVG, for QA: an image's masks (polygons as drawn, RLE masks run
 * by run), declared boxes beside the recomputed masks' boxes (dashed), keypoints with their names
 * and skeleton, each shape labelled with its category name and annotation id; annotations with
 * alerts outlined (red: INVALID, orange: WARNING); asked-for annotations highlighted and the others
 * dimmed; everything clipped to the image; captions wrapped under it. Panoptic segments in their
 * categories' colours. The photo, when there is one, is under the drawing; without it (no internet,
 * no images dir) the drawing stands on grey.
 */
public final class ShowAnns {
    private static final int LINE = 18;
    /** About how wide a character of the 14 px caption font is. */
    private static final int CHAR_PX = 7;

    /**
     * What to draw beside the view.
     *
     * @param categories a category by kind and id, or null when unknown
     * @param highlighted the annotation ids to highlight (the others dimmed); empty: none
     * @param photo the photo's URL, or null for none
     */
    public record Options(BiFunction<Kind, Integer, Category> categories, Set<Long> highlighted, String photo) {}

    private ShowAnns() {}

    /** The SVG of one image's view. */
    public static String svg(ImageView v, Options o) {
        Canvas c = new Canvas(v.getImageId(), v.getImage(), wrap(v.getCaptions(), width(v.getImage())), o);
        int i = 0;
        for (ValidatedAnnotation a : v.getStuff()) {
            c.shape(Kind.STUFF, a.getId(), a.getCategoryId(), a.getSegmentation(), a.getMask(), a.getBbox(),
                    a.getMaskBbox(), a.getStatus(), color(i++));
        }
        for (ValidatedAnnotation a : v.getInstances()) {
            c.shape(Kind.INSTANCES, a.getId(), a.getCategoryId(), a.getSegmentation(), a.getMask(), a.getBbox(),
                    a.getMaskBbox(), a.getStatus(), color(i++));
        }
        List<Long> invalidKeypoints = v.getInvalid().getOrDefault(Kind.PERSON_KEYPOINTS.id(), List.of());
        for (KeypointAnnotation a : v.getKeypoints()) {
            String color = color(i++);
            ValidationStatus status = invalidKeypoints.contains(a.getId()) ? ValidationStatus.INVALID : ValidationStatus.VALID;
            c.shape(Kind.PERSON_KEYPOINTS, a.getId(), a.getCategoryId(), a.getSegmentation(), null, a.getBbox(), List.of(),
                    status, color);
            c.keypoints(a, color);
        }
        return c.end();
    }

    /** The SVG of one image's panoptic segments, each in its category's colour. */
    public static String svg(PanopticView v, Options o) {
        Canvas c = new Canvas(v.getImageId(), v.getImage(), List.of(), o);
        int i = 0;
        for (ValidatedAnnotation s : v.getAnnotations()) {
            Category cat = o.categories() == null ? null : o.categories().apply(Kind.PANOPTIC, s.getCategoryId());
            String color = cat != null && cat.getColor().size() == 3
                    ? "rgb(" + cat.getColor().get(0) + "," + cat.getColor().get(1) + "," + cat.getColor().get(2) + ")"
                    : color(i);
            i++;
            c.shape(Kind.PANOPTIC, s.getId(), s.getCategoryId(), null, s.getMask(), s.getBbox(), s.getMaskBbox(),
                    s.getStatus(), color);
        }
        return c.end();
    }

    private static int width(Image im) {
        return im == null ? 640 : im.getWidth();
    }

    /** The captions as lines that fit the picture's width, a blank line between two captions. */
    static List<String> wrap(List<Caption> captions, int width) {
        int max = Math.max(20, width / CHAR_PX);
        List<String> lines = new ArrayList<>();
        for (Caption c : captions) {
            StringBuilder line = new StringBuilder();
            for (String word : c.getCaption().trim().split("\\s+")) {
                while (word.length() > max) { // a word longer than a line is cut, not lost
                    if (line.length() > 0) {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    lines.add(word.substring(0, max));
                    word = word.substring(max);
                }
                if (line.length() > 0 && line.length() + 1 + word.length() > max) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() == 0 ? "" : " ").append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** One SVG being written: the picture's frame, its shapes, its caption lines. */
    private static final class Canvas {
        private final StringBuilder s = new StringBuilder(4096);
        private final Options o;
        private final int w;
        private final int h;
        private final List<String> captions;

        Canvas(long imageId, Image im, List<String> captions, Options o) {
            this.o = o;
            this.w = width(im);
            this.h = im == null ? 480 : im.getHeight();
            this.captions = captions;
            int total = h + (captions.isEmpty() ? 0 : LINE * (captions.size() + 1));
            s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(total)
                    .append("\" viewBox=\"0 0 ").append(w).append(' ').append(total).append("\" data-image-id=\"")
                    .append(imageId).append("\">\n");
            s.append("<title>image ").append(imageId).append("</title>\n");
            s.append("<defs><clipPath id=\"frame-").append(imageId).append("\"><rect width=\"").append(w)
                    .append("\" height=\"").append(h).append("\"/></clipPath></defs>\n");
            s.append("<rect width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#ddd\"/>\n");
            if (o.photo() != null) {
                s.append("<image href=\"").append(escape(o.photo())).append("\" width=\"").append(w)
                        .append("\" height=\"").append(h).append("\"/>\n");
            }
            s.append("<g clip-path=\"url(#frame-").append(imageId).append(")\" font-family=\"sans-serif\" font-size=\"12\">\n");
        }

        void shape(Kind kind, long id, int categoryId, Segmentation seg, RleMask mask, List<Double> box,
                List<Double> maskBox, ValidationStatus status, String color) {
            String look = o.highlighted().isEmpty() ? "" : o.highlighted().contains(id) ? " flagged" : " dimmed";
            s.append("<g class=\"ann ").append(kind.id()).append(' ').append(status.name().toLowerCase(Locale.ROOT))
                    .append(look).append("\" id=\"ann-").append(id).append("\" data-category-id=\"").append(categoryId)
                    .append('"').append(look.equals(" dimmed") ? " opacity=\"0.25\"" : "").append('>');
            double fill = look.equals(" flagged") ? 0.55 : 0.4;
            if (seg != null && seg.getRle() == null) {
                for (List<Double> poly : seg.getPolygons()) {
                    s.append("<polygon fill=\"").append(color).append("\" fill-opacity=\"").append(fill)
                            .append("\" stroke=\"").append(color).append("\" points=\"");
                    for (int k = 0; k + 1 < poly.size(); k += 2) {
                        s.append(k == 0 ? "" : " ").append(num(poly.get(k))).append(',').append(num(poly.get(k + 1)));
                    }
                    s.append("\"/>");
                }
            } else if (mask != null && mask.getCounts() != null) {
                runs(mask, color, fill);
            }
            String outline = switch (status) {
                case INVALID -> "red";
                case WARNING -> "orange";
                case VALID -> color;
            };
            double stroke = look.equals(" flagged") ? 3 : status == ValidationStatus.VALID ? 1 : 2;
            if (box.size() == 4) {
                rect("bbox", box, outline, stroke, null);
            }
            if (maskBox.size() == 4 && !maskBox.equals(box)) {
                rect("mask-bbox", maskBox, color, 1, "4 3"); // the mask's own box, where it differs from the declared
            }
            if (box.size() == 4) {
                Category cat = o.categories() == null ? null : o.categories().apply(kind, categoryId);
                String label = (cat == null ? "category " + categoryId : cat.getName()) + " #" + id;
                s.append("<text class=\"label\" x=\"").append(num(Math.max(0, box.get(0)) + 2)).append("\" y=\"")
                        .append(num(Math.max(12, box.get(1) + 12))).append("\" fill=\"white\" stroke=\"black\""
                                + " stroke-width=\"0.6\" paint-order=\"stroke\">").append(escape(label)).append("</text>");
            }
            s.append("</g>\n");
        }

        /** One rectangle per run of mask pixels in a column: runs are column-major. */
        private void runs(RleMask mask, String color, double fill) {
            int mh = mask.getHeight();
            int[] counts = Masks.frString(mask.getCounts(), mh, mask.getWidth()).counts();
            s.append("<path fill=\"").append(color).append("\" fill-opacity=\"").append(fill).append("\" d=\"");
            long p = 0;
            for (int k = 0; k < counts.length; k++) {
                long end = p + counts[k];
                for (long q = p; (k & 1) == 1 && q < end;) {
                    long x = q / mh;
                    long y0 = q % mh;
                    long run = Math.min(end - q, mh - y0);
                    s.append('M').append(x).append(' ').append(y0).append("h1v").append(run).append("h-1z");
                    q += run;
                }
                p = end;
            }
            s.append("\"/>");
        }

        private void rect(String cls, List<Double> b, String color, double width, String dash) {
            s.append("<rect class=\"").append(cls).append("\" fill=\"none\" stroke=\"").append(color)
                    .append("\" stroke-width=\"").append(num(width)).append('"')
                    .append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"").append(" x=\"").append(num(b.get(0)))
                    .append("\" y=\"").append(num(b.get(1))).append("\" width=\"").append(num(b.get(2)))
                    .append("\" height=\"").append(num(b.get(3))).append("\"/>");
        }

        /** Labeled keypoints (v > 0) as dots named by their category, and the skeleton's bones between two labeled ones. */
        void keypoints(KeypointAnnotation a, String color) {
            Category cat = o.categories() == null ? null : o.categories().apply(Kind.PERSON_KEYPOINTS, a.getCategoryId());
            List<Double> kp = a.getKeypoints();
            List<String> names = cat == null ? List.of() : cat.getKeypoints();
            int k = kp.size() / 3;
            String look = o.highlighted().isEmpty() || o.highlighted().contains(a.getId()) ? "" : " opacity=\"0.25\"";
            s.append("<g class=\"keypoints\" id=\"kp-").append(a.getId()).append('"').append(look).append('>');
            for (List<Integer> bone : cat == null ? List.<List<Integer>>of() : cat.getSkeleton()) {
                int p = bone.get(0) - 1;
                int q = bone.get(1) - 1;
                if (p >= 0 && q >= 0 && p < k && q < k && kp.get(3 * p + 2) > 0 && kp.get(3 * q + 2) > 0) {
                    s.append("<line stroke=\"").append(color).append("\" stroke-width=\"2\" x1=\"").append(num(kp.get(3 * p)))
                            .append("\" y1=\"").append(num(kp.get(3 * p + 1))).append("\" x2=\"").append(num(kp.get(3 * q)))
                            .append("\" y2=\"").append(num(kp.get(3 * q + 1))).append("\"/>");
                }
            }
            for (int i = 0; i < k; i++) {
                double v = kp.get(3 * i + 2);
                if (v > 0) {
                    String name = i < names.size() ? names.get(i) : "keypoint " + (i + 1);
                    s.append("<circle r=\"3\" fill=\"").append(v == 2 ? color : "none").append("\" stroke=\"").append(color)
                            .append("\" cx=\"").append(num(kp.get(3 * i))).append("\" cy=\"").append(num(kp.get(3 * i + 1)))
                            .append("\"><title>").append(escape(name)).append("</title></circle>");
                    s.append("<text class=\"kp-name\" font-size=\"9\" x=\"").append(num(kp.get(3 * i) + 4))
                            .append("\" y=\"").append(num(kp.get(3 * i + 1) - 3)).append("\">").append(escape(name))
                            .append("</text>");
                }
            }
            s.append("</g>\n");
        }

        String end() {
            s.append("</g>\n");
            int y = h + LINE;
            for (String line : captions) {
                s.append("<text class=\"caption\" x=\"4\" y=\"").append(y)
                        .append("\" font-family=\"sans-serif\" font-size=\"14\">").append(escape(line)).append("</text>\n");
                y += LINE;
            }
            return s.append("</svg>\n").toString();
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
