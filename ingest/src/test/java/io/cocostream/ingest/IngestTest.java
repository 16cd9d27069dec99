package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every shared file ingests into per-image events that hold exactly its annotations. */
class IngestTest {

    static Ingest.Result ingest(Path file, MemorySink.Log log, int crashAfter, int chunk) throws IOException {
        return Ingest.run(Ingest.Options.of(file).withProducer("test").withChunkImages(chunk),
                batch -> new MemorySink(log, crashAfter), new Ingest.Progress() { });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, instances, 79, 624",
        "person_keypoints/person_keypoints_val2017_mini.json, person_keypoints, 79, 118",
        "captions/captions_val2017_mini.json, captions, 79, 395",
        "captions/captions_val2017.json, captions, 5000, 25014",
        "stuff/cocostuffapi__stuff_examples.json, stuff, 2, 17",
        "panoptic/panopticapi__panoptic_examples.json, panoptic, 2, 2",
        "panoptic/panopticapi__panoptic_coco_detection_format.json, instances, 2, 50",
        "results/cocoapi__instances_val2014_fakebbox100_results.json, results, -1, 734",
        "results/cocoapi__instances_val2014_fakesegm100_results.json, results, -1, 734",
        "results/cocoapi__person_keypoints_val2014_fakekeypoints100_results.json, results, -1, 125",
        "results/cocoapi__captions_val2014_fakecap_results.json, results, -1, 1000",
    })
    void sharedFileIngestsExactly(String relative, String kind, int images, int annotations) throws IOException {
        Path file = SharedData.coco().resolve(relative);
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = ingest(file, log, Integer.MAX_VALUE, 7);
        assertEquals(kind, r.kind().id());
        assertEquals(0, r.deadLetters(), r.firstError());
        assertEquals(BatchStatus.COMPLETE, r.status());
        assertEquals(annotations, r.annotations());
        JsonNode root = SharedData.readJson(relative);
        JsonNode anns = root.isArray() ? root : root.get("annotations");
        if (images >= 0) {
            assertEquals(images, r.images());
            assertEquals(root.get("images").size(), log.on(r.kind().topic()).size(), "one event per image");
        }
        // Every annotation of the file is in exactly one event, keyed by its image, with its values.
        Map<String, JsonNode> expected = new HashMap<>();
        int index = 0;
        for (JsonNode a : anns) {
            long id = r.kind() == Kind.PANOPTIC ? a.get("image_id").asLong()
                    : a.has("id") ? a.get("id").asLong() : index + 1;
            expected.put(a.get("image_id").asLong() + "/" + id, a);
            index++;
        }
        Set<String> seen = new HashSet<>();
        for (MemorySink.Sent s : log.on(r.kind().topic())) {
            GenericRecord event = (GenericRecord) s.value();
            assertEquals(s.key(), event.get("image_id"));
            @SuppressWarnings("unchecked")
            List<GenericRecord> list = (List<GenericRecord>) event.get("annotations");
            if (r.kind() == Kind.PANOPTIC) {
                String key = event.get("image_id") + "/" + event.get("image_id");
                assertTrue(seen.add(key));
                assertEquals(expected.get(key).get("segments_info").size(), list.size());
                for (GenericRecord seg : list) {
                    assertTrue(seg.get("mask") != null, "every listed segment is in the PNG");
                }
                continue;
            }
            for (GenericRecord a : list) {
                String key = s.key() + "/" + a.get("id");
                assertTrue(seen.add(key), "annotation " + key + " in one event only");
                JsonNode want = expected.get(key);
                assertTrue(want != null, "unexpected annotation " + key);
                assertValues(want, a);
            }
        }
        assertEquals(expected.keySet(), seen);
        List<MemorySink.Sent> manifests = log.on(Topics.BATCHES);
        BatchManifest fin = (BatchManifest) manifests.get(manifests.size() - 1).value();
        assertEquals(BatchStatus.COMPLETE, fin.getStatus());
        assertEquals(annotations, fin.getAnnotations());
        assertEquals(log.on(r.kind().topic()).size(), fin.getRecordsPerTopic().get(r.kind().topic()));
        assertEquals(r.categories(), log.on(Topics.CATEGORIES).size());
    }

    /** The fields the file and the event share hold the same numbers and strings. */
    private static void assertValues(JsonNode want, GenericRecord got) {
        for (String f : List.of("category_id", "iscrowd", "area", "num_keypoints", "score")) {
            if (want.has(f) && got.getSchema().getField(f) != null) {
                assertEquals(want.get(f).asDouble(), ((Number) got.get(f)).doubleValue(), 0.0, f + " of " + want);
            }
        }
        for (String f : List.of("bbox", "keypoints")) {
            if (want.has(f)) {
                List<Double> values = new ArrayList<>();
                want.get(f).forEach(v -> values.add(v.asDouble()));
                assertEquals(values, got.get(f), f);
            }
        }
        if (want.has("caption")) {
            assertEquals(want.get("caption").asText(), got.get("caption").toString());
        }
        if (want.has("segmentation")) {
            JsonNode seg = want.get("segmentation");
            GenericRecord s = (GenericRecord) got.get("segmentation");
            if (seg.isArray()) {
                assertEquals(seg.size(), ((List<?>) s.get("polygons")).size());
                assertEquals(seg.get(0).get(0).asDouble(), ((List<?>) ((List<?>) s.get("polygons")).get(0)).get(0));
            } else {
                GenericRecord rle = (GenericRecord) s.get("rle");
                if (seg.get("counts").isTextual()) {
                    assertEquals(seg.get("counts").asText(), rle.get("counts").toString());
                } else {
                    assertEquals(seg.get("counts").size(), ((List<?>) rle.get("uncompressed_counts")).size());
                }
            }
        }
    }

    @Test
    void aCrashedIngestRerunCompletesWithoutDuplicates() throws IOException {
        Path file = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        MemorySink.Log log = new MemorySink.Log();
        assertThrows(IllegalStateException.class, () -> ingest(file, log, 3, 10));
        int committedEvents = log.on(Topics.INSTANCES).size();
        assertEquals(30, committedEvents, "three chunks of 10 images were committed before the crash");
        Ingest.Result r = ingest(file, log, Integer.MAX_VALUE, 10);
        assertEquals(30, r.resumedAfterImages());
        List<Object> keys = log.on(Topics.INSTANCES).stream().map(MemorySink.Sent::key).toList();
        assertEquals(79, keys.size());
        assertEquals(79, new HashSet<>(keys).size(), "no image published twice");
        assertEquals(80, log.on(Topics.CATEGORIES).size(), "categories once");
        Ingest.Result again = ingest(file, log, Integer.MAX_VALUE, 10);
        assertTrue(again.alreadyIngested());
        assertEquals(79, log.on(Topics.INSTANCES).size(), "a third run publishes nothing");
    }

    static SpecificRecord last(MemorySink.Log log, String topic) {
        List<MemorySink.Sent> s = log.on(topic);
        return s.get(s.size() - 1).value();
    }
}
