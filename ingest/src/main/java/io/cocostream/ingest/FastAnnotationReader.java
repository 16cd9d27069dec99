package io.cocostream.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The hot path of ingest for instances, stuff and person keypoints: reads one annotation straight
 * from the token stream into primitive buffers and writes its Avro binary (InstanceAnnotation or
 * KeypointAnnotation) without a JSON tree, boxing or Avro objects.
 *
 * <p>It accepts only what {@link Converters} accepts and writes the same bytes; anything else
 * (a missing or mistyped field, a bad value) makes {@link #read} return null after consuming the
 * element, and the caller re-reads the element's bytes from the file for {@link Converters},
 * which names the problem. ConvertersEquivalenceTest holds the two to the same output.
 */
final class FastAnnotationReader {
    private final boolean keypoints;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private BinaryEncoder enc;

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
     * Reads the annotation object at the parser's START_OBJECT through its END_OBJECT.
     *
     * @param heightOf the height of an image id, 0 when unknown (then RLE sizes are not compared)
     * @param widthOf likewise its width
     * @return its Avro binary, or null when the slow path must decide
     */
    byte[] read(JsonParser p, java.util.function.LongToIntFunction heightOf,
            java.util.function.LongToIntFunction widthOf) throws IOException {
        reset();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> {
                    hasId = true;
                    id = integer(p, v);
                }
                case "image_id" -> {
                    hasImage = true;
                    imageId = integer(p, v);
                }
                case "category_id" -> {
                    hasCategory = true;
                    categoryId = integer(p, v);
                }
                case "iscrowd" -> {
                    hasCrowd = v != JsonToken.VALUE_NULL;
                    iscrowd = hasCrowd ? integer(p, v) : 0;
                }
                case "area" -> {
                    hasArea = true;
                    area = number(p, v);
                }
                case "bbox" -> {
                    ok &= !hasBbox; // a repeated key: the tree keeps the last, let the slow path decide
                    hasBbox = true;
                    len[0] = 0;
                    bbox = doubles(p, v, bbox, len);
                    bboxLen = len[0];
                }
                case "segmentation" -> {
                    ok &= !hasSeg; // a repeated key: the tree keeps the last, let the slow path decide
                    hasSeg = true;
                    segmentation(p, v);
                }
                case "keypoints" -> {
                    ok &= !hasKp; // a repeated key: the tree keeps the last, let the slow path decide
                    hasKp = true;
                    len[0] = 0;
                    kp = doubles(p, v, kp, len);
                    kpLen = len[0];
                }
                case "num_keypoints" -> {
                    hasNumKp = v != JsonToken.VALUE_NULL;
                    numKeypoints = hasNumKp ? integer(p, v) : 0;
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("expected a field or '}' inside an annotation, found " + t);
        }
        if (!ok || !valid(heightOf, widthOf)) {
            return null;
        }
        return encode();
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

    /** An integral JSON number; anything else marks the element for the slow path. */
    private long integer(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        ok = false;
        p.skipChildren();
        return 0;
    }

    /** A finite JSON number. */
    private double number(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        }
        ok = false;
        p.skipChildren();
        return 0;
    }

    /** A JSON array of finite numbers appended to a growable buffer; returns the buffer (maybe grown). */
    private double[] doubles(JsonParser p, JsonToken v, double[] buf, int[] len) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            ok = false;
            p.skipChildren();
            return buf;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            double d = number(p, t);
            if (len[0] == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len[0]++] = d;
        }
        return buf;
    }

    private void segmentation(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                len[0] = coordCount;
                coords = doubles(p, t, coords, len);
                coordCount = len[0];
                if (parts == partEnds.length) {
                    partEnds = Arrays.copyOf(partEnds, parts * 2);
                }
                partEnds[parts++] = coordCount;
            }
        } else if (v == JsonToken.START_OBJECT) {
            rle = true;
            rleH = -1;
            rleW = -1;
            boolean sized = false;
            boolean counted = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken fv = p.nextToken();
                if (name.equals("size")) {
                    sized = fv == JsonToken.START_ARRAY;
                    if (!sized) {
                        p.skipChildren();
                        continue;
                    }
                    int n = 0;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        long x = integer(p, t);
                        if (n == 0) {
                            rleH = x;
                        } else if (n == 1) {
                            rleW = x;
                        }
                        n++;
                    }
                    sized = n == 2;
                } else if (name.equals("counts")) {
                    counted = true;
                    if (fv == JsonToken.VALUE_STRING) {
                        rleString = p.getText();
                    } else if (fv == JsonToken.START_ARRAY) {
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            long x = integer(p, t);
                            if (rleCountLen == rleCounts.length) {
                                rleCounts = Arrays.copyOf(rleCounts, rleCountLen * 2);
                            }
                            rleCounts[rleCountLen++] = x;
                        }
                    } else {
                        counted = false;
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
            ok &= sized && counted;
        } else {
            ok = false;
            p.skipChildren();
        }
    }

    /** The checks of {@link Converters#instance} and {@link Converters#keypoints}, on the buffers. */
    private boolean valid(java.util.function.LongToIntFunction heightOf, java.util.function.LongToIntFunction widthOf) {
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
        out.reset();
        enc = EncoderFactory.get().binaryEncoder(out, enc);
        enc.writeLong(id);
        enc.writeLong(imageId);
        enc.writeInt((int) categoryId);
        enc.writeInt((int) iscrowd);
        enc.writeDouble(area);
        doubles(bbox, 0, 4);
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
                    doubles(coords, start, partEnds[i]);
                    start = partEnds[i];
                }
                enc.writeArrayEnd();
                enc.writeIndex(0);
            }
        }
        if (keypoints) {
            doubles(kp, 0, kpLen);
            enc.writeInt((int) numKeypoints);
        }
        enc.flush();
        return out.toByteArray();
    }

    private void doubles(double[] v, int from, int to) throws IOException {
        enc.writeArrayStart();
        enc.setItemCount(to - from);
        for (int i = from; i < to; i++) {
            enc.startItem();
            enc.writeDouble(v[i]);
        }
        enc.writeArrayEnd();
    }
}
