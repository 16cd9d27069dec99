package io.cocostream.ingest;

import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongToIntFunction;
import org.apache.avro.io.BinaryEncoder;

/**
 * The hot path of ingest for instances, stuff and person keypoints: reads one annotation straight
 * from its bytes into primitive buffers (through a {@link JsonCursor}) and writes its Avro binary
 * (InstanceAnnotation or KeypointAnnotation) without a JSON tree, boxing or Avro objects.
 *
 * <p>It accepts only what {@link Converters} accepts and writes the same bytes; anything else (a
 * missing or mistyped field, a bad value, anything not plain) makes {@link #read} return null, and
 * the caller hands the element's tree to {@link Converters}, which names the problem.
 * ConvertersEquivalenceTest holds the two to the same output. One thread at a time.
 */
final class FastAnnotationReader {
    private final boolean keypoints;
    private final JsonCursor c = new JsonCursor();
    private final AvroWriter out = new AvroWriter();

    // One annotation's fields; "has" flags say which were present.
    private long id;
    private long imageId;
    private long categoryId;
    private long iscrowd;
    private double area;
    private double[] bbox = new double[4];
    private final int[] len = new int[1];
    private int bboxLen;
    private double[] coords = new double[1024];
    private int[] partEnds = new int[16];
    private int parts;
    private int coordCount;
    private boolean rle;
    private long rleH;
    private long rleW;
    private String rleString;
    private long[] rleCounts = new long[256];
    private int rleCountLen;
    private double[] kp = new double[64];
    private int kpLen;
    private long numKeypoints;
    private boolean hasId;
    private boolean hasImage;
    private boolean hasCategory;
    private boolean hasCrowd;
    private boolean hasArea;
    private boolean hasBbox;
    private boolean hasSeg;
    private boolean hasKp;
    private boolean hasNumKp;
    /** False once the element is known to need the tree path (a repeated key, an RLE of odd form). */
    private boolean ok;

    FastAnnotationReader(boolean keypoints) {
        this.keypoints = keypoints;
    }

    /** The image id of the last annotation read. */
    long imageId() {
        return imageId;
    }

    /** The annotation id of the last annotation read. */
    long id() {
        return id;
    }

    /**
     * The annotation object in {@code json[from, to)}.
     *
     * @param heightOf the height of an image id, 0 when unknown (then RLE sizes are not compared)
     * @param widthOf likewise its width
     * @return its Avro binary, or null when the tree path must decide
     */
    byte[] read(byte[] json, int from, int to, LongToIntFunction heightOf, LongToIntFunction widthOf)
            throws IOException {
        reset();
        c.reset(json, from);
        try {
            if (c.opens('{', '}')) {
                do {
                    c.readKey();
                    field();
                } while (c.more('}'));
            }
            if (c.position() != to) {
                return null;
            }
        } catch (JsonCursor.NotPlain | ArrayIndexOutOfBoundsException e) {
            return null;
        }
        if (!ok || !c.ok() || !valid(heightOf, widthOf)) {
            return null;
        }
        return encode();
    }

    private void field() throws JsonCursor.NotPlain {
        if (c.key("id")) {
            hasId = true;
            id = c.integer();
        } else if (c.key("image_id")) {
            hasImage = true;
            imageId = c.integer();
        } else if (c.key("category_id")) {
            hasCategory = true;
            categoryId = c.integer();
        } else if (c.key("iscrowd")) {
            hasCrowd = !c.literalNull();
            iscrowd = hasCrowd ? c.integer() : 0;
        } else if (c.key("area")) {
            hasArea = true;
            area = c.number();
        } else if (c.key("bbox")) {
            ok &= !hasBbox; // a repeated key: the tree keeps the last, let the tree path decide
            hasBbox = true;
            len[0] = 0;
            bbox = c.numbers(bbox, len);
            bboxLen = len[0];
        } else if (c.key("segmentation")) {
            ok &= !hasSeg;
            hasSeg = true;
            segmentation();
        } else if (c.key("keypoints")) {
            ok &= !hasKp;
            hasKp = true;
            len[0] = 0;
            kp = c.numbers(kp, len);
            kpLen = len[0];
        } else if (c.key("num_keypoints")) {
            hasNumKp = !c.literalNull();
            numKeypoints = hasNumKp ? c.integer() : 0;
        } else {
            c.skip();
        }
    }

    private void segmentation() throws JsonCursor.NotPlain {
        if (c.peek() == '[') {
            if (c.opens('[', ']')) {
                do {
                    len[0] = coordCount;
                    coords = c.numbers(coords, len);
                    coordCount = len[0];
                    if (parts == partEnds.length) {
                        partEnds = Arrays.copyOf(partEnds, parts * 2);
                    }
                    partEnds[parts++] = coordCount;
                } while (c.more(']'));
            }
            return;
        }
        // An RLE object: {"size": [h, w], "counts": "..." or [...]}; any other key goes to the tree path.
        rle = true;
        rleH = -1;
        rleW = -1;
        boolean sized = false;
        boolean counted = false;
        if (!c.opens('{', '}')) {
            ok = false;
            return;
        }
        do {
            c.readKey();
            if (c.key("size") && !sized) {
                sized = true;
                c.expect('[');
                c.ws();
                rleH = c.integer();
                c.ws();
                c.expect(',');
                c.ws();
                rleW = c.integer();
                c.ws();
                c.expect(']');
            } else if (c.key("counts") && !counted) {
                counted = true;
                if (c.peek() == '"') {
                    rleString = c.string();
                } else if (c.opens('[', ']')) {
                    do {
                        long x = c.integer();
                        if (rleCountLen == rleCounts.length) {
                            rleCounts = Arrays.copyOf(rleCounts, rleCountLen * 2);
                        }
                        rleCounts[rleCountLen++] = x;
                    } while (c.more(']'));
                }
            } else {
                throw JsonCursor.NotPlain.INSTANCE;
            }
        } while (c.more('}'));
        ok &= sized && counted;
    }

    private void reset() {
        hasId = hasImage = hasCategory = hasCrowd = hasArea = hasBbox = hasSeg = hasKp = hasNumKp = false;
        ok = true;
        iscrowd = 0;
        numKeypoints = 0;
        bboxLen = 0;
        parts = 0;
        coordCount = 0;
        rle = false;
        rleString = null;
        rleCountLen = 0;
        kpLen = 0;
    }

    /** The checks of {@link Converters#instance} and {@link Converters#keypoints}, on the buffers. */
    private boolean valid(LongToIntFunction heightOf, LongToIntFunction widthOf) {
        if (!hasId || !hasImage || !hasCategory || !hasArea || !hasBbox || id < 0 || imageId < 0
                || categoryId < Integer.MIN_VALUE || categoryId > Integer.MAX_VALUE || (iscrowd != 0 && iscrowd != 1)
                || area < 0 || bboxLen != 4 || bbox[2] < 0 || bbox[3] < 0) {
            return false;
        }
        if (keypoints) {
            if (!hasKp || kpLen % 3 != 0 || numKeypoints < Integer.MIN_VALUE || numKeypoints > Integer.MAX_VALUE) {
                return false;
            }
            if (!hasSeg) {
                return true;
            }
        } else if (!hasSeg) {
            return false;
        }
        if (!rle) {
            if (parts == 0) {
                return false;
            }
            int start = 0;
            for (int i = 0; i < parts; i++) {
                int n = partEnds[i] - start;
                if (n % 2 != 0 || n < 6) {
                    return false;
                }
                start = partEnds[i];
            }
            return true;
        }
        if (rleH < 0 || rleW < 0 || rleH > Integer.MAX_VALUE || rleW > Integer.MAX_VALUE) {
            return false;
        }
        int h = heightOf.applyAsInt(imageId);
        int w = widthOf.applyAsInt(imageId);
        if (h > 0 && (rleH != h || rleW != w)) {
            return false;
        }
        try {
            if (rleString != null) {
                Masks.frString(rleString, (int) rleH, (int) rleW);
            } else {
                Rle.ofLongs((int) rleH, (int) rleW, Arrays.copyOf(rleCounts, rleCountLen));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return true;
    }

    /** Avro binary of InstanceAnnotation or KeypointAnnotation, field by field in schema order. */
    private byte[] encode() throws IOException {
        BinaryEncoder enc = out.begin();
        enc.writeLong(id);
        enc.writeLong(imageId);
        enc.writeInt((int) categoryId);
        enc.writeInt((int) iscrowd);
        enc.writeDouble(area);
        AvroWriter.doubles(enc, bbox, 0, 4);
        if (!hasSeg) {
            enc.writeIndex(0);
        } else {
            enc.writeIndex(1);
            if (rle) {
                enc.writeArrayStart();
                enc.setItemCount(0);
                enc.writeArrayEnd();
                enc.writeIndex(1);
                enc.writeInt((int) rleH);
                enc.writeInt((int) rleW);
                if (rleString != null) {
                    enc.writeIndex(1);
                    enc.writeString(rleString);
                    enc.writeIndex(0);
                } else {
                    enc.writeIndex(0);
                    enc.writeIndex(1);
                    enc.writeArrayStart();
                    enc.setItemCount(rleCountLen);
                    for (int i = 0; i < rleCountLen; i++) {
                        enc.startItem();
                        enc.writeLong(rleCounts[i]);
                    }
                    enc.writeArrayEnd();
                }
            } else {
                enc.writeArrayStart();
                enc.setItemCount(parts);
                int start = 0;
                for (int i = 0; i < parts; i++) {
                    enc.startItem();
                    AvroWriter.doubles(enc, coords, start, partEnds[i]);
                    start = partEnds[i];
                }
                enc.writeArrayEnd();
                enc.writeIndex(0);
            }
        }
        if (keypoints) {
            AvroWriter.doubles(enc, kp, 0, kpLen);
            enc.writeInt((int) numKeypoints);
        }
        return out.end();
    }
}
