package io.cocostream.testing;

import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseAnnotation;
import io.cocostream.schemas.avro.DensePoseEvent;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticSegment;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * One valid event of each shape (polygon, crowd and RLE instances, keypoints, captions, panoptic,
 * DensePose) of image 5, and for each rule the one change to it that the rule catches: the cases
 * the rules' own tests and the topology's tests share.
 */
public final class RuleCases {
    public static final Provenance PROV = Provenance.newBuilder().setBatchId("b").setSourceFile("f.json").setProducer("t")
            .setIngestTime(Instant.EPOCH).build();
    /** 10×10 pixels, column-major: rows 1-3 of columns 1 and 2 (area 6, box [1, 1, 2, 3]). */
    public static final List<Long> BLOCK = List.of(11L, 3L, 7L, 3L, 76L);
    public static final String BLOCK_STRING = ";370U2";

    /** Every rule with the shape whose change raises it: {rule, shape}, for {@code @FieldSource}. */
    public static final List<String[]> CASES = Stream.of(
            "area.polygon, polygon", "bbox.polygon-extent, polygon", "bbox.positive, polygon",
            "bbox.inside-image, polygon", "bbox.degenerate, polygon", "bbox.aspect-ratio, polygon",
            "segmentation.crowd-form, polygon", "category.exists, polygon",
            "area.mask, crowd", "bbox.mask, crowd", "rle.counts, crowd", "rle.counts-sum, crowd", "area.mask, rle",
            "bbox.mask, rle", "annotation.near-duplicate, rle",
            "keypoints.length, keypoints", "keypoints.visibility, keypoints", "keypoints.unlabeled-zero, keypoints",
            "keypoints.count, keypoints", "keypoints.inside-image, keypoints", "keypoints.near-bbox, keypoints",
            "keypoints.skeleton, keypoints",
            "captions.count, captions", "captions.empty, captions", "captions.duplicate, captions",
            "panoptic.segment-unique, panoptic", "panoptic.segment-in-png, panoptic",
            "panoptic.png-in-segments, panoptic", "area.mask, panoptic", "bbox.mask, panoptic",
            "category.exists, panoptic", "panoptic.isthing, panoptic",
            "densepose.part, densepose", "densepose.uv, densepose", "densepose.xy, densepose",
            "densepose.lengths, densepose", "densepose.masks, densepose").map(c -> c.split(", ")).toList();

    /** The rules of these cases whose alerts are WARNINGs (the others' are ERRORs). */
    public static final Set<String> WARNINGS = Set.of("bbox.degenerate", "bbox.aspect-ratio", "annotation.near-duplicate");

    private RuleCases() {}

    /** The cases of these shapes. */
    public static List<String[]> cases(String... shapes) {
        List<String> wanted = List.of(shapes);
        return CASES.stream().filter(c -> wanted.contains(c[1])).toList();
    }

    /**
     * The delivery's categories by topic key: category 1 of every kind (a keypoint category of three
     * keypoints, whose skeleton names a fourth when {@code rule} is keypoints.skeleton) and panoptic
     * stuff category 2.
     */
    public static Map<String, Category> categories(String rule) {
        Map<String, Category> out = new LinkedHashMap<>();
        Category.Builder cat = Category.newBuilder().setId(1).setName("thing").setSupercategory("s").setProvenance(PROV);
        out.put("instances/1", cat.setKind("instances").build());
        List<Integer> last = rule.equals("keypoints.skeleton") ? List.of(2, 9) : List.of(2, 3);
        out.put("person_keypoints/1", Category.newBuilder(cat.build()).setKind("person_keypoints")
                .setKeypoints(List.of("a", "b", "c")).setSkeleton(List.of(List.of(1, 2), last)).build());
        out.put("panoptic/1", Category.newBuilder(cat.build()).setKind("panoptic").setIsthing(1).build());
        out.put("panoptic/2", Category.newBuilder(cat.build()).setKind("panoptic").setId(2).setIsthing(0).build());
        return out;
    }

    public static Image image(int size) {
        return Image.newBuilder().setId(5).setWidth(size).setHeight(size).build();
    }

    public static Segmentation triangle() {
        return polygon(1, 1, 8, 1, 4, 7);
    }

    /** A segmentation of one polygon, x and y alternating. */
    public static Segmentation polygon(double... xy) {
        return Segmentation.newBuilder().setPolygons(List.of(Arrays.stream(xy).boxed().toList())).build();
    }

    public static <T> List<T> with(List<T> list, int index, T value) {
        List<T> l = new ArrayList<>(list);
        l.set(index, value);
        return l;
    }

    /** The shape's valid event, with the change that {@code rule} catches ("" for none). */
    public static SpecificRecord event(String shape, String rule) {
        return switch (shape) {
            case "polygon", "crowd", "rle" -> instances(shape, rule);
            case "keypoints" -> keypoints(rule);
            case "captions" -> captions(rule);
            case "panoptic" -> panoptic(rule);
            default -> densepose(rule);
        };
    }

    public static InstancesEvent instances(String shape, String rule) {
        InstanceAnnotation.Builder a = InstanceAnnotation.newBuilder().setId(7).setImageId(5).setCategoryId(1);
        if (shape.equals("polygon")) {
            a.setArea(21).setBbox(List.of(1.0, 1.0, 7.0, 6.0)).setSegmentation(triangle());
        } else {
            RleMask.Builder m = RleMask.newBuilder().setHeight(10).setWidth(10);
            if (shape.equals("crowd")) {
                a.setIscrowd(1);
                m.setUncompressedCounts(rule.equals("rle.counts-sum") ? BLOCK.subList(0, 4) : BLOCK);
            } else {
                m.setCounts(BLOCK_STRING);
            }
            if (rule.equals("rle.counts")) {
                m.setUncompressedCounts(null).setCounts("!!");
            }
            a.setArea(6).setBbox(List.of(1.0, 1.0, 2.0, 3.0)).setSegmentation(Segmentation.newBuilder().setRle(m.build()).build());
        }
        switch (rule) {
            case "area.polygon" -> a.setArea(30);
            case "bbox.polygon-extent" -> a.setBbox(with(a.getBbox(), 0, 3.0));
            case "bbox.positive" -> a.setBbox(with(a.getBbox(), 2, 0.0));
            case "bbox.inside-image" -> a.setBbox(with(a.getBbox(), 2, 70.0));
            case "segmentation.crowd-form" -> a.setIscrowd(1);
            case "category.exists" -> a.setCategoryId(9);
            case "area.mask" -> a.setArea(shape.equals("crowd") ? 3 : 7);
            case "bbox.mask" -> a.setBbox(with(a.getBbox(), 0, 4.0));
            // half a pixel high, and 42 by 2 (21:1): the polygon, its area and its box agree
            case "bbox.degenerate" -> a.setSegmentation(polygon(1, 1, 8, 1, 4, 1.5)).setArea(1.75)
                    .setBbox(List.of(1.0, 1.0, 7.0, 0.5));
            case "bbox.aspect-ratio" -> a.setSegmentation(polygon(1, 1, 43, 1, 22, 3)).setArea(42)
                    .setBbox(List.of(1.0, 1.0, 42.0, 2.0));
            default -> { }
        }
        List<InstanceAnnotation> anns = rule.equals("annotation.near-duplicate")
                ? List.of(a.build(), a.setId(8).build()) : List.of(a.build());
        return InstancesEvent.newBuilder().setImageId(5).setImage(image(rule.equals("bbox.aspect-ratio") ? 100 : 10))
                .setAnnotations(anns).setProvenance(PROV).build();
    }

    public static PersonKeypointsEvent keypoints(String rule) {
        List<Double> kp = new ArrayList<>(List.of(2.0, 2.0, 2.0, 3.0, 3.0, 1.0, 0.0, 0.0, 0.0));
        KeypointAnnotation.Builder a = KeypointAnnotation.newBuilder().setId(7).setImageId(5).setCategoryId(1)
                .setArea(21).setBbox(List.of(1.0, 1.0, 7.0, 6.0)).setSegmentation(triangle()).setNumKeypoints(2);
        switch (rule) {
            case "keypoints.length" -> kp = kp.subList(0, 6);
            case "keypoints.visibility" -> kp.set(2, 3.0);
            case "keypoints.unlabeled-zero" -> kp.set(6, 5.0);
            case "keypoints.count" -> a.setNumKeypoints(3);
            case "keypoints.inside-image" -> kp.set(0, 5000.0);
            case "keypoints.near-bbox" -> kp.set(0, 900.0);
            default -> { }
        }
        return PersonKeypointsEvent.newBuilder().setImageId(5).setImage(image(1000))
                .setAnnotations(List.of(a.setKeypoints(kp).build())).setProvenance(PROV).build();
    }

    public static CaptionsEvent captions(String rule) {
        List<Caption> cs = new ArrayList<>(IntStream.range(0, 5).mapToObj(i -> Caption.newBuilder().setId(100 + i)
                .setImageId(5).setCaption("a caption, number " + i).build()).toList());
        switch (rule) {
            case "captions.count" -> cs.remove(4);
            case "captions.empty" -> cs.get(1).setCaption(" ");
            case "captions.duplicate" -> cs.get(1).setCaption(cs.get(0).getCaption());
            default -> { }
        }
        return CaptionsEvent.newBuilder().setImageId(5).setImage(image(10)).setAnnotations(cs).setProvenance(PROV).build();
    }

    public static PanopticEvent panoptic(String rule) {
        RleMask mask = RleMask.newBuilder().setHeight(10).setWidth(10).setCounts(BLOCK_STRING).build();
        PanopticSegment.Builder s = PanopticSegment.newBuilder().setId(3).setCategoryId(1).setArea(6)
                .setBbox(List.of(1.0, 1.0, 2.0, 3.0)).setMask(mask);
        List<Long> pngOnly = List.of();
        switch (rule) {
            case "panoptic.segment-in-png" -> s.setMask(null);
            case "panoptic.png-in-segments" -> pngOnly = List.of(4L);
            case "area.mask" -> s.setArea(7);
            case "bbox.mask" -> s.setBbox(with(s.getBbox(), 1, 2.0));
            case "category.exists" -> s.setCategoryId(9);
            case "panoptic.isthing" -> s.setCategoryId(2).setIscrowd(1);
            default -> { }
        }
        List<PanopticSegment> segments = rule.equals("panoptic.segment-unique") ? List.of(s.build(), s.build())
                : List.of(s.build());
        return PanopticEvent.newBuilder().setImageId(5).setImage(image(10)).setFileName("5.png").setAnnotations(segments)
                .setPngOnlyIds(pngOnly).setProvenance(PROV).build();
    }

    public static DensePoseEvent densepose(String rule) {
        DensePoseAnnotation.Builder a = DensePoseAnnotation.newBuilder().setId(7).setImageId(5).setCategoryId(1)
                .setArea(21).setBbox(List.of(1.0, 1.0, 7.0, 6.0)).setSegmentation(triangle())
                .setDpI(List.of(1.0, 24.0)).setDpU(List.of(0.0, 1.0)).setDpV(List.of(0.5, 0.5))
                .setDpX(List.of(0.0, 256.0)).setDpY(List.of(10.0, 20.0))
                .setDpMasks(Collections.nCopies(14, (RleMask) null));
        Consumer<DensePoseAnnotation.Builder> change = switch (rule) {
            case "densepose.part" -> b -> b.setDpI(List.of(0.0, 24.0));
            case "densepose.uv" -> b -> b.setDpU(List.of(0.0, 1.5));
            case "densepose.xy" -> b -> b.setDpX(List.of(0.0, 300.0));
            case "densepose.lengths" -> b -> b.setDpV(List.of(0.5));
            case "densepose.masks" -> b -> b.setDpMasks(Collections.nCopies(13, (RleMask) null));
            default -> b -> { };
        };
        change.accept(a);
        return DensePoseEvent.newBuilder().setImageId(5).setImage(image(10)).setAnnotations(List.of(a.build()))
                .setProvenance(PROV).build();
    }
}
