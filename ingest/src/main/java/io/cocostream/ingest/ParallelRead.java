package io.cocostream.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Image;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pass 1 on every core, for the kinds with a fast reader (instances, stuff, person keypoints):
 * {@link ElementSplitter} cuts the file into chunks of elements; worker threads parse them
 * (annotations and images from their bytes, categories as trees) and the reading thread keeps
 * them in file order, so the result is the sequential scan's. Anything unusual throws
 * {@link ElementSplitter.Fallback} before a record is published.
 */
final class ParallelRead {
    private final Path file;
    private final Intake in;
    private final int threads;

    private ParallelRead(Path file, Intake in, int threads) {
        this.file = file;
        this.in = in;
        this.threads = threads;
    }

    /** Whether {@code kind} has a fast reader. */
    static boolean reads(Kind kind) {
        return kind == Kind.INSTANCES || kind == Kind.STUFF || kind == Kind.PERSON_KEYPOINTS;
    }

    /** Reads {@code file} into {@code in} with {@code threads} parsers, every byte into {@code sha}; returns the top-level keys. */
    static List<String> read(Path file, Intake in, int threads, MessageDigest sha, Ingest.Progress progress)
            throws IOException, ElementSplitter.Fallback {
        return new ParallelRead(file, in, threads).read(sha, progress);
    }

    /**
     * A parsed chunk: annotations as the fast reader left them (Avro bytes, null where rejected,
     * image ids, ids), images likewise (null where rejected), or the trees of categories.
     */
    private record Parsed(byte[][] items, long[] imageIds, long[] ids, Image[] images, JsonNode[] trees) {}

    private List<String> read(MessageDigest sha, Ingest.Progress progress) throws IOException, ElementSplitter.Fallback {
        long total = Files.size(file);
        ExecutorService parsers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cocostream-parse");
            t.setDaemon(true);
            return t;
        });
        Deque<Future<Parsed>> inFlight = new ArrayDeque<>();
        Deque<ElementSplitter.Chunk> chunks = new ArrayDeque<>();
        boolean[] imagesSeen = {in.imagesPreloaded()};
        long[] read = {0};
        try {
            List<String> keys = ElementSplitter.split(file, Set.of("images", "annotations", "categories"), sha,
                    new ElementSplitter.Handler() {
                        @Override
                        public void begin(String section) throws IOException, ElementSplitter.Fallback {
                            if (section.equals("images")) {
                                imagesSeen[0] = true;
                            } else if (section.equals("annotations")) {
                                if (!imagesSeen[0]) {
                                    throw new Intake.ImagesFirst();
                                }
                                // Every image kept before an annotation is parsed: the parsers read their sizes.
                                while (!inFlight.isEmpty()) {
                                    keep(chunks.removeFirst(), inFlight.removeFirst());
                                }
                            }
                        }

                        @Override
                        public void chunk(ElementSplitter.Chunk c) throws IOException, ElementSplitter.Fallback {
                            if (in.imagesPreloaded() && c.section().equals("images")) {
                                return;
                            }
                            while (inFlight.size() >= 2 * threads + 2) {
                                keep(chunks.removeFirst(), inFlight.removeFirst());
                            }
                            inFlight.addLast(parsers.submit(() -> parse(c)));
                            chunks.addLast(c);
                            progress.reading(read[0], total, in.annotations());
                        }
                    }, bytes -> read[0] = bytes);
            while (!inFlight.isEmpty()) {
                keep(chunks.removeFirst(), inFlight.removeFirst());
            }
            progress.reading(total, total, in.annotations());
            return keys;
        } finally {
            parsers.shutdownNow();
        }
    }

    /** On a parsing thread: annotations and images through the fast readers straight from their bytes, categories as trees. */
    private Parsed parse(ElementSplitter.Chunk c) throws IOException, ElementSplitter.Fallback {
        int n = c.size();
        if (c.section().equals("categories")) {
            JsonNode[] trees = new JsonNode[n];
            for (int i = 0; i < n; i++) {
                trees[i] = tree(c, i);
            }
            return new Parsed(null, null, null, null, trees);
        }
        if (c.section().equals("images")) {
            FastImageReader reader = new FastImageReader();
            Image[] images = new Image[n];
            for (int i = 0; i < n; i++) {
                images[i] = reader.read(c.json(), c.starts()[i], c.ends()[i]);
            }
            return new Parsed(null, null, null, images, null);
        }
        FastAnnotationReader reader = new FastAnnotationReader(in.kind == Kind.PERSON_KEYPOINTS);
        Parsed out = new Parsed(new byte[n][], new long[n], new long[n], null, null);
        for (int i = 0; i < n; i++) {
            out.items()[i] = reader.read(c.json(), c.starts()[i], c.ends()[i], in.images.heights(), in.images.widths());
            out.imageIds()[i] = reader.imageId();
            out.ids()[i] = reader.id();
        }
        return out;
    }

    /**
     * Keeps a parsed chunk's elements in file order: annotations and images the fast readers took as
     * they are, every other element down the tree path.
     */
    private void keep(ElementSplitter.Chunk c, Future<Parsed> parsed) throws IOException, ElementSplitter.Fallback {
        Parsed p;
        try {
            p = parsed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while parsing " + file);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ElementSplitter.Fallback f) {
                throw f;
            }
            throw new IOException("cannot parse " + file + ": " + e.getCause(), e.getCause());
        }
        for (int i = 0; i < c.size(); i++) {
            if (p.trees() != null) {
                in.element(c.section(), c.firstIndex() + i, p.trees()[i], at(c, i));
            } else if (p.images() != null) {
                if (p.images()[i] == null || !in.keepImage(p.images()[i])) {
                    in.element(c.section(), c.firstIndex() + i, tree(c, i), at(c, i));
                }
            } else if (!in.fastAnnotation(p.items()[i], p.imageIds()[i], p.ids()[i])) {
                in.element(c.section(), c.firstIndex() + i, tree(c, i), at(c, i));
            }
        }
    }

    private static JsonNode tree(ElementSplitter.Chunk c, int i) throws IOException, ElementSplitter.Fallback {
        try {
            return CocoJsonReader.JSON.readTree(c.json(), c.starts()[i], c.ends()[i] - c.starts()[i]);
        } catch (JsonProcessingException e) {
            throw new ElementSplitter.Fallback("malformed JSON in " + c.section());
        }
    }

    private Location at(ElementSplitter.Chunk c, int i) {
        return new Location(file.toString(), "$." + c.section() + "[" + (c.firstIndex() + i) + "]", c.lines()[i],
                c.columns()[i]);
    }
}
