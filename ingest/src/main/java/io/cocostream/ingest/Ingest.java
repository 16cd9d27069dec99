package io.cocostream.ingest;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    /** Annotations an image may have: the largest real COCO image has a few hundred. */
    public static final int DEFAULT_MAX_ANNOTATIONS_PER_IMAGE = 100_000;

    /**
     * What to ingest and how. {@code parsers}: threads that parse annotations in pass 1 (0 reads
     * the file with the sequential scan alone; the default is one per core).
     * {@code maxAnnotationsPerImage}: an image with more is dead-lettered, not published.
     * {@code redeliver}: publish the file again as a new batch even if it was ingested before.
     * {@code run}: a results file's run (null: the file's name without its extension).
     */
    public record Options(Path file, Kind kind, Path pngDir, String producer, Path spillDir, int chunkImages,
            int parsers, int maxAnnotationsPerImage, boolean redeliver, String run) {
        public Options {
            if (chunkImages <= 0) {
                throw new IllegalArgumentException("chunkImages must be positive: " + chunkImages);
            }
            if (parsers < 0) {
                throw new IllegalArgumentException("parsers must not be negative: " + parsers);
            }
            if (maxAnnotationsPerImage <= 0) {
                throw new IllegalArgumentException("maxAnnotationsPerImage must be positive: " + maxAnnotationsPerImage);
            }
            if (run != null && (run.isBlank() || run.contains("/") || run.contains(","))) {
                throw new IllegalArgumentException("a run name needs a character and no '/' or ',': '" + run + "'");
            }
        }

        public static Options of(Path file) {
            return new Options(file, null, null, System.getProperty("user.name", "unknown"),
                    Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_CHUNK_IMAGES,
                    Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_ANNOTATIONS_PER_IMAGE, false, null);
        }

        public Options withKind(Kind v) {
            return new Options(file, v, pngDir, producer, spillDir, chunkImages, parsers, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withPngDir(Path v) {
            return new Options(file, kind, v, producer, spillDir, chunkImages, parsers, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withProducer(String v) {
            return new Options(file, kind, pngDir, v, spillDir, chunkImages, parsers, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withSpillDir(Path v) {
            return new Options(file, kind, pngDir, producer, v, chunkImages, parsers, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withChunkImages(int v) {
            return new Options(file, kind, pngDir, producer, spillDir, v, parsers, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withParsers(int v) {
            return new Options(file, kind, pngDir, producer, spillDir, chunkImages, v, maxAnnotationsPerImage, redeliver, run);
        }

        public Options withMaxAnnotationsPerImage(int v) {
            return new Options(file, kind, pngDir, producer, spillDir, chunkImages, parsers, v, redeliver, run);
        }

        public Options withRun(String v) {
            return new Options(file, kind, pngDir, producer, spillDir, chunkImages, parsers, maxAnnotationsPerImage, redeliver, v);
        }

        /** The run a results file's batch belongs to. */
        public String runName() {
            if (run != null) {
                return run;
            }
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        }

        public Options withRedeliver(boolean v) {
            return new Options(file, kind, pngDir, producer, spillDir, chunkImages, parsers, maxAnnotationsPerImage, v, run);
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
        MessageDigest sha = Digests.sha256();
        try (Intake in = read(options, kind, sha, progress)) {
            // A file that broke off was not read to its end: its hash is the whole file's all the same.
            String sha256 = in.isTruncated() ? Digests.sha256(options.file()) : HexFormat.of().formatHex(sha.digest());
            String batchId = batchId(sha256, in.pngDigest(), kind, options.redeliver() ? Instant.now() : null);
            try (EventSink sink = sinkForBatch.apply(batchId)) {
                return new BatchWriter(in, options.file(), options.chunkImages(), options.maxAnnotationsPerImage(),
                        options.runName())
                        .write(sink, batchId, sha256, progress);
            }
        }
    }

    /**
     * {@code <hash>-<kind>}, the hash covering the whole delivery: the file's sha256, and with
     * panoptic PNGs the hash of both (so a corrected PNG is a new batch); a redelivery adds
     * {@code -r<UTC time>}, a batch of its own.
     */
    static String batchId(String fileSha256, byte[] pngDigest, Kind kind, Instant redelivered) {
        String hash = fileSha256;
        if (pngDigest != null) {
            MessageDigest both = Digests.sha256();
            both.update(fileSha256.getBytes(StandardCharsets.US_ASCII));
            both.update(pngDigest);
            hash = HexFormat.of().formatHex(both.digest());
        }
        String id = hash.substring(0, 20) + "-" + kind.id();
        return redelivered == null ? id : id + "-r" + REDELIVERY.format(redelivered);
    }

    private static final DateTimeFormatter REDELIVERY = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

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
}
