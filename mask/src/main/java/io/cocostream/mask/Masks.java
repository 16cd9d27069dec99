package io.cocostream.mask;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The COCO Mask API: pure static functions that reproduce the pycocotools wheels' maskApi.c bit for
 * bit on valid input, and refuse invalid input with a message that names the bad value where the C
 * code would read out of bounds, hang, overflow or return garbage.
 *
 * <p>Masks are column-major; RLE counts start with a run of zeros. Functions taking a
 * {@link MaskScratch} allocate only to grow it; the others are conveniences that make one.
 *
 * <p>Why one file of about a thousand lines: it is maskApi.c's one surface, in maskApi.h's order
 * (encode, decode, merge, area, iou, toBbox, frBbox, frPoly, toString, frString, then annToRle and
 * frPyObjects' dispatch), and the functions share private helpers (run building, the scratch
 * buffers, the entry checks); split by function, those helpers would become package API.
 */
public final class Masks {
    /** Default pixel budget of {@link #decode(Rle)}: the largest mask it will materialize. */
    public static final long DEFAULT_MAX_DECODE_PIXELS = 1L << 28;

    /** Coordinates beyond this magnitude would overflow maskApi.c's 5× upsampled int grid. */
    static final double MAX_ABS_COORDINATE = 1e8;

    private static final double SCALE = 5;
    private static final long ONES = 0x0101010101010101L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Masks() {}

    // ---------------------------------------------------------------- encode / decode

    /** rleEncode: a column-major mask (non-zero is foreground) of h×w pixels into runs written to {@code out}; returns m. */
    public static int encode(byte[] mask, int h, int w, int[] out) {
        Rle.checkSize(h, w);
        int a = h * w;
        if (mask.length < a) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels, expected h*w = " + a);
        }
        if (out.length < a + 1) {
            throw new IllegalArgumentException("out has room for " + out.length + " runs, needs h*w+1 = " + (a + 1));
        }
        int k = 0;
        boolean p = false;
        int c = 0;
        int j = 0;
        while (j < a) {
            // Skip 8 pixels at a time while they all continue the current run (0/1 masks).
            long want = p ? ONES : 0L;
            while (j + 8 <= a && (long) LONGS.get(mask, j) == want) {
                j += 8;
                c += 8;
            }
            int end = Math.min(a, j + 8);
            for (; j < end; j++) {
                boolean v = mask[j] != 0;
                if (v != p) {
                    out[k++] = c;
                    c = 0;
                    p = v;
                }
                c++;
            }
        }
        out[k++] = c;
        return k;
    }

    /** rleEncode for one mask, returning an exactly sized {@link Rle}. */
    public static Rle encode(byte[] mask, int h, int w) {
        Rle.checkSize(h, w);
        int[] out = new int[h * w + 1];
        int m = encode(mask, h, w, out);
        return Rle.trusted(h, w, Arrays.copyOf(out, m));
    }

    /** rleDecode into the caller's buffer of at least h·w bytes; pixels past the counts' sum are background. */
    public static void decode(Rle r, byte[] out) {
        long a = (long) r.h() * r.w();
        if (out.length < a) {
            throw new IllegalArgumentException("out has " + out.length + " bytes, mask needs h*w = " + a);
        }
        int[] cnts = r.countsView();
        int p = 0;
        byte v = 0;
        for (int cnt : cnts) {
            Arrays.fill(out, p, p + cnt, v);
            p += cnt;
            v = (byte) (1 - v);
        }
        Arrays.fill(out, p, (int) a, (byte) 0);
    }

    /** rleDecode, refusing masks above {@link #DEFAULT_MAX_DECODE_PIXELS}. */
    public static byte[] decode(Rle r) {
        return decode(r, DEFAULT_MAX_DECODE_PIXELS);
    }

    /** rleDecode, refusing masks of more than {@code maxPixels} pixels. */
    public static byte[] decode(Rle r, long maxPixels) {
        long a = (long) r.h() * r.w();
        if (a > maxPixels) {
            throw new IllegalArgumentException("refusing to decode a " + r.h() + "x" + r.w() + " mask ("
                    + a + " pixels): over the pixel budget of " + maxPixels);
        }
        byte[] out = new byte[(int) a];
        decode(r, out);
        return out;
    }

    // ---------------------------------------------------------------- area / bbox

    /** rleArea: the number of foreground pixels. */
    public static int area(Rle r) {
        return r.area();
    }

    /** rleToBbox (PyPI build: zero-length runs skipped) into {@code out[off..off+4)} as x, y, w, h. */
    public static void toBbox(Rle r, double[] out, int off) {
        int h = r.h();
        int[] cnts = r.countsView();
        int m = (cnts.length / 2) * 2;
        int xs = -1;
        int ys = h;
        int xe = 0;
        int ye = 0;
        // The column x spans pixels [top, top + h): runs are walked in order, so x only moves forward.
        int x = 0;
        int top = 0;
        int cc = 0;
        for (int j = 0; j < m; j += 2) {
            cc += cnts[j];
            int run = cnts[j + 1];
            if (run == 0) {
                continue;
            }
            if (cc - top >= h) {
                // Most masks have a run in every column they span: the next column, without dividing.
                x = cc - top < 2 * h ? x + 1 : cc / h;
                top = x * h;
            }
            if (xs < 0) {
                xs = x;
            }
            int xp = x;
            ys = Math.min(ys, cc - top);
            cc += run;
            int last = cc - 1;
            if (last - top >= h) {
                x = last - top < 2 * h ? x + 1 : last / h;
                top = x * h;
            }
            xe = x;
            if (xp < x) {
                ys = 0;
                ye = h - 1;
            } else {
                ye = Math.max(ye, last - top);
            }
        }
        if (xs < 0) {
            out[off] = out[off + 1] = out[off + 2] = out[off + 3] = 0;
            return;
        }
        out[off] = xs;
        out[off + 1] = ys;
        out[off + 2] = xe - xs + 1;
        out[off + 3] = ye - ys + 1;
    }

    /** rleToBbox for one mask as a new {@code [x, y, w, h]}. */
    public static double[] toBbox(Rle r) {
        double[] bb = new double[4];
        toBbox(r, bb, 0);
        return bb;
    }

    // ---------------------------------------------------------------- polygons and boxes

    /** rleFrPoly: rasterizes the first k points of {@code xy} exactly as COCO does (5× upsampled boundary, parity fill). */
    public static Rle frPoly(double[] xy, int k, int h, int w, MaskScratch s) {
        Rle.checkSize(h, w);
        if (k < 0 || 2L * k > xy.length) {
            throw new IllegalArgumentException("polygon of " + xy.length + " numbers has no " + k + " points");
        }
        for (int i = 0; i < 2 * k; i++) {
            double v = xy[i];
            if (!(Math.abs(v) <= MAX_ABS_COORDINATE)) {
                throw new IllegalArgumentException("polygon coordinate #" + i + " is " + v
                        + ": expected a finite number of magnitude at most " + MAX_ABS_COORDINATE);
            }
        }
        long steps = 0;
        for (int j = 0; j < k; j++) {
            int j1 = j + 1 == k ? 0 : j + 1;
            int dx = Math.abs(up(xy[2 * j1]) - up(xy[2 * j]));
            int dy = Math.abs(up(xy[2 * j1 + 1]) - up(xy[2 * j + 1]));
            steps += Math.max(dx, dy) + 1;
        }
        if (steps > s.maxPolySteps) {
            throw new IllegalArgumentException("polygon boundary has " + steps
                    + " upsampled steps, over the limit of " + s.maxPolySteps);
        }
        // Visit the upsampled boundary edge by edge without materializing its points: on each edge,
        // jump straight to the pixel columns it crosses; between edges, compare the shared vertex's
        // two roundings as C's point list does. Crossings go to s.
        s.crossings = 0;
        s.xmin = Integer.MAX_VALUE;
        s.xmax = Integer.MIN_VALUE;
        int pu = 0;
        int pv = 0;
        for (int j = 0; j < k; j++) {
            int j1 = j + 1 == k ? 0 : j + 1;
            int xs = up(xy[2 * j]);
            int xe = up(xy[2 * j1]);
            int ys = up(xy[2 * j + 1]);
            int ye = up(xy[2 * j1 + 1]);
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean alongX = dx >= dy;
            boolean flip = alongX ? xs > xe : ys > ye;
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            int len = alongX ? dx : dy;
            // dx = dy = 0 is a repeated vertex: C divides 0/0 there, but its one point never starts a crossing.
            double slope = len == 0 ? 0 : alongX ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            // C walks each edge from vertex j to j1: from t = len back to 0 when it swapped them.
            int tFirst = flip ? len : 0;
            int tLast = len - tFirst;
            int uFirst = alongX ? xs + tFirst : (int) (xs + slope * tFirst + .5);
            int vFirst = alongX ? (int) (ys + slope * tFirst + .5) : ys + tFirst;
            if (j > 0 && uFirst != pu) {
                cross(s, uFirst, pu, vFirst, pv, h, w);
            }
            if (len > 0) {
                if (alongX) {
                    crossAlongX(s, xs, ys, len, slope, h, w);
                } else if (xs != xe) {
                    crossAlongY(s, xs, ys, len, slope, h, w);
                }
            }
            pu = alongX ? xs + tLast : (int) (xs + slope * tLast + .5);
            pv = alongX ? (int) (ys + slope * tLast + .5) : ys + tLast;
        }
        int n = s.crossings;
        int[] a = sortCrossings(s.a, s.b, n, s.xmin, s.xmax, s);
        a[n++] = h * w;
        int p = 0;
        for (int j = 0; j < n; j++) {
            int t = a[j];
            a[j] -= p;
            p = t;
        }
        // Coinciding crossings cancel: fold a zero run into its neighbour (in place, m <= j).
        int m = 1;
        int j = 1;
        while (j < n) {
            if (a[j] > 0) {
                a[m++] = a[j++];
            } else {
                j++;
                if (j < n) {
                    a[m - 1] += a[j++];
                }
            }
        }
        return Rle.trusted(h, w, Arrays.copyOf(a, m));
    }

    /**
     * Keeps the crossing between boundary points (pu, pv) and (u, v) if it is on a pixel column:
     * C computes xd=(umin+.5)/5-.5 and keeps integral xd, then y=ceil((vmin+.5)/5-.5) clamped to
     * [0,h]; in integers, umin = 5x+2 and y = ceil((vmin-2)/5), exactly.
     */
    private static void cross(MaskScratch s, int u, int pu, int v, int pv, int h, int w) {
        int umin = u < pu ? u : u - 1;
        int x = Math.floorDiv(umin - 2, 5);
        if (umin - 2 - 5 * x != 0 || x < 0 || x > w - 1) {
            return;
        }
        int vmin = Math.min(v, pv) - 2;
        int y = vmin <= 0 ? 0 : Math.min(h, -Math.floorDiv(-vmin, 5));
        int n = s.crossings;
        if (n + 1 >= s.a.length || n >= s.b.length) {
            s.a = MaskScratch.grow(s.a, n + 2);
            s.b = MaskScratch.grow(s.b, n + 2);
        }
        s.b[n] = x;
        s.a[n] = x * h + y;
        s.crossings = n + 1;
        s.xmin = Math.min(s.xmin, x);
        s.xmax = Math.max(s.xmax, x);
    }

    /**
     * The crossings inside an x-major edge (u = xs + t, v = round(ys + slope·t), t in [0, len]):
     * the step from t to t+1 crosses column x when xs + t = 5x+2; v is monotone, so its lower end
     * is at t or t+1 by the slope's sign.
     */
    private static void crossAlongX(MaskScratch s, int xs, int ys, int len, double slope, int h, int w) {
        int from = Math.max(0, -Math.floorDiv(-(xs - 2), 5));
        int to = Math.min(w - 1, Math.floorDiv(xs + len - 3, 5));
        if (from > to) {
            return;
        }
        int n = s.crossings;
        int[] a = s.a = MaskScratch.grow(s.a, n + to - from + 2);
        int[] b = s.b = MaskScratch.grow(s.b, n + to - from + 2);
        int lower = slope >= 0 ? 0 : 1;
        for (int x = from; x <= to; x++) {
            int t = 5 * x + 2 - xs + lower;
            int vmin = (int) (ys + slope * t + .5) - 2;
            b[n] = x;
            a[n++] = x * h + (vmin <= 0 ? 0 : Math.min(h, (vmin + 4) / 5));
        }
        s.crossings = n;
        s.xmin = Math.min(s.xmin, from);
        s.xmax = Math.max(s.xmax, to);
    }

    /**
     * The crossings inside a y-major edge (v = ys + t, u = round(xs + slope·t), t in [0, len]):
     * u is monotone, so the step where it leaves 5x+2 for its neighbour is found from the line
     * equation and settled by evaluating u exactly as C does, instead of visiting every step.
     */
    private static void crossAlongY(MaskScratch s, int xs, int ys, int len, double slope, int h, int w) {
        boolean rising = slope > 0;
        int u0 = (int) (xs + .5);
        int uL = (int) (xs + slope * len + .5);
        int lo = Math.min(u0, uL);
        int hi = Math.max(u0, uL);
        // umin = k = 5x+2 with k in [lo, hi): x from ceil((lo-2)/5) to floor((hi-3)/5).
        int from = Math.max(0, -Math.floorDiv(-(lo - 2), 5));
        int to = Math.min(w - 1, Math.floorDiv(hi - 3, 5));
        if (from > to) {
            return;
        }
        int n = s.crossings;
        int[] a = s.a = MaskScratch.grow(s.a, n + to - from + 2);
        int[] b = s.b = MaskScratch.grow(s.b, n + to - from + 2);
        int added = 0;
        for (int x = from; x <= to; x++) {
            int k = 5 * x + 2;
            // The first t past the step: u(t) >= k+1 rising, u(t) <= k falling.
            int t = (int) Math.ceil((k + .5 - xs) / slope);
            t = t < 1 ? 1 : t > len ? len : t;
            if (rising) {
                while (t > 1 && (int) (xs + slope * (t - 1) + .5) > k) {
                    t--;
                }
                while ((int) (xs + slope * t + .5) <= k) {
                    t++;
                }
            } else {
                while (t > 1 && (int) (xs + slope * (t - 1) + .5) <= k) {
                    t--;
                }
                while ((int) (xs + slope * t + .5) > k) {
                    t++;
                }
            }
            // C takes u(t)-1 rising and u(t) falling as the step's column: a step that jumps past k+1
            // (rounding at huge coordinates) does not cross x.
            if ((int) (xs + slope * t + .5) != (rising ? k + 1 : k)) {
                continue;
            }
            int vmin = ys + t - 1 - 2;
            b[n] = x;
            a[n++] = x * h + (vmin <= 0 ? 0 : Math.min(h, (vmin + 4) / 5));
            added++;
        }
        s.crossings = n;
        if (added > 0) {
            s.xmin = Math.min(s.xmin, from);
            s.xmax = Math.max(s.xmax, to);
        }
    }

    /**
     * Sorts the n crossings {@code a} (x·h + y, x in {@code col}): counted into their columns, then
     * an insertion sort that only has the few crossings within a column left to order. Linear,
     * where a comparison sort was most of frPoly's time. Returns the sorted buffer (it becomes
     * {@code s.a}), with room for one more.
     */
    private static int[] sortCrossings(int[] a, int[] col, int n, int xmin, int xmax, MaskScratch s) {
        int[] out = a;
        if (n > 32) {
            int range = xmax - xmin + 1;
            int[] start = s.c = MaskScratch.grow(s.c, range + 1);
            Arrays.fill(start, 0, range + 1, 0);
            for (int i = 0; i < n; i++) {
                start[col[i] - xmin + 1]++;
            }
            for (int x = 1; x <= range; x++) {
                start[x] += start[x - 1];
            }
            out = s.d = MaskScratch.grow(s.d, a.length);
            for (int i = 0; i < n; i++) {
                out[start[col[i] - xmin]++] = a[i];
            }
            s.d = a;
            s.a = out;
            // Column x now ends at start[x]. Most columns hold two crossings: ordered without a
            // branch on which comes first; the rare longer ones by insertion.
            int lo = 0;
            for (int x = 0; x < range; x++) {
                int hi = start[x];
                if (hi - lo == 2) {
                    int u = out[lo];
                    int v = out[lo + 1];
                    out[lo] = Math.min(u, v);
                    out[lo + 1] = Math.max(u, v);
                } else if (hi - lo > 2) {
                    insertionSort(out, lo, hi);
                }
                lo = hi;
            }
            return out;
        }
        insertionSort(out, 0, n);
        return out;
    }

    /** Sorts {@code a[from, to)} by insertion: few elements, or nearly in order. */
    private static void insertionSort(int[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= from && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** rleFrPoly over all points of a flat {@code [x0, y0, x1, y1, ...]} list (an odd last number is ignored, as pycocotools does). */
    public static Rle frPoly(double[] xy, int h, int w, MaskScratch s) {
        return frPoly(xy, xy.length / 2, h, w, s);
    }

    /** rleFrPoly with a scratch of its own. */
    public static Rle frPoly(double[] xy, int h, int w) {
        return frPoly(xy, h, w, new MaskScratch());
    }

    private static int up(double v) {
        return (int) (SCALE * v + .5);
    }

    /** rleFrBbox: the mask of box {@code [x, y, w, h]}, rasterized as its 4-point polygon. */
    public static Rle frBbox(double[] bb, int h, int w, MaskScratch s) {
        if (bb.length != 4) {
            throw new IllegalArgumentException("a bbox has 4 numbers [x, y, w, h], got " + bb.length);
        }
        double xs = bb[0];
        double xe = xs + bb[2];
        double ys = bb[1];
        double ye = ys + bb[3];
        return frPoly(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, 4, h, w, s);
    }

    /** rleFrBbox with a scratch of its own. */
    public static Rle frBbox(double[] bb, int h, int w) {
        return frBbox(bb, h, w, new MaskScratch());
    }

    // ---------------------------------------------------------------- merge / iou

    /** rleMerge: union ({@code intersect=false}) or intersection of masks; masks of differing sizes give an empty 0×0 mask. */
    public static Rle merge(Rle[] rles, boolean intersect, MaskScratch s) {
        int n = rles.length;
        if (n == 0) {
            return Rle.trusted(0, 0, new int[0]);
        }
        Rle first = rles[0];
        if (n == 1) {
            return first;
        }
        int h = first.h();
        int w = first.w();
        for (int i = 1; i < n; i++) {
            if (rles[i].h() != h || rles[i].w() != w) {
                return Rle.trusted(0, 0, new int[0]);
            }
        }
        long target = 0;
        boolean canonical = true;
        for (Rle r : rles) {
            target = Math.max(target, r.countsSum());
            canonical &= r.canonical();
        }
        if (canonical && target > 0) {
            return mergeIntervals(rles, intersect, target, s);
        }
        int[] cur = s.b;
        int m = first.m();
        cur = MaskScratch.grow(cur, m + 1);
        m = padTo(first.countsView(), m, target, cur);
        int[] next = s.c;
        for (int i = 1; i < n; i++) {
            int[] bc = rles[i].countsView();
            int mb = bc.length;
            if (rles[i].countsSum() != target) {
                int[] padded = new int[mb + 1];
                mb = padTo(bc, mb, target, padded);
                bc = padded;
            }
            next = MaskScratch.grow(next, m + mb + 1);
            m = mergeTwo(cur, m, bc, mb, intersect, next);
            int[] t = cur;
            cur = next;
            next = t;
        }
        s.b = cur;
        s.c = next;
        return Rle.trusted(h, w, Arrays.copyOf(cur, m));
    }

    /** rleMerge with a scratch of its own. */
    public static Rle merge(Rle[] rles, boolean intersect) {
        return merge(rles, intersect, new MaskScratch());
    }

    /**
     * rleMerge over canonical masks, walking foreground intervals instead of every run: the same
     * canonical result as C's run walk, in about half the steps.
     */
    private static Rle mergeIntervals(Rle[] rles, boolean intersect, long target, MaskScratch s) {
        int[] cur = MaskScratch.grow(s.b, rles[0].m() + 1);
        int[] a0 = rles[0].countsView();
        System.arraycopy(a0, 0, cur, 0, a0.length);
        int m = a0.length;
        int[] next = s.c;
        for (int i = 1; i < rles.length; i++) {
            int[] bc = rles[i].countsView();
            next = MaskScratch.grow(next, m + bc.length + 2);
            if (intersect) {
                long[] runs = {target};
                intersectIntervals(cur, m, bc, bc.length, next, runs);
                m = (int) runs[0];
            } else {
                m = unionIntervals(cur, m, bc, bc.length, target, next);
            }
            int[] t = cur;
            cur = next;
            next = t;
        }
        s.b = cur;
        s.c = next;
        return Rle.trusted(rles[0].h(), rles[0].w(), Arrays.copyOf(cur, m));
    }

    /** Union of two canonical masks' foreground intervals, written as runs summing to target. */
    private static int unionIntervals(int[] ac, int ma, int[] bc, int mb, long target, int[] out) {
        // Each mask's current interval [s, e); an exhausted mask's start is past everything.
        final long none = Long.MAX_VALUE;
        long sa = ma >= 2 ? ac[0] : none;
        long ea = ma >= 2 ? sa + ac[1] : none;
        long sb = mb >= 2 ? bc[0] : none;
        long eb = mb >= 2 ? sb + bc[1] : none;
        int ia = 2;
        int ib = 2;
        int m = 0;
        long end = 0;
        long cs = -1;
        long ce = -1;
        while (sa != none || sb != none) {
            long start;
            long stop;
            if (sa <= sb) {
                start = sa;
                stop = ea;
                if (ia + 1 < ma) {
                    sa = ea + ac[ia];
                    ea = sa + ac[ia + 1];
                    ia += 2;
                } else {
                    sa = none;
                }
            } else {
                start = sb;
                stop = eb;
                if (ib + 1 < mb) {
                    sb = eb + bc[ib];
                    eb = sb + bc[ib + 1];
                    ib += 2;
                } else {
                    sb = none;
                }
            }
            if (ce >= start) {
                if (stop > ce) {
                    ce = stop;
                }
            } else {
                if (ce >= 0) {
                    out[m++] = (int) (cs - end);
                    out[m++] = (int) (ce - cs);
                    end = ce;
                }
                cs = start;
                ce = stop;
            }
        }
        if (ce >= 0) {
            out[m++] = (int) (cs - end);
            out[m++] = (int) (ce - cs);
            end = ce;
        }
        if (target > end || m == 0) {
            out[m++] = (int) (target - end);
        }
        return m;
    }

    /**
     * Walks the foreground intervals two masks have in common: returns their pixel count and, when
     * {@code out} is given, writes them as canonical runs (padded to {@code runs[0]} = target on
     * entry; the run count on return).
     */
    private static long intersectIntervals(int[] ac, int ma, int[] bc, int mb, int[] out, long[] runs) {
        long pixels = 0;
        int m = 0;
        long end = 0;
        if (ma >= 2 && mb >= 2) {
            long sa = ac[0];
            long ea = sa + ac[1];
            long sb = bc[0];
            long eb = sb + bc[1];
            int ia = 2;
            int ib = 2;
            while (true) {
                long lo = Math.max(sa, sb);
                long hi = Math.min(ea, eb);
                if (hi > lo) {
                    pixels += hi - lo;
                    if (out != null) {
                        out[m++] = (int) (lo - end);
                        out[m++] = (int) (hi - lo);
                        end = hi;
                    }
                }
                if (ea <= eb) {
                    if (ia + 1 >= ma) {
                        break;
                    }
                    sa = ea + ac[ia];
                    ea = sa + ac[ia + 1];
                    ia += 2;
                } else {
                    if (ib + 1 >= mb) {
                        break;
                    }
                    sb = eb + bc[ib];
                    eb = sb + bc[ib + 1];
                    ib += 2;
                }
            }
        }
        if (out != null) {
            long target = runs[0];
            if (target > end || m == 0) {
                out[m++] = (int) (target - end);
            }
            runs[0] = m;
        }
        return pixels;
    }

    /** Copies counts into out, extending the background tail so that they sum to target (C would loop forever on unequal sums). */
    private static int padTo(int[] cnts, int m, long target, int[] out) {
        System.arraycopy(cnts, 0, out, 0, m);
        long sum = 0;
        for (int i = 0; i < m; i++) {
            sum += cnts[i];
        }
        int pad = (int) (target - sum);
        if (pad == 0) {
            return m;
        }
        if (m % 2 == 1) {
            out[m - 1] += pad;
            return m;
        }
        out[m] = pad;
        return m + 1;
    }

    /** The two-mask step of rleMerge over counts of equal sum; returns the number of runs written to out. */
    private static int mergeTwo(int[] ac, int ma, int[] bc, int mb, boolean intersect, int[] out) {
        int ca = ma > 0 ? ac[0] : 0;
        int cb = mb > 0 ? bc[0] : 0;
        // Flags as 0/1 ints keep the loop free of unpredictable branches.
        int v = 0;
        int va = 0;
        int vb = 0;
        int and = intersect ? 1 : 0;
        int m = 0;
        int a = 1;
        int b = 1;
        int cc = 0;
        while (true) {
            int c = Math.min(ca, cb);
            cc += c;
            ca -= c;
            if (ca == 0 && a < ma) {
                ca = ac[a++];
                va ^= 1;
            }
            cb -= c;
            if (cb == 0 && b < mb) {
                cb = bc[b++];
                vb ^= 1;
            }
            int vp = v;
            v = and == 1 ? va & vb : va | vb;
            boolean done = (ca | cb) == 0;
            if (v != vp || done) {
                out[m++] = cc;
                cc = 0;
            }
            if (done) {
                return m;
            }
        }
    }

    /** rleIou: {@code result[d][g]} is the IoU of dt[d] and gt[g]; for a crowd gt, intersection over dt's area; -1 where sizes differ. */
    public static double[][] iou(Rle[] dt, Rle[] gt, boolean[] iscrowd) {
        checkCrowd(gt.length, iscrowd);
        double[][] db = new double[dt.length][];
        double[][] gb = new double[gt.length][];
        for (int d = 0; d < dt.length; d++) {
            db[d] = toBbox(dt[d]);
        }
        for (int g = 0; g < gt.length; g++) {
            gb[g] = toBbox(gt[g]);
        }
        double[][] o = bbIou(db, gb, iscrowd);
        for (int g = 0; g < gt.length; g++) {
            for (int d = 0; d < dt.length; d++) {
                if (o[d][g] > 0) {
                    o[d][g] = rleIou(dt[d], gt[g], iscrowd != null && iscrowd[g]);
                }
            }
        }
        return o;
    }

    private static double rleIou(Rle dtR, Rle gtR, boolean crowd) {
        if (dtR.h() != gtR.h() || dtR.w() != gtR.w()) {
            return -1;
        }
        // Only the intersection needs a walk, over foreground intervals; union = |A| + |B| - |A∩B|.
        // A mask whose counts end early simply has no more intervals (where C would loop forever).
        int[] ac = dtR.countsView();
        int[] bc = gtR.countsView();
        long i = intersectIntervals(ac, ac.length, bc, bc.length, null, null);
        long u;
        if (i == 0) {
            u = 1;
        } else if (crowd) {
            u = dtR.area();
        } else {
            u = (long) dtR.area() + gtR.area() - i;
        }
        return (double) i / (double) u;
    }

    /** bbIou: {@code result[d][g]} is the IoU of boxes dt[d] and gt[g] ({@code [x, y, w, h]}); for a crowd gt, over dt's area. */
    public static double[][] bbIou(double[][] dt, double[][] gt, boolean[] iscrowd) {
        checkCrowd(gt.length, iscrowd);
        double[][] o = new double[dt.length][gt.length];
        for (int g = 0; g < gt.length; g++) {
            double[] gg = checkBox(gt[g], "gt", g);
            double ga = gg[2] * gg[3];
            boolean crowd = iscrowd != null && iscrowd[g];
            for (int d = 0; d < dt.length; d++) {
                double[] dd = checkBox(dt[d], "dt", d);
                double da = dd[2] * dd[3];
                double w = Math.min(dd[2] + dd[0], gg[2] + gg[0]) - Math.max(dd[0], gg[0]);
                if (w <= 0) {
                    continue;
                }
                double h = Math.min(dd[3] + dd[1], gg[3] + gg[1]) - Math.max(dd[1], gg[1]);
                if (h <= 0) {
                    continue;
                }
                double i = w * h;
                double u = crowd ? da : da + ga - i;
                o[d][g] = i / u;
            }
        }
        return o;
    }

    private static double[] checkBox(double[] bb, String which, int i) {
        if (bb.length != 4) {
            throw new IllegalArgumentException(which + " box #" + i + " has " + bb.length + " numbers, expected 4");
        }
        return bb;
    }

    private static void checkCrowd(int n, boolean[] iscrowd) {
        if (iscrowd != null && iscrowd.length != n) {
            throw new IllegalArgumentException("iscrowd has " + iscrowd.length + " flags for " + n + " gt masks");
        }
    }

    // ---------------------------------------------------------------- compressed strings

    /** rleToString: COCO's compressed counts string (LEB128-like 5-bit groups, deltas from index 3 on). */
    public static String toString(Rle r, MaskScratch s) {
        int[] cnts = r.countsView();
        int m = cnts.length;
        byte[] out = s.bytes = MaskScratch.grow(s.bytes, m * 7);
        int p = 0;
        for (int i = 0; i < m; i++) {
            // Counts are below 2^31, so their differences fit an int.
            int x = i > 2 ? cnts[i] - cnts[i - 2] : cnts[i];
            // One character holds -16..15: the common case of small deltas, without the loop.
            if ((x + 16) >>> 5 == 0) {
                out[p++] = (byte) ((x & 0x1f) + 48);
                continue;
            }
            boolean more = true;
            while (more) {
                int c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                out[p++] = (byte) (c + 48);
            }
        }
        return new String(out, 0, p, StandardCharsets.ISO_8859_1);
    }

    /** rleToString with a scratch of its own. */
    public static String toString(Rle r) {
        return toString(r, new MaskScratch());
    }

    /** rleFrString: parses a compressed counts string, refusing malformed text and counts that are negative or overrun h·w. */
    public static Rle frString(CharSequence str, int h, int w, MaskScratch s) {
        Rle.checkSize(h, w);
        int len = str.length();
        // One bulk copy of the characters: a per-character charAt costs more than the decoding.
        char[] chars = s.chars = MaskScratch.grow(s.chars, len);
        str.toString().getChars(0, len, chars, 0);
        if (len > 0 && ((chars[len - 1] - 48) & 0x20) != 0) {
            checkCharacters(chars, len);
            throw new IllegalArgumentException("compressed RLE string ends inside a number at offset " + len);
        }
        int[] cnts = s.a = MaskScratch.grow(s.a, len);
        int m = 0;
        int p = 0;
        long sum = 0;
        long area = 0;
        boolean canonical = true;
        // Every character's value OR-ed: any outside 0..63 shows in its high bits. Checking once at
        // the end, not per character, is what keeps this loop as fast as C's (which checks nothing).
        int seen = 0;
        while (p < len) {
            int c = chars[p++] - 48;
            seen |= c;
            long x;
            if ((c & 0x20) == 0) {
                // Most numbers are one character (small deltas): sign-extend its 5 bits, no loop.
                x = ((c & 0x1f) ^ 0x10) - 0x10;
            } else {
                x = c & 0x1f;
                int k = 1;
                do {
                    if (k == 7) {
                        checkCharacters(chars, len);
                        throw new IllegalArgumentException(
                                "compressed RLE string has a number longer than 7 characters at offset " + p);
                    }
                    c = chars[p++] - 48;
                    seen |= c;
                    x |= (long) (c & 0x1f) << (5 * k);
                    k++;
                } while ((c & 0x20) != 0);
                if ((c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            // One unsigned test for both x < 0 and x >= 2^31.
            if (x >>> 31 != 0) {
                checkCharacters(chars, len);
                throw new IllegalArgumentException("compressed RLE count #" + m + " decodes to " + x
                        + " (ending at offset " + p + "): expected a count in [0, 2^31)");
            }
            canonical &= m == 0 || x > 0;
            area += (m & 1) * x;
            cnts[m++] = (int) x;
            sum += x;
        }
        if ((seen & ~63) != 0) {
            checkCharacters(chars, len);
        }
        return Rle.checked(h, w, Arrays.copyOf(cnts, m), sum, (int) area, canonical);
    }

    /** Names the first character of a compressed string outside '0'..'o': that is its error, before any it caused. */
    private static void checkCharacters(char[] chars, int len) {
        for (int i = 0; i < len; i++) {
            if (((chars[i] - 48) & ~63) != 0) {
                throw new IllegalArgumentException("compressed RLE string has '" + chars[i] + "' at offset " + i
                        + ": expected characters '0' to 'o'");
            }
        }
    }

    /** rleFrString with a scratch of its own. */
    public static Rle frString(CharSequence str, int h, int w) {
        return frString(str, h, w, new MaskScratch());
    }

    // ---------------------------------------------------------------- annotations

    /**
     * COCO.annToRLE: an annotation's segmentation as one RLE. Polygons go through frPyObjects'
     * dispatch (routing on the first part only, parts unioned); an uncompressed RLE keeps its own
     * size; a compressed one is parsed.
     */
    public static Rle annToRle(Segmentation seg, int h, int w, MaskScratch s) {
        if (seg instanceof Segmentation.Polygons poly) {
            double[][] parts = poly.parts();
            if (parts.length == 0) {
                throw new IllegalArgumentException("segmentation is an empty polygon list []");
            }
            int first = parts[0].length;
            if (first == 4) {
                throw new IllegalArgumentException("first polygon has exactly 4 numbers: pycocotools reads"
                        + " it as a bbox and fails; a polygon needs at least 6 numbers");
            }
            if (first < 4) {
                throw new IllegalArgumentException("first polygon has " + first
                        + " numbers: pycocotools does not support it; a polygon needs at least 6 numbers");
            }
            Rle[] rles = new Rle[parts.length];
            for (int i = 0; i < parts.length; i++) {
                rles[i] = frPoly(parts[i], h, w, s);
            }
            return merge(rles, false, s);
        }
        if (seg instanceof Segmentation.UncompressedRle u) {
            return Rle.ofLongs(u.h(), u.w(), u.counts());
        }
        Segmentation.CompressedRle c = (Segmentation.CompressedRle) seg;
        return frString(c.counts(), c.h(), c.w(), s);
    }

    /**
     * frPyObjects' dispatch over JSON-shaped objects ({@link List}, {@link Map},
     * {@link Number}, {@link String}) or a {@code double[][]} of boxes (pycocotools' ndarray path):
     * boxes, polygons, uncompressed or compressed RLEs. A single object gives a one-element list.
     */
    public static List<Rle> frPyObjects(Object pyobj, int h, int w, MaskScratch s) {
        List<Rle> out = new ArrayList<>();
        if (pyobj instanceof double[][] boxes) {
            for (double[] bb : boxes) {
                out.add(frBbox(bb, h, w, s));
            }
            return out;
        }
        if (pyobj instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("frPyObjects of an empty list (pycocotools: IndexError)");
            }
            Object first = list.get(0);
            if (first instanceof List<?> firstList) {
                if (firstList.size() == 4) {
                    throw new IllegalArgumentException("a list of 4-number lists is a list of boxes that"
                            + " pycocotools only takes as an ndarray (TypeError on a list)");
                }
                if (firstList.size() > 4) {
                    for (double[] part : ((Segmentation.Polygons) Segmentation.fromJson(list)).parts()) {
                        out.add(frPoly(part, h, w, s));
                    }
                    return out;
                }
            } else if (first instanceof Map<?, ?>) {
                for (Object o : list) {
                    out.add(rleOf(o, s));
                }
                return out;
            } else if (first instanceof Number) {
                throw new IllegalArgumentException("frPyObjects of a flat number list: pycocotools needs a"
                        + " list of objects (TypeError: object of type 'int' has no len())");
            }
            throw new IllegalArgumentException("input type is not supported: first element " + first);
        }
        if (pyobj instanceof Map<?, ?>) {
            out.add(rleOf(pyobj, s));
            return out;
        }
        throw new IllegalArgumentException("input type is not supported: " + pyobj);
    }

    /** A {@code {"size": [h, w], "counts": ...}} map as an RLE (frUncompressedRLE for a list, frString for a string). */
    private static Rle rleOf(Object map, MaskScratch s) {
        Segmentation seg = Segmentation.fromJson(map);
        if (seg instanceof Segmentation.Polygons) {
            throw new IllegalArgumentException("expected an RLE object, got " + map);
        }
        return annToRle(seg, 0, 0, s);
    }

    /** COCO.annToRLE with a scratch of its own. */
    public static Rle annToRle(Segmentation seg, int h, int w) {
        return annToRle(seg, h, w, new MaskScratch());
    }
}
