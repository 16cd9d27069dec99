package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Items come back byte for byte, whichever way their bucket is read and in whatever order images are visited. */
class ItemSpillTest {
    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        // seed, images declared before the first item (0: results), file size (sets the bucket count), largest bucket read whole
        return Stream.of(
                Arguments.of(1L, 1000, 100L << 20, Long.MAX_VALUE), // 13 buckets, each read whole
                Arguments.of(2L, 1000, 100L << 20, 0L), // every bucket read item by item
                Arguments.of(3L, 1000, 100L << 20, 20_000L), // some whole, some item by item
                Arguments.of(4L, 0, 100L << 20, Long.MAX_VALUE), // results: one bucket
                Arguments.of(5L, 7, 1L << 40, Long.MAX_VALUE), // more buckets wanted than images
                Arguments.of(6L, 1000, 10, Long.MAX_VALUE)); // a small file: one bucket
    }

    @ParameterizedTest
    @MethodSource("cases")
    void itemsComeBackAsWritten(long seed, int images, long fileBytes, long maxLoad) throws IOException {
        Random r = new Random(seed);
        int n = 5000;
        int ordinals = images == 0 ? 1500 : images;
        byte[][] items = new byte[n][];
        int[] ordinal = new int[n];
        try (ItemSpill spill = new ItemSpill(dir, 16, fileBytes, maxLoad)) {
            for (int i = 0; i < n; i++) {
                ordinal[i] = r.nextInt(ordinals);
                items[i] = new byte[r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(200)];
                r.nextBytes(items[i]);
                spill.append(ordinal[i], images, items[i]);
            }
            spill.flush();
            // Pass 2's order: by image, then by position; then a random order, which reloads buckets.
            Integer[] order = new Integer[n];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> ordinal[a] != ordinal[b] ? Integer.compare(ordinal[a], ordinal[b]) : Integer.compare(a, b));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            for (int i : order) {
                out.reset();
                spill.writeTo(i, ordinal[i], encoder);
                encoder.flush();
                assertArrayEquals(items[i], out.toByteArray(), "item " + i + " of image " + ordinal[i]);
            }
            for (int k = 0; k < 2000; k++) {
                int i = r.nextInt(n);
                assertArrayEquals(items[i], spill.read(i, ordinal[i]), "item " + i + " read out of order");
            }
            long files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.count();
            }
            long expected = images == 0 || fileBytes < (8L << 20) ? 1 : Arrays.stream(ordinal).map(o -> o >>> shift(images, fileBytes)).distinct().count();
            assertEquals(expected, files, "spill files");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "spill files left after close");
        }
    }

    /** The bucket width the class documents: images over min(256, file / 8 MB) buckets, rounded up to a power of two. */
    private static int shift(int images, long fileBytes) {
        long wanted = Math.max(1, Math.min(256, (fileBytes + (8L << 20) - 1) / (8L << 20)));
        long per = Math.max(1, (images + wanted - 1) / wanted);
        return 64 - Long.numberOfLeadingZeros(per - 1);
    }
}
