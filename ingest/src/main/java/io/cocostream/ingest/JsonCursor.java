package io.cocostream.ingest;

import com.fasterxml.jackson.core.io.NumberInput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over the bytes of one whole JSON element, for the readers that take plain elements
 * straight from their bytes ({@link FastAnnotationReader}, {@link FastImageReader}). It reads
 * strictly: anything a plain COCO element does not hold (an escape in a key, a leading zero, a
 * control character, a value that ends early) throws {@link NotPlain}, and a value the caller must
 * not take as read (a float where an integer belongs, a non-finite number) clears {@link #ok()}.
 * Either way the element then goes down the tree path, which names the problem.
 */
final class JsonCursor {
    /** Thrown, without a stack, where the bytes are not a plain element: the tree path decides. */
    static final class NotPlain extends Exception {
        private static final long serialVersionUID = 1L;
        static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private byte[] in;
    private int at;
    private boolean ok;
    /** The key last read, as in[keyFrom, keyFrom + keyLength). */
    private int keyFrom;
    private int keyLength;

    /** Starts reading {@code json} at {@code from}. */
    void reset(byte[] json, int from) {
        in = json;
        at = from;
        ok = true;
    }

    /** Where the cursor is. */
    int position() {
        return at;
    }

    /** False once a value was read that the tree path must judge. */
    boolean ok() {
        return ok;
    }

    /** Marks the element for the tree path. */
    void notOk() {
        ok = false;
    }

    /**
     * Reads {@code open} and the whitespace after it: true when members follow, false when
     * {@code close} came at once (then read too).
     */
    boolean opens(char open, char close) throws NotPlain {
        expect(open);
        ws();
        if (peek() == close) {
            at++;
            return false;
        }
        return true;
    }

    /** After a value in a list: true at ',' (whitespace skipped after it), false at {@code close}. */
    boolean more(char close) throws NotPlain {
        ws();
        byte c = in[at++];
        if (c == ',') {
            ws();
            return true;
        }
        if (c != close) {
            throw NotPlain.INSTANCE;
        }
        return false;
    }

    /** A key and its ':'; keys with escapes, control characters or anything but ASCII are not plain. */
    void readKey() throws NotPlain {
        expect('"');
        keyFrom = at;
        while (in[at] != '"') {
            // Bytes are signed: anything non-ASCII is negative, and its UTF-8 is the parser's to check.
            if (in[at] == '\\' || in[at] < 0x20) {
                throw NotPlain.INSTANCE;
            }
            at++;
        }
        keyLength = at++ - keyFrom;
        ws();
        expect(':');
        ws();
    }

    /** Whether the key last read is {@code name}. */
    boolean key(String name) {
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

    /** A JSON array of numbers appended to {@code buf} from {@code n[0]} on; returns the buffer (maybe grown). */
    double[] numbers(double[] buf, int[] n) throws NotPlain {
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

    /**
     * A JSON number as Jackson reads it: an integer literal is its long converted to double; a
     * decimal of at most 15 digits and a power of ten up to 22 is one exact division or product,
     * so correctly rounded as Jackson's parser rounds, which takes every other case.
     */
    double number() throws NotPlain {
        int start = at;
        boolean neg = minus();
        long m = 0;
        int digits = 0;
        int intStart = at;
        while (isDigit(in[at])) {
            m = m * 10 + (in[at++] - '0');
            digits++;
        }
        int intDigits = at - intStart;
        if (intDigits == 0 || (intDigits > 1 && in[intStart] == '0')) {
            throw NotPlain.INSTANCE;
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
                throw NotPlain.INSTANCE;
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
                throw NotPlain.INSTANCE;
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
        double d = NumberInput.parseDouble(new String(in, start, at - start, StandardCharsets.ISO_8859_1), true);
        if (!Double.isFinite(d)) {
            ok = false;
        }
        return d;
    }

    /** An integral JSON number within long; a float here clears {@link #ok()}, anything else is not plain. */
    long integer() throws NotPlain {
        int start = at;
        boolean neg = minus();
        int d0 = at;
        long v = 0;
        while (isDigit(in[at])) {
            int d = in[at++] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                throw NotPlain.INSTANCE;
            }
            v = v * 10 + d;
        }
        if (at == d0 || (at - d0 > 1 && in[d0] == '0')) {
            throw NotPlain.INSTANCE;
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

    /** An integer in 1..Integer.MAX_VALUE (an image's width or height); anything else is not plain. */
    int positiveInt() throws NotPlain {
        long v = integer();
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw NotPlain.INSTANCE;
        }
        return (int) v;
    }

    /** Reads {@code null} if it comes next. */
    boolean literalNull() {
        if (in[at] == 'n' && in[at + 1] == 'u' && in[at + 2] == 'l' && in[at + 3] == 'l') {
            at += 4;
            return true;
        }
        return false;
    }

    /** A string of printable ASCII without escapes (what image fields hold); anything else is not plain. */
    String ascii() throws NotPlain {
        expect('"');
        int s = at;
        while (in[at] != '"') {
            // Bytes are signed: anything non-ASCII is negative.
            if (in[at] < 0x20 || in[at] == '\\') {
                throw NotPlain.INSTANCE;
            }
            at++;
        }
        return new String(in, s, at++ - s, StandardCharsets.ISO_8859_1);
    }

    /** A string of ASCII (an RLE's counts, where '\\' is one of the characters); anything else is not plain. */
    String string() throws NotPlain {
        expect('"');
        int s = at;
        while (in[at] != '"' && in[at] != '\\') {
            if (in[at] < 0x20) {
                throw NotPlain.INSTANCE;
            }
            at++;
        }
        if (in[at] == '"') {
            return new String(in, s, at++ - s, StandardCharsets.ISO_8859_1);
        }
        // Escapes: compressed counts are ASCII, so anything else is left to the tree path.
        StringBuilder sb = new StringBuilder(new String(in, s, at - s, StandardCharsets.ISO_8859_1));
        while (true) {
            int c = in[at++] & 0xff;
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7e) {
                throw NotPlain.INSTANCE;
            }
            if (c == '\\') {
                int e = in[at++];
                if ("\"\\/".indexOf(e) < 0) {
                    throw NotPlain.INSTANCE;
                }
                c = e;
            }
            sb.append((char) c);
        }
    }

    /** Skips any well-formed JSON value, checking it as strictly as a parser would. */
    void skip() throws NotPlain {
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

    /** Skips a string of ASCII: a string of anything else goes to the parser, which checks its UTF-8. */
    private void skipString() throws NotPlain {
        expect('"');
        while (true) {
            int c = in[at++];
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw NotPlain.INSTANCE;
            }
            if (c == '\\') {
                int e = in[at++];
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (Character.digit(in[at++], 16) < 0) {
                            throw NotPlain.INSTANCE;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw NotPlain.INSTANCE;
                }
            }
        }
    }

    private void literal(String word) throws NotPlain {
        for (int i = 0; i < word.length(); i++) {
            if (in[at++] != word.charAt(i)) {
                throw NotPlain.INSTANCE;
            }
        }
    }

    /** Reads a leading '-' if one comes next. */
    private boolean minus() {
        if (in[at] == '-') {
            at++;
            return true;
        }
        return false;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The next byte, not read. */
    byte peek() {
        return in[at];
    }

    /** Reads {@code c}, which must come next. */
    void expect(char c) throws NotPlain {
        if (in[at++] != c) {
            throw NotPlain.INSTANCE;
        }
    }

    /** Skips whitespace. */
    void ws() {
        while (true) {
            byte c = in[at];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
    }
}
