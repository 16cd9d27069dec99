package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.Retraction;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The views' join semantics with TopologyTestDriver: parts in any order, re-delivery, retraction, ids. */
class ViewsTopologyTest {
    private Driver d;

    @BeforeEach
    void start() throws IOException {
        d = new Driver();
        d.pipe(Topics.CATEGORIES, "instances/1", category("instances"));
        d.pipe(Topics.CATEGORIES, "person_keypoints/1", category("person_keypoints"));
    }

    @AfterEach
    void stop() {
        d.close();
    }

    static Provenance prov(String batch) {
        return Provenance.newBuilder().setBatchId(batch).setSourceFile(batch + ".json").setProducer("t")
                .setIngestTime(Instant.EPOCH).build();
    }

    static Category category(String kind) {
        return Category.newBuilder().setKind(kind).setId(1).setName("person").setProvenance(prov("c")).build();
    }

    static Image image(long id) {
        return Image.newBuilder().setId(id).setWidth(100).setHeight(10).setFileName(id + ".jpg").build();
    }

    /** The triangle (1,1) (8,1) (4,7): area 21, box [1, 1, 7, 6]; {@code area} other than 21 is an error. */
    static InstancesEvent instances(long image, String batch, double area, long... ids) {
        List<InstanceAnnotation> anns = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            double x = 1 + 10 * i; // side by side: no two are near duplicates
            anns.add(InstanceAnnotation.newBuilder().setId(ids[i]).setImageId(image).setCategoryId(1).setArea(area)
                    .setBbox(List.of(x, 1.0, 7.0, 6.0))
                    .setSegmentation(Segmentation.newBuilder().setPolygons(List.of(List.of(x, 1.0, x + 7, 1.0, x + 3, 7.0)))
                            .build())
                    .build());
        }
        return InstancesEvent.newBuilder().setImageId(image).setImage(image(image)).setAnnotations(anns)
                .setProvenance(prov(batch)).build();
    }

    static CaptionsEvent captions(long image, String batch, long firstId) {
        List<Caption> cs = IntStream.range(0, 5).mapToObj(i -> Caption.newBuilder().setId(firstId + i).setImageId(image)
                .setCaption("caption " + i).build()).toList();
        return CaptionsEvent.newBuilder().setImageId(image).setImage(image(image)).setAnnotations(cs)
                .setProvenance(prov(batch)).build();
    }

    static PersonKeypointsEvent keypoints(long image, String batch, long id) {
        KeypointAnnotation a = KeypointAnnotation.newBuilder().setId(id).setImageId(image).setCategoryId(1)
                .setArea(21).setBbox(List.of(1.0, 1.0, 7.0, 6.0)).build();
        return PersonKeypointsEvent.newBuilder().setImageId(image).setImage(image(image)).setAnnotations(List.of(a))
                .setProvenance(prov(batch)).build();
    }

    @ParameterizedTest(name = "order {0}")
    @ValueSource(strings = {"CKI", "IKC", "KIC"})
    void aViewExistsFromTheFirstPartAndEachLaterPartUpdatesIt(String order) {
        List<ImageView> seen = new ArrayList<>();
        for (char part : order.toCharArray()) {
            switch (part) {
                case 'C' -> d.pipe(Topics.CAPTIONS, 5L, captions(5, "b1", 100));
                case 'K' -> d.pipe(Topics.PERSON_KEYPOINTS, 5L, keypoints(5, "b2", 7));
                default -> d.pipe(Topics.INSTANCES, 5L, instances(5, "b3", 21, 7));
            }
            List<KeyValue<Long, SpecificRecord>> out = d.read(Topics.IMAGE_VIEW);
            assertEquals(1, out.size(), "one image view update per part");
            seen.add((ImageView) out.get(0).value);
        }
        assertEquals(1, seen.get(0).getBatches().size(), "the first part makes the view");
        ImageView last = seen.get(2);
        assertEquals(Map.of("captions", "b1", "person_keypoints", "b2", "instances", "b3"), last.getBatches());
        assertEquals(5, last.getCaptions().size());
        assertEquals(7L, last.getKeypoints().get(0).getId());
        ValidatedAnnotation a = last.getInstances().get(0);
        assertEquals(7L, a.getId());
        assertEquals(ValidationStatus.VALID, a.getStatus());
        assertTrue(a.getMaskArea() > 0, "the mask recomputed through the Mask API goes on with the annotation");
        assertNotNull(a.getMask().getCounts());
        assertEquals(5L, last.getImage().getId());
        assertTrue(d.alerts().isEmpty());
    }

    @Test
    void theInstanceViewHoldsRecomputedMasksStatusAndCategories() {
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 30, 7));
        InstanceView v = (InstanceView) d.read(Topics.INSTANCES_VIEW).get(0).value;
        assertEquals(ValidationStatus.INVALID, v.getStatus());
        ValidatedAnnotation a = v.getAnnotations().get(0);
        assertEquals(ValidationStatus.INVALID, a.getStatus());
        assertTrue(a.getAlertRules().contains("area.polygon"), a.getAlertRules().toString());
        assertEquals(30.0, a.getArea(), "the declared area is kept");
        io.cocostream.mask.Rle mask = io.cocostream.mask.Masks.frPoly(new double[] {1, 1, 8, 1, 4, 7}, 10, 100);
        double[] box = new double[4];
        io.cocostream.mask.Masks.toBbox(mask, box, 0);
        assertEquals(io.cocostream.mask.Masks.area(mask), a.getMaskArea());
        assertEquals(List.of(box[0], box[1], box[2], box[3]), a.getMaskBbox());
        assertEquals(io.cocostream.mask.Masks.toString(mask), a.getMask().getCounts());
        assertEquals("person", v.getCategories().get(0).getName());
    }

    @Test
    void aReDeliveredImageReplacesThatKindsAnnotations() {
        d.pipe(Topics.CAPTIONS, 5L, captions(5, "b1", 100));
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 21, 7, 8));
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b2", 21, 9));
        Map<Long, SpecificRecord> inst = Driver.latest(d.read(Topics.INSTANCES_VIEW));
        assertEquals(List.of(9L), ids(((InstanceView) inst.get(5L)).getAnnotations()));
        ImageView v = (ImageView) Driver.latest(d.read(Topics.IMAGE_VIEW)).get(5L);
        assertEquals(List.of(9L), ids(v.getInstances()));
        assertEquals(5, v.getCaptions().size(), "the other kinds stay");
        assertEquals(Map.of("captions", "b1", "instances", "b2"), v.getBatches());
        // ids 7 and 8 were released by the re-delivery: another image may now use them
        d.pipe(Topics.INSTANCES, 6L, instances(6, "b3", 21, 7));
        assertTrue(d.alerts().isEmpty(), "no alert: " + d.alerts());
    }

    @Test
    void anAnnotationIdOfAnotherImageIsAlerted() {
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 21, 7));
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 21, 7));
        d.pipe(Topics.INSTANCES, 6L, instances(6, "b2", 21, 7));
        ValidationAlert a = d.firstOf(1, "annotation.id-unique", 6, 7L);
        assertEquals("image 5", a.getActual());
        assertEquals("b2", a.getBatchId());
    }

    @Test
    void retractingAnImageRemovesItFromEveryViewWithTombstones() {
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 21, 7));
        d.pipe(Topics.CAPTIONS, 5L, captions(5, "b1", 100));
        d.read(Topics.IMAGE_VIEW);
        d.read(Topics.INSTANCES_VIEW);
        d.pipe(Topics.RETRACTIONS, 5L, Retraction.newBuilder().setImageId(5L).setRequestedAt(Instant.EPOCH).build());
        List<KeyValue<Long, SpecificRecord>> inst = d.read(Topics.INSTANCES_VIEW);
        assertEquals(1, inst.size());
        assertNull(inst.get(0).value, "a tombstone");
        List<KeyValue<Long, SpecificRecord>> img = d.read(Topics.IMAGE_VIEW);
        assertNull(img.get(img.size() - 1).value, "the image view, left empty, is a tombstone");
        d.pipe(Topics.INSTANCES, 6L, instances(6, "b2", 21, 7));
        assertTrue(d.alerts().isEmpty(), "the retracted id is free again");
    }

    @Test
    void retractingABatchRemovesOnlyWhatThatBatchDelivered() {
        d.pipe(Topics.INSTANCES, 5L, instances(5, "b1", 21, 7));
        d.pipe(Topics.CAPTIONS, 5L, captions(5, "b2", 100));
        d.pipe(Topics.INSTANCES, 6L, instances(6, "b1", 21, 8));
        d.pipe(Topics.INSTANCES, 9L, instances(9, "b2", 21, 10));
        d.pipe(Topics.RETRACTIONS, null, Retraction.newBuilder().setBatchId("b1").setRequestedAt(Instant.EPOCH).build());
        Map<Long, SpecificRecord> inst = Driver.latest(d.read(Topics.INSTANCES_VIEW));
        assertEquals(List.of(9L), List.copyOf(inst.keySet()));
        Map<Long, SpecificRecord> img = Driver.latest(d.read(Topics.IMAGE_VIEW));
        assertEquals(List.of(5L, 9L), img.keySet().stream().sorted().toList());
        ImageView v5 = (ImageView) img.get(5L);
        assertEquals(Map.of("captions", "b2"), v5.getBatches());
        assertTrue(v5.getInstances().isEmpty());
        assertEquals(5, v5.getCaptions().size());
    }

    @Test
    void everyNewProcessorStoreAndRepartitionTopicIsNamed() {
        String t = CocoTopology.build(d.serde, Tolerances.DEFAULT).describe().toString();
        for (String name : List.of("views", Stores.PANOPTIC_VIEW,
                Stores.IMAGE_VIEW, Stores.ANNOTATION_IDS, "annotation-ids-repartition",
                "check-annotation-ids", "image-view-sink", "retractions-source")) {
            assertTrue(t.contains(name), name + " in " + t);
        }
        assertTrue(!t.contains("KSTREAM-") && !t.contains("KTABLE-"), "no generated names: " + t);
    }

    private static List<Long> ids(List<ValidatedAnnotation> anns) {
        return anns.stream().map(ValidatedAnnotation::getId).toList();
    }
}
