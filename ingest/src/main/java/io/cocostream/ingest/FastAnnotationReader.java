package io.cocostream.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.avro.Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    // ---------------------------------------------------------------- from bytes

    /** The element being read from bytes, and where. */
    private byte[] in;
    private int at;

    /** Thrown, without a stack, where the bytes are not what the fast path reads: the tree path decides. */
    private static final class NotFast extends Exception {
        private static final long serialVersionUID = 1L;
        static final NotFast INSTANCE = new NotFast();

        private NotFast() {
            super(null, null, false, false);
        }
    }

    /**
     * {@link #read(JsonParser, java.util.function.LongToIntFunction, java.util.function.LongToIntFunction)}
     * from the bytes {@code json[from, to)} of one annotation object, parsed here directly (numbers
     * included, rounded exactly as Jackson rounds them): null for anything that is not a plain,
     * well-formed annotation, which the tree path then reads.
     */
    byte[] read(byte[] json, int from, int to, java.util.function.LongToIntFunction heightOf,
            java.util.function.LongToIntFunction widthOf) throws IOException {
        reset();
        in = json;
        at = from;
        try {
            object();
            if (at != to) {
                return null;
            }
        } catch (NotFast | ArrayIndexOutOfBoundsException e) {
            return null;
        }
        if (!ok || !valid(heightOf, widthOf)) {
            return null;
        }
        return encode();
    }

    /**
     * An image object from the bytes {@code json[from, to)}, as {@link Converters#image} reads its
     * tree; null for anything but a plain image (id, width and height as integer literals, a
     * non-negative id and a positive size, strings printable ASCII without escapes, no key twice),
     * which the tree path then reads or names.
     */
    Image readImage(byte[] json, int from, int to) {
        in = json;
        at = from;
        ok = true;
        // Locals and the all-args constructor, not Avro's builder: this runs for every image.
        long id = -1;
        int width = 0;
        int height = 0;
        String fileName = "";
        Long license = null;
        String cocoUrl = null;
        String flickrUrl = null;
        String dateCaptured = null;
        int seen = 0;
        try {
            if (opens('{', '}')) {
                do {
                    readKey();
                    int bit = imageKey();
                    if ((seen & bit) != 0) {
                        throw NotFast.INSTANCE;
                    }
                    seen |= bit;
                    switch (bit) {
                        case 1 -> id = integer();
                        case 2 -> width = positiveInt();
                        case 4 -> height = positiveInt();
                        case 8 -> fileName = literalNull() ? "" : ascii();
                        case 16 -> license = literalNull() ? null : integer();
                        case 32 -> cocoUrl = literalNull() ? null : ascii();
                        case 64 -> flickrUrl = literalNull() ? null : ascii();
                        case 128 -> dateCaptured = literalNull() ? null : ascii();
                        default -> skip();
                    }
                } while (more('}'));
            }
            if (!ok || at != to || (seen & 7) != 7 || id < 0) {
                return null;
            }
        } catch (NotFast | ArrayIndexOutOfBoundsException e) {
            return null;
        }
        return new Image(id, width, height, fileName, license, cocoUrl, flickrUrl, dateCaptured);
    }

    /** The bit of an image's key in {@link #readImage}, 0 for the keys it skips. */
    private int imageKey() {
        return key("id") ? 1 : key("width") ? 2 : key("height") ? 4 : key("file_name") ? 8 : key("license") ? 16
                : key("coco_url") ? 32 : key("flickr_url") ? 64 : key("date_captured") ? 128 : 0;
    }

    private int positiveInt() throws NotFast {
        long v = integer();
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw NotFast.INSTANCE;
        }
        return (int) v;
    }

    /** A string of printable ASCII without escapes (what image fields hold); anything else goes to the tree path. */
    private String ascii() throws NotFast {
        expect('"');
        int s = at;
        while (in[at] != '"') {
            // Bytes are signed: anything non-ASCII is negative.
            if (in[at] < 0x20 || in[at] == '\\') {
                throw NotFast.INSTANCE;
            }
            at++;
        }
        return new String(in, s, at++ - s, StandardCharsets.ISO_8859_1);
    }

    private void object() throws NotFast {
        if (opens('{', '}')) {
            do {
                readKey();
                field();
            } while (more('}'));
        }
    }

    /** The key last read, as in[keyFrom, keyFrom + keyLength). */
    private int keyFrom;
    private int keyLength;

    /** A key and its ':'; keys with escapes or control characters go to the tree path. */
    private void readKey() throws NotFast {
        expect('"');
        keyFrom = at;
        while (in[at] != '"') {
            if (in[at] == '\\' || (in[at] & 0xff) < 0x20) {
                throw NotFast.INSTANCE;
            }
            at++;
        }
        keyLength = at++ - keyFrom;
        ws();
        expect(':');
        ws();
    }

    private boolean key(String name) {
        if (keyLength != name.length()) {
            return false;
        }
        for (int i = 0; i < keyLength; i++) {
            if (in[keyFrom + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void field() throws NotFast {
        if (key("id")) {
            hasId = true;
            id = integer();
        } else if (key("image_id")) {
            hasImage = true;
            imageId = integer();
        } else if (key("category_id")) {
            hasCategory = true;
            categoryId = integer();
        } else if (key("iscrowd")) {
            hasCrowd = !literalNull();
            iscrowd = hasCrowd ? integer() : 0;
        } else if (key("area")) {
            hasArea = true;
            area = number();
        } else if (key("bbox")) {
            ok &= !hasBbox;
            hasBbox = true;
            len[0] = 0;
            bbox = numbers(bbox, len);
            bboxLen = len[0];
        } else if (key("segmentation")) {
            ok &= !hasSeg;
            hasSeg = true;
            segmentation();
        } else if (key("keypoints")) {
            ok &= !hasKp;
            hasKp = true;
            len[0] = 0;
            kp = numbers(kp, len);
            kpLen = len[0];
        } else if (key("num_keypoints")) {
            hasNumKp = !literalNull();
            numKeypoints = hasNumKp ? integer() : 0;
        } else {
            skip();
        }
    }

    private void segmentation() throws NotFast {
        if (peek() == '[') {
            if (opens('[', ']')) {
                do {
                    len[0] = coordCount;
                    coords = numbers(coords, len);
                    coordCount = len[0];
                    if (parts == partEnds.length) {
                        partEnds = Arrays.copyOf(partEnds, parts * 2);
                    }
                    partEnds[parts++] = coordCount;
                } while (more(']'));
            }
            return;
        }
        // An RLE object: {"size": [h, w], "counts": "..." or [...]}; any other key goes to the tree path.
        rle = true;
        rleH = -1;
        rleW = -1;
        boolean sized = false;
        boolean counted = false;
        if (!opens('{', '}')) {
            ok = false;
            return;
        }
        do {
            readKey();
            if (key("size") && !sized) {
                sized = true;
                expect('[');
                ws();
                rleH = integer();
                ws();
                expect(',');
                ws();
                rleW = integer();
                ws();
                expect(']');
            } else if (key("counts") && !counted) {
                counted = true;
                if (peek() == '"') {
                    rleString = string();
                } else if (opens('[', ']')) {
                    do {
                        long x = integer();
                        if (rleCountLen == rleCounts.length) {
                            rleCounts = Arrays.copyOf(rleCounts, rleCountLen * 2);
                        }
                        rleCounts[rleCountLen++] = x;
                    } while (more(']'));
                }
            } else {
                throw NotFast.INSTANCE;
            }
        } while (more('}'));
        ok &= sized && counted;
    }

    /**
     * Reads {@code open} and the whitespace after it: true when members follow, false when
     * {@code close} came at once (then read too).
     */
    private boolean opens(char open, char close) throws NotFast {
        expect(open);
        ws();
        if (peek() == close) {
            at++;
            return false;
        }
        return true;
    }

    /** After a value in a list: true at ',' (whitespace skipped after it), false at {@code close}. */
    private boolean more(char close) throws NotFast {
        ws();
        byte c = in[at++];
        if (c == ',') {
            ws();
            return true;
        }
        if (c != close) {
            throw NotFast.INSTANCE;
        }
        return false;
    }

    /** A JSON array of numbers appended to a growable buffer; returns the buffer (maybe grown). */
    private double[] numbers(double[] buf, int[] n) throws NotFast {
        if (!opens('[', ']')) {
            return buf;
        }
        do {
            double d = number();
            if (n[0] == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n[0]++] = d;
        } while (more(']'));
        return buf;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * A JSON number as Jackson reads it: an integer literal is its long converted to double; a
     * decimal of at most 15 digits and a power of ten up to 22 is one exact division or product,
     * so correctly rounded as Jackson's parser rounds, which takes every other case.
     */
    private double number() throws NotFast {
        int start = at;
        boolean neg = in[at] == '-';
        if (neg) {
            at++;
        }
        long m = 0;
        int digits = 0;
        int intStart = at;
        while (isDigit(in[at])) {
            m = m * 10 + (in[at++] - '0');
            digits++;
        }
        int intDigits = at - intStart;
        if (intDigits == 0 || (intDigits > 1 && in[intStart] == '0')) {
            throw NotFast.INSTANCE;
        }
        int scale = 0;
        boolean integral = true;
        if (in[at] == '.') {
            integral = false;
            at++;
            int f = at;
            while (isDigit(in[at])) {
                m = m * 10 + (in[at++] - '0');
                digits++;
            }
            if (at == f) {
                throw NotFast.INSTANCE;
            }
            scale = at - f;
        }
        int exp = 0;
        if (in[at] == 'e' || in[at] == 'E') {
            integral = false;
            at++;
            boolean eneg = in[at] == '-';
            if (eneg || in[at] == '+') {
                at++;
            }
            int e = at;
            while (isDigit(in[at]) && at - e < 9) {
                exp = exp * 10 + (in[at++] - '0');
            }
            if (at == e || isDigit(in[at])) {
                throw NotFast.INSTANCE;
            }
            exp = eneg ? -exp : exp;
        }
        if (integral) {
            if (digits <= 18) {
                return neg ? -m : m;
            }
            return slowNumber(start);
        }
        int e10 = exp - scale;
        if (digits <= 15 && e10 >= -22 && e10 <= 22) {
            double v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
            return neg ? -v : v;
        }
        return slowNumber(start);
    }

    private double slowNumber(int start) {
        // Jackson's own parser for the rest (long decimals): the same double, and faster than the JDK's.
        double d = com.fasterxml.jackson.core.io.NumberInput.parseDouble(
                new String(in, start, at - start, StandardCharsets.ISO_8859_1), true);
        if (!Double.isFinite(d)) {
            ok = false;
        }
        return d;
    }

    /** An integral JSON number within long; anything else marks the element for the slow path. */
    private long integer() throws NotFast {
        int start = at;
        boolean neg = in[at] == '-';
        if (neg) {
            at++;
        }
        int d0 = at;
        long v = 0;
        while (isDigit(in[at])) {
            int d = in[at++] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                throw NotFast.INSTANCE;
            }
            v = v * 10 + d;
        }
        if (at == d0 || (at - d0 > 1 && in[d0] == '0')) {
            throw NotFast.INSTANCE;
        }
        if (in[at] == '.' || in[at] == 'e' || in[at] == 'E') {
            // A float where an integer belongs: the tree path names it.
            at = start;
            number();
            ok = false;
            return 0;
        }
        return neg ? -v : v;
    }

    private boolean literalNull() {
        if (in[at] == 'n' && in[at + 1] == 'u' && in[at + 2] == 'l' && in[at + 3] == 'l') {
            at += 4;
            return true;
        }
        return false;
    }

    /** A string (an RLE's counts, where '\\' is one of the characters); control characters go to the tree path. */
    private String string() throws NotFast {
        expect('"');
        int s = at;
        while (in[at] != '"' && in[at] != '\\') {
            if ((in[at] & 0xff) < 0x20) {
                throw NotFast.INSTANCE;
            }
            at++;
        }
        if (in[at] == '"') {
            return new String(in, s, at++ - s, StandardCharsets.UTF_8);
        }
        // Escapes: compressed counts are ASCII, so anything else is left to the tree path.
        StringBuilder sb = new StringBuilder(new String(in, s, at - s, StandardCharsets.UTF_8));
        while (true) {
            int c = in[at++] & 0xff;
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7e) {
                throw NotFast.INSTANCE;
            }
            if (c == '\\') {
                int e = in[at++];
                int i = "\"\\/".indexOf(e);
                if (i < 0) {
                    throw NotFast.INSTANCE;
                }
                c = e;
            }
            sb.append((char) c);
        }
    }

    /** Skips any well-formed JSON value, checking it as strictly as a parser would. */
    private void skip() throws NotFast {
        byte c = peek();
        if (c == '{') {
            if (opens('{', '}')) {
                do {
                    skipString();
                    ws();
                    expect(':');
                    ws();
                    skip();
                } while (more('}'));
            }
        } else if (c == '[') {
            if (opens('[', ']')) {
                do {
                    skip();
                } while (more(']'));
            }
        } else if (c == '"') {
            skipString();
        } else if (c == 't') {
            literal("true");
        } else if (c == 'f') {
            literal("false");
        } else if (c == 'n') {
            literal("null");
        } else {
            number();
        }
    }

    private void skipString() throws NotFast {
        expect('"');
        while (true) {
            int c = in[at++] & 0xff;
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw NotFast.INSTANCE;
            }
            if (c == '\\') {
                int e = in[at++];
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (Character.digit(in[at++], 16) < 0) {
                            throw NotFast.INSTANCE;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw NotFast.INSTANCE;
                }
            }
        }
    }

    private void literal(String word) throws NotFast {
        for (int i = 0; i < word.length(); i++) {
            if (in[at++] != word.charAt(i)) {
                throw NotFast.INSTANCE;
            }
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private byte peek() {
        return in[at];
    }

    private void expect(char c) throws NotFast {
        if (in[at++] != c) {
            throw NotFast.INSTANCE;
        }
    }

    private void ws() {
        while (true) {
            byte c = in[at];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
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
