package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.RejectedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import io.cocostream.streams.clients.Exporter;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One notion of INVALID for every kind: an annotation with an error alert is INVALID in the views
 * and left out by export --valid-only, keypoints and captions included; an annotation ingest
 * rejected makes its image's part INVALID and is named by an alert.
 */
class InvalidTopologyTest {
    private Driver d;

    @BeforeEach
    void start() throws IOException {
        d = new Driver();
        d.pipe(Topics.CATEGORIES, "instances/1", ViewsTopologyTest.category("instances"));
        d.pipe(Topics.CATEGORIES, "person_keypoints/1", ViewsTopologyTest.category("person_keypoints"));
    }

    @AfterEach
    void stop() {
        d.close();
    }

    private ImageView imageView(long id) {
        return (ImageView) Driver.latest(d.read(Topics.IMAGE_VIEW)).get(id);
    }

    @Test
    void aRejectedAnnotationMarksItsImageInvalidAndIsAlerted() {
        InstancesEvent e = ViewsTopologyTest.instances(5, "b1", 21, 7);
        e.setRejected(List.of(RejectedAnnotation.newBuilder().setId(8L).setJsonPath("$.annotations[3].bbox").setLine(12)
                .setColumn(4).setReason("expected 4 numbers").build(),
                RejectedAnnotation.newBuilder().setJsonPath("$.annotations[4].id").setReason("missing required field").build()));
        d.pipe(Topics.INSTANCES, 5L, e);
        List<ValidationAlert> alerts = d.alerts();
        ValidationAlert a = alerts.get(0);
        assertEquals(List.of("format", 5L, 8L, 2), List.of(a.getRule(), a.getImageId(), a.getAnnotationId(), alerts.size()),
                alerts.toString());
        assertTrue(a.getMessage().contains("expected 4 numbers"), a.getMessage());
        assertTrue(a.getActual().contains("$.annotations[3].bbox (line 12, column 4)"), a.getActual());
        assertEquals("b1", a.getBatchId());
        assertEquals(null, alerts.get(1).getAnnotationId(), "no id could be read: its place says which");
        assertTrue(alerts.get(1).getActual().contains("$.annotations[4].id"));
        InstanceView v = (InstanceView) Driver.latest(d.read(Topics.INSTANCES_VIEW)).get(5L);
        assertEquals(ValidationStatus.INVALID, v.getStatus(), "the image's instances are not all there");
        assertEquals(ValidationStatus.VALID, v.getAnnotations().get(0).getStatus(), "annotation 7 itself is fine");
        ImageView iv = imageView(5);
        assertEquals(ValidationStatus.INVALID, iv.getStatus().get(Kind.INSTANCES.id()));
        assertEquals(List.of(8L), iv.getInvalid().get(Kind.INSTANCES.id()));
    }

    @Test
    void keypointAndCaptionErrorsAreInvalidAndLeftOutOfAValidOnlyExport(@TempDir Path dir) throws IOException {
        // Keypoint 7 is fine; keypoint 9 has visibility 3 (an error).
        KeypointAnnotation good = ViewsTopologyTest.keypoints(5, "b1", 7).getAnnotations().get(0);
        KeypointAnnotation bad = KeypointAnnotation.newBuilder(good).setId(9).setKeypoints(List.of(2.0, 2.0, 3.0))
                .setNumKeypoints(1).build();
        d.pipe(Topics.PERSON_KEYPOINTS, 5L, PersonKeypointsEvent.newBuilder(ViewsTopologyTest.keypoints(5, "b1", 7))
                .setAnnotations(List.of(good, bad)).build());
        // Caption 102 is empty (an error); the image still has five.
        CaptionsEvent caps = ViewsTopologyTest.captions(5, "b1", 100);
        List<Caption> cs = new ArrayList<>(caps.getAnnotations());
        cs.set(2, Caption.newBuilder(cs.get(2)).setCaption(" ").build());
        caps.setAnnotations(cs);
        d.pipe(Topics.CAPTIONS, 5L, caps);
        ImageView v = imageView(5);
        assertEquals(ValidationStatus.INVALID, v.getStatus().get(Kind.PERSON_KEYPOINTS.id()));
        assertEquals(List.of(9L), v.getInvalid().get(Kind.PERSON_KEYPOINTS.id()));
        assertEquals(ValidationStatus.INVALID, v.getStatus().get(Kind.CAPTIONS.id()));
        assertEquals(List.of(102L), v.getInvalid().get(Kind.CAPTIONS.id()));

        Map<Long, SpecificRecord> views = Driver.latest(d.read(Topics.IMAGE_VIEW));
        views.put(5L, v);
        assertEquals(List.of(7L), exported(Kind.PERSON_KEYPOINTS, views, dir.resolve("kp.json")), "9 left out");
        assertEquals(List.of(100L, 101L, 103L, 104L), exported(Kind.CAPTIONS, views, dir.resolve("caps.json")));
    }

    @Test
    void ingestsDeadLettersThatNoEventNamesAreAlertsTheOthersAreNot() {
        // An image record that cannot be read: no event of it will ever name it.
        DeadLetter unnamed = DeadLetter.newBuilder().setStage("ingest").setSourceFile("vendor.json").setBatchId("b1")
                .setKind("instances").setOccurredAt(Instant.EPOCH).setImageId(3L).setJsonPath("$.images[2].height")
                .setLine(4).setColumn(30).setRaw("{\"id\": 3}")
                .setReason("expected an integer, found \"ten\"; its 25 annotations were left out with it").build();
        // An annotation its image's event names (rejected): that event's validation alerts it.
        DeadLetter named = DeadLetter.newBuilder(unnamed).setNamedOnEvent(true).setAnnotationId(30L).build();
        // The topology's own: the platform team's, not QA's.
        DeadLetter topologys = DeadLetter.newBuilder(unnamed).setStage("validate-instances").build();
        for (DeadLetter x : List.of(unnamed, named, topologys)) {
            d.pipe(Topics.DEAD_LETTERS, null, x);
        }
        ValidationAlert a = d.firstOf(1, "format", 3, null);
        assertEquals(List.of("$.images[2].height", 4, "vendor.json", "b1", "instances"),
                Arrays.asList(a.getJsonPath(), a.getLine(), a.getSourceFile(), a.getBatchId(), a.getKind()));
        assertTrue(a.getMessage().contains("25 annotations"), a.getMessage());
    }

    @Test
    void aCleanReDeliveryClearsTheStatus() {
        InstancesEvent e = ViewsTopologyTest.instances(5, "b1", 21, 7);
        e.setRejected(List.of(RejectedAnnotation.newBuilder().setId(8L).setReason("bad").build()));
        d.pipe(Topics.INSTANCES, 5L, e);
        d.pipe(Topics.INSTANCES, 5L, ViewsTopologyTest.instances(5, "b2", 21, 7, 8));
        ImageView v = imageView(5);
        assertEquals(ValidationStatus.VALID, v.getStatus().get(Kind.INSTANCES.id()));
        assertEquals(null, v.getInvalid().get(Kind.INSTANCES.id()));
    }

    private List<Long> exported(Kind kind, Map<Long, SpecificRecord> views, Path out) throws IOException {
        Exporter.Summary s = Exporter.export(kind, each -> views.values().forEach(each), d.categories.values(), out,
                null, true);
        assertEquals(1, s.skippedInvalid());
        List<Long> ids = new ArrayList<>();
        for (JsonNode a : SharedData.JSON.readTree(out.toFile()).get("annotations")) {
            ids.add(a.get("id").asLong());
        }
        return ids;
    }
}
