package io.cocostream.bench;

import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.serde.AvroData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding the topology's largest record, the image view, in views per second: the
 * shared file's real polygons, seven to an image as in train2017, each with its recomputed mask;
 * through Avro's generic record walk ({@code SpecificData.get()}) or the generated classes' own
 * coders ({@link AvroData#SPECIFIC}, what cocostream's serde uses).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cocostream.schemas.avro")
public class SerdeBenchmarks {
    static final int PER_IMAGE = 7;
    static final int VIEWS = RealPolygonsViews.COUNT;

    @Param({"generic", "generated"})
    public String coders;

    private List<ImageView> views;
    private byte[][] encoded;
    private SpecificDatumWriter<ImageView> writer;
    private SpecificDatumReader<ImageView> reader;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    @Setup
    public void setup() throws IOException {
        SpecificData data = coders.equals("generated") ? AvroData.SPECIFIC : SpecificData.get();
        writer = new SpecificDatumWriter<>(ImageView.getClassSchema(), data);
        reader = new SpecificDatumReader<>(ImageView.getClassSchema(), ImageView.getClassSchema(), data);
        views = RealPolygonsViews.load();
        encoded = new byte[views.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = encode(views.get(i));
        }
    }

    @Benchmark
    @OperationsPerInvocation(VIEWS)
    public int encodeImageViews() throws IOException {
        int bytes = 0;
        for (ImageView v : views) {
            bytes += encode(v).length;
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(VIEWS)
    public int decodeImageViews() throws IOException {
        int n = 0;
        for (byte[] b : encoded) {
            decoder = DecoderFactory.get().binaryDecoder(b, decoder);
            n += reader.read(null, decoder).getInstances().size();
        }
        return n;
    }

    private byte[] encode(ImageView v) throws IOException {
        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        writer.write(v, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** The shared file's polygon annotations as image views of {@link #PER_IMAGE}, each with its mask. */
    static final class RealPolygonsViews {
        static final int COUNT = 619 / PER_IMAGE;

        static List<ImageView> load() throws IOException {
            List<RealPolygons.Ann> anns = RealPolygons.load("instances/instances_val2017_mini.json");
            MaskScratch scratch = new MaskScratch();
            List<ImageView> out = new ArrayList<>();
            for (int v = 0; v < COUNT; v++) {
                List<ValidatedAnnotation> instances = new ArrayList<>();
                for (int i = v * PER_IMAGE; i < (v + 1) * PER_IMAGE; i++) {
                    RealPolygons.Ann a = anns.get(i);
                    Rle[] parts = new Rle[a.parts().length];
                    List<List<Double>> polygons = new ArrayList<>();
                    for (int p = 0; p < parts.length; p++) {
                        parts[p] = Masks.frPoly(a.parts()[p], a.h(), a.w(), scratch);
                        polygons.add(Arrays.stream(a.parts()[p]).boxed().toList());
                    }
                    Rle mask = Masks.merge(parts, false, scratch);
                    double[] box = Masks.toBbox(mask);
                    instances.add(ValidatedAnnotation.newBuilder().setId(i).setCategoryId(1 + i % 80)
                            .setArea(Masks.area(mask)).setBbox(Arrays.stream(box).boxed().toList())
                            .setMask(RleMask.newBuilder().setHeight(a.h()).setWidth(a.w())
                                    .setCounts(Masks.toString(mask, scratch)).build())
                            .setSegmentation(Segmentation.newBuilder().setPolygons(polygons).build())
                            .setMaskArea(Masks.area(mask)).setMaskBbox(Arrays.stream(box).boxed().toList()).build());
                }
                out.add(ImageView.newBuilder().setImageId(v).setImage(Image.newBuilder().setId(v).setWidth(640)
                        .setHeight(480).setFileName("000000" + v + ".jpg").build()).setInstances(instances)
                        .setUpdatedAt(Instant.ofEpochMilli(1_700_000_000_000L + v)).setBatches(Map.of("instances", "b1"))
                        .build());
            }
            return out;
        }

        private RealPolygonsViews() {}
    }
}
