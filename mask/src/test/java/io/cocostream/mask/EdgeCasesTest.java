package io.cocostream.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.testing.SharedData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code ../shared/coco/masks/edge_cases.jsonl}: computed alike, or refused where pycocotools refuses. */
class EdgeCasesTest {

    /**
     * Cases where the wheels' C code returns a value derived from an unsigned wrap-around (a count
     * decoded as -1 read as 4294967295): we refuse them as untrusted input instead.
     */
    private static final Set<String> REFUSED_GARBAGE = Set.of("compressed string decode/re-encode '81O' size [3, 3]");

    static Stream<Arguments> cases() {
        return SharedData.readJsonLines("masks/edge_cases.jsonl").stream()
                .map(row -> Arguments.of(row.get("case").asText(), row));
    }

    @Test
    void allCasesAreHere() {
        assertEquals(88, cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void edgeCase(String name, JsonNode row) {
        JsonNode expected = row.has("output_pypi_variant") ? row.get("output_pypi_variant") : row.get("output");
        boolean refuses = expected == null || expected.has("error") || REFUSED_GARBAGE.contains(name);
        if (refuses) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(row));
            assertFalse(e.getMessage().isBlank(), "the refusal says why");
            return;
        }
        Object actual = run(row);
        if (expected.isArray() && actual instanceof List<?> list) {
            assertEquals(expected.size(), list.size(), name);
            for (int i = 0; i < list.size(); i++) {
                assertResult(name + " #" + i, expected.get(i), list.get(i));
            }
        } else {
            assertResult(name, expected, actual);
        }
    }

    private static Object run(JsonNode row) {
        String op = row.get("op").asText();
        JsonNode in = row.get("input");
        int h = row.get("h").asInt();
        int w = row.get("w").asInt();
        MaskScratch s = new MaskScratch();
        switch (op) {
            case "annToRLE":
                return Masks.annToRle(Segmentation.fromJson(SharedData.plain(in)), h, w, s);
            case "frPoly": {
                List<Rle> out = new ArrayList<>();
                for (JsonNode p : in) {
                    out.add(Masks.frPoly(SharedData.doubles(p), h, w, s));
                }
                return out.size() == 1 ? out.get(0) : out;
            }
            case "frBbox": {
                List<Rle> out = new ArrayList<>();
                for (JsonNode b : in) {
                    out.add(Masks.frBbox(SharedData.doubles(b), h, w, s));
                }
                return out.size() == 1 ? out.get(0) : out;
            }
            case "frPyObjects":
                if (in.get(0).isArray()) {
                    double[][] boxes = new double[in.size()][];
                    for (int i = 0; i < boxes.length; i++) {
                        boxes[i] = SharedData.doubles(in.get(i));
                    }
                    return Masks.frPyObjects(boxes, h, w, s);
                }
                return Masks.frPyObjects(SharedData.plain(in), h, w, s);
            case "frUncompressedRLE":
            case "frString":
                return Masks.frPyObjects(SharedData.plain(in), h, w, s).get(0);
            case "encode": {
                List<Rle> out = new ArrayList<>();
                for (JsonNode mask : in) {
                    out.add(Masks.encode(columnMajor(mask, h, w), h, w));
                }
                return out;
            }
            case "decode": {
                Rle r = rle(in);
                return Masks.decode(r);
            }
            case "merge": {
                List<Rle> masks = new ArrayList<>();
                JsonNode list = in.isArray() ? in : in.get("masks");
                for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
                    masks.add(rle(it.next()));
                }
                boolean intersect = in.isObject() && in.get("intersect").asInt() == 1;
                return Masks.merge(masks.toArray(new Rle[0]), intersect, s);
            }
            case "iou":
                return iou(in);
            default:
                throw new AssertionError("unknown op " + op);
        }
    }

    private static Object iou(JsonNode in) {
        JsonNode dt = in.get("dt");
        JsonNode gt = in.get("gt");
        JsonNode crowd = in.get("iscrowd");
        boolean[] iscrowd = new boolean[crowd.size()];
        for (int i = 0; i < iscrowd.length; i++) {
            iscrowd[i] = crowd.get(i).asInt() != 0;
        }
        if (dt.get(0).isArray()) {
            return Masks.bbIou(boxes(dt), boxes(gt), iscrowd);
        }
        return Masks.iou(rles(dt), rles(gt), iscrowd);
    }

    private static double[][] boxes(JsonNode n) {
        double[][] out = new double[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = SharedData.doubles(n.get(i));
        }
        return out;
    }

    private static Rle[] rles(JsonNode n) {
        Rle[] out = new Rle[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rle(n.get(i));
        }
        return out;
    }

    private static Rle rle(JsonNode n) {
        return Masks.frPyObjects(SharedData.plain(n), 0, 0, new MaskScratch()).get(0);
    }

    private static byte[] columnMajor(JsonNode rows, int h, int w) {
        byte[] m = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[x * h + y] = (byte) rows.get(y).get(x).asInt();
            }
        }
        return m;
    }

    private static void assertResult(String name, JsonNode expected, Object actual) {
        if (actual instanceof double[][] matrix) {
            assertEquals(expected.size(), matrix.length, name);
            for (int d = 0; d < matrix.length; d++) {
                assertArrayEquals(SharedData.doubles(expected.get(d)), matrix[d], name + " row " + d);
            }
            return;
        }
        assertTrue(actual instanceof Rle, name + ": expected an RLE, got " + actual);
        Rle r = (Rle) actual;
        assertArrayEquals(SharedData.ints(expected.get("size")), new int[] {r.h(), r.w()}, name + ": size");
        assertEquals(expected.get("counts").asText(), Masks.toString(r), name + ": counts");
        long[] uncompressed = new long[r.m()];
        for (int i = 0; i < uncompressed.length; i++) {
            uncompressed[i] = r.count(i);
        }
        long[] want = new long[expected.get("counts_uncompressed").size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = expected.get("counts_uncompressed").get(i).asLong();
        }
        assertArrayEquals(want, uncompressed, name + ": uncompressed counts");
        assertEquals(expected.get("area").asLong(), Masks.area(r), name + ": area");
        assertArrayEquals(SharedData.doubles(expected.get("bbox")), Masks.toBbox(r), name + ": bbox");
        if (expected.has("mask_rows")) {
            byte[] mask = Masks.decode(r);
            for (int y = 0; y < r.h(); y++) {
                StringBuilder line = new StringBuilder();
                for (int x = 0; x < r.w(); x++) {
                    line.append(mask[x * r.h() + y]);
                }
                assertEquals(expected.get("mask_rows").get(y).asText(), line.toString(), name + ": row " + y);
            }
        }
    }
}
