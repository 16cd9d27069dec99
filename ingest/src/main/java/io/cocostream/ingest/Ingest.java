package io.cocostream.ingest;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one delivered COCO file into per-image events, with memory bounded by the largest image
 * rather than by the file. It coordinates the parts: pass 1 reads the whole file into an
 * {@link Intake} (on every core with {@link ParallelRead} for the kinds with a fast reader, else,
 * or when that split refuses the file, with {@link SequentialRead}); a file whose annotations come
 * before its images is read again with its images preloaded. The batch id is then known (the
 * file's hash), and pass 2, {@link BatchWriter}, writes the events through an {@link EventSink}.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    /** Top-level keys of COCO files (a results file's bare array is ""). */
    private static final Set<String> KNOWN_KEYS = Set.of("info", "licenses", "images", "annotations", "categories",
            CocoJsonReader.RESULTS);

    /** Images per transaction. */
    public static final int DEFAULT_CHUNK_IMAGES = 10000;

    /**
     * What to ingest and how. {@code parsers}: threads that parse annotations in pass 1 (0 reads
     * the file with the sequential scan alone; the default is one per core).
     */
    public record Options(Path file, Kind kind, Path pngDir, String producer, Path spillDir, int chunkImages,
            int parsers) {
        public Options {
            if (chunkImages <= 0) {
                throw new IllegalArgumentException("chunkImages must be positive: " + chunkImages);
            }
            if (parsers < 0) {
                throw new IllegalArgumentException("parsers must not be negative: " + parsers);
            }
        }

        public static Options of(Path file) {
            return new Options(file, null, null, System.getProperty("user.name", "unknown"),
                    Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_CHUNK_IMAGES,
                    Runtime.getRuntime().availableProcessors());
        }

        public Options withKind(Kind k) {
            return new Options(file, k, pngDir, producer, spillDir, chunkImages, parsers);
        }

        public Options withPngDir(Path d) {
            return new Options(file, kind, d, producer, spillDir, chunkImages, parsers);
        }

        public Options withProducer(String p) {
            return new Options(file, kind, pngDir, p, spillDir, chunkImages, parsers);
        }

        public Options withSpillDir(Path d) {
            return new Options(file, kind, pngDir, producer, d, chunkImages, parsers);
        }

        public Options withChunkImages(int n) {
            return new Options(file, kind, pngDir, producer, spillDir, n, parsers);
        }

        public Options withParsers(int n) {
            return new Options(file, kind, pngDir, producer, spillDir, chunkImages, n);
        }
    }

    /** What an ingest did. */
    public record Result(String batchId, Kind kind, BatchStatus status, long images, long annotations,
            long categories, long deadLetters, boolean alreadyIngested, long resumedAfterImages, String firstError) {}

    /** Progress callbacks, for a progress bar or log lines. */
    public interface Progress {
        /** Pass 1: bytes of the file read so far. */
        default void reading(long bytesRead, long totalBytes, long annotations) {}

        /** Pass 2: images published so far of the total. */
        default void publishing(long images, long totalImages) {}
    }

    private Ingest() {}

    /** Ingests {@code options.file()} through the sink {@code sinkForBatch} gives for its batch id. */
    public static Result run(Options options, Function<String, EventSink> sinkForBatch, Progress progress)
            throws IOException {
        Kind kind = options.kind() != null ? options.kind() : KindDetector.detect(options.file());
        MessageDigest sha = sha256();
        try (Intake in = read(options, kind, sha, progress)) {
            String sha256 = HexFormat.of().formatHex(sha.digest());
            String batchId = sha256.substring(0, 20) + "-" + kind.id();
            try (EventSink sink = sinkForBatch.apply(batchId)) {
                return new BatchWriter(in, options.file(), options.chunkImages()).write(sink, batchId, sha256, progress);
            }
        }
    }

    /** Pass 1: the whole file read into a new intake, every byte into {@code sha}. */
    private static Intake read(Options options, Kind kind, MessageDigest sha, Progress progress) throws IOException {
        // About one annotation per 400 bytes of COCO JSON: sized once, the index never copies itself.
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, Files.size(options.file()) / 400);
        boolean parallel = ParallelRead.reads(kind) && options.parsers() > 0;
        boolean preload = false;
        while (true) {
            Intake in = new Intake(options, kind, expected);
            sha.reset();
            try {
                if (preload) {
                    in.preloadImages();
                }
                List<String> keys = parallel ? ParallelRead.read(options.file(), in, options.parsers(), sha, progress)
                        : SequentialRead.read(options.file(), in, sha, progress);
                warnUnknown(in.sourceFile, keys);
                in.readDone();
                return in;
            } catch (Intake.ImagesFirst e) {
                in.close();
                preload = true;
            } catch (ElementSplitter.Fallback f) {
                LOG.debug("{}: reading it sequentially ({})", in.sourceFile, f.getMessage());
                in.close();
                parallel = false;
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }
    }

    private static void warnUnknown(String sourceFile, List<String> keys) {
        for (String key : keys) {
            if (!KNOWN_KEYS.contains(key)) {
                LOG.warn("{}: ignoring the unknown top-level key \"{}\"", sourceFile, key);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
