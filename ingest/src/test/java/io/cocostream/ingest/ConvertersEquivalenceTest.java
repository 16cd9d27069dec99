package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The token-level reader writes exactly the bytes the tree path writes, and accepts nothing it refuses. */
class ConvertersEquivalenceTest {

    /** Compares the two paths on every annotation of a file; returns how many the fast path took. */
    static int compare(Path file, boolean keypoints) {
        FastAnnotationReader fast = new FastAnnotationReader(keypoints);
        CocoJsonReader reader = new CocoJsonReader(file);
        int[] taken = {0};
        reader.scan(Set.of("annotations"), new CocoJsonReader.ElementHandler() {
            @Override
            public boolean stream(String section, long index, JsonParser p, Location at) throws IOException {
                long from = p.currentTokenLocation().getByteOffset();
                byte[] got = fast.read(p, id -> 0, id -> 0);
                JsonNode tree = CocoJsonReader.JSON.readTree(reader.slice(from, p.currentLocation().getByteOffset()));
                SpecificRecord slow;
                try {
                    slow = keypoints ? Converters.keypoints(tree, at, Converters.ImageSize.UNKNOWN)
                            : Converters.instance(tree, at, Converters.ImageSize.UNKNOWN);
                } catch (CocoFormatException e) {
                    assertNull(got, "the fast path must not accept what the tree path refuses: " + tree);
                    return true;
                }
                if (got != null) {
                    assertArrayEquals(encode(slow), got, "same Avro bytes for " + tree);
                    taken[0]++;
                }
                return true;
            }

            @Override
            public void element(String section, long index, JsonNode element, Location location) {
                throw new AssertionError("every annotation is streamed");
            }
        });
        return taken[0];
    }

    static byte[] encode(SpecificRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(r.getSchema()).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "instances/instances_val2017_mini.json, false, 624",
        "person_keypoints/person_keypoints_val2017_mini.json, true, 118",
        "stuff/cocostuffapi__stuff_examples.json, false, 17",
        "panoptic/panopticapi__panoptic_coco_detection_format.json, false, 50",
    })
    void sharedFilesTakeTheFastPathWithIdenticalBytes(String relative, boolean keypoints, int expected) throws IOException {
        assertEquals(expected, compare(SharedData.coco().resolve(relative), keypoints));
    }

    @Test
    void badCorpusAndSyntheticFilesAgree(@TempDir Path dir) throws IOException {
        for (Kind k : new Kind[] {Kind.INSTANCES, Kind.PERSON_KEYPOINTS, Kind.STUFF}) {
            Path f = dir.resolve(k.id() + ".json");
            Synth.write(k, 50, 3, f);
            compare(f, k == Kind.PERSON_KEYPOINTS);
        }
        int i = 0;
        for (var args : (Iterable<org.junit.jupiter.params.provider.Arguments>) BadInputTest.corpus()::iterator) {
            Path f = dir.resolve("bad" + i++ + ".json");
            Files.writeString(f, (String) args.get()[1]);
            compare(f, false);
        }
        Path odd = dir.resolve("odd.json");
        Files.writeString(odd, "{\"annotations\": [{\"id\": 1.0, \"image_id\": 1, \"category_id\": 1, \"area\": 1,"
                + " \"bbox\": [0, 0, 1, 1], \"segmentation\": [[0, 0, 1, 0, 1, 1]], \"bbox\": [0, 0, 2, 2]},"
                + " {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"area\": 1, \"iscrowd\": 2, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"size\": [10.0, 10], \"counts\": \"0T3\"}}]}");
        compare(odd, false);
    }
}
