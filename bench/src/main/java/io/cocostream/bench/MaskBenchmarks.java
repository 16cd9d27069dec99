package io.cocostream.bench;

import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.PanopticPng;
import io.cocostream.mask.Rle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Mask API's hot paths on the work the issue names, in operations per second, to set beside
 * the C implementation on the same work (one core): frPoly + merge + area + toBbox + toString per
 * real annotation; encode and decode of 640×480 masks; merge of 10 masks; iou of 20×20 masks;
 * the string codec; panoptic PNG to RLEs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskBenchmarks {
    static final int REAL_ANNOTATIONS = 619;
    static final int H = 480;
    static final int W = 640;

    private List<RealPolygons.Ann> polygons;
    private final MaskScratch scratch = new MaskScratch();
    private byte[] mask;
    private int[] runs;
    private Rle rle;
    private Rle[] ten;
    private Rle[] dt;
    private Rle[] gt;
    private boolean[] crowd;
    private String[] strings;
    private int[][] stringSizes;
    private PanopticPng.IdImage panoptic;

    @Setup
    public void setup() throws IOException {
        polygons = RealPolygons.load("instances/instances_val2017_mini.json");
        if (polygons.size() != REAL_ANNOTATIONS) {
            throw new IllegalStateException("expected " + REAL_ANNOTATIONS + " polygon annotations, got " + polygons.size());
        }
        Random rnd = new Random(42);
        mask = blobs(rnd);
        runs = new int[H * W + 1];
        rle = Masks.encode(mask, H, W);
        ten = new Rle[10];
        for (int i = 0; i < ten.length; i++) {
            ten[i] = Masks.encode(blobs(rnd), H, W);
        }
        dt = new Rle[20];
        gt = new Rle[20];
        crowd = new boolean[20];
        for (int i = 0; i < 20; i++) {
            dt[i] = Masks.encode(blobs(rnd), H, W);
            gt[i] = Masks.encode(blobs(rnd), H, W);
        }
        strings = new String[REAL_ANNOTATIONS];
        stringSizes = new int[REAL_ANNOTATIONS][];
        for (int i = 0; i < REAL_ANNOTATIONS; i++) {
            RealPolygons.Ann a = polygons.get(i);
            Rle r = polygon(a);
            strings[i] = Masks.toString(r, scratch);
            stringSizes[i] = new int[] {a.h(), a.w()};
        }
        Path png = RealPolygons.coco().resolve("panoptic/panopticapi__panoptic_examples/000000142238.png");
        try (InputStream in = Files.newInputStream(png)) {
            panoptic = PanopticPng.read(in, 1L << 24);
        }
    }

    private Rle polygon(RealPolygons.Ann a) {
        double[][] parts = a.parts();
        if (parts.length == 1) {
            return Masks.frPoly(parts[0], a.h(), a.w(), scratch);
        }
        Rle[] rs = new Rle[parts.length];
        for (int i = 0; i < parts.length; i++) {
            rs[i] = Masks.frPoly(parts[i], a.h(), a.w(), scratch);
        }
        return Masks.merge(rs, false, scratch);
    }

    /** A few rectangles and blobs: object-like masks with runs of every length. */
    private static byte[] blobs(Random rnd) {
        byte[] m = new byte[H * W];
        for (int r = 0; r < 6; r++) {
            int cx = rnd.nextInt(W);
            int cy = rnd.nextInt(H);
            int rx = 10 + rnd.nextInt(120);
            int ry = 10 + rnd.nextInt(120);
            for (int x = Math.max(0, cx - rx); x < Math.min(W, cx + rx); x++) {
                for (int y = Math.max(0, cy - ry); y < Math.min(H, cy + ry); y++) {
                    double dx = (x - cx) / (double) rx;
                    double dy = (y - cy) / (double) ry;
                    if (dx * dx + dy * dy <= 1) {
                        m[x * H + y] = 1;
                    }
                }
            }
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(REAL_ANNOTATIONS)
    public void realPolygonsFrPolyMergeAreaBboxToString(Blackhole bh) {
        double[] bb = new double[4];
        for (RealPolygons.Ann a : polygons) {
            Rle r = polygon(a);
            bh.consume(Masks.area(r));
            Masks.toBbox(r, bb, 0);
            bh.consume(bb);
            bh.consume(Masks.toString(r, scratch));
        }
    }

    @Benchmark
    public int encode640x480() {
        return Masks.encode(mask, H, W, runs);
    }

    @Benchmark
    public byte[] decode640x480() {
        Masks.decode(rle, mask);
        return mask;
    }

    @Benchmark
    public Rle mergeTenMasks() {
        return Masks.merge(ten, false, scratch);
    }

    @Benchmark
    public double[][] iou20x20() {
        return Masks.iou(dt, gt, crowd);
    }

    @Benchmark
    @OperationsPerInvocation(REAL_ANNOTATIONS)
    public void stringDecodeEncode(Blackhole bh) {
        for (int i = 0; i < REAL_ANNOTATIONS; i++) {
            Rle r = Masks.frString(strings[i], stringSizes[i][0], stringSizes[i][1], scratch);
            bh.consume(Masks.toString(r, scratch));
        }
    }

    @Benchmark
    public Object panopticPngToRles() {
        return PanopticPng.segments(panoptic);
    }
}
