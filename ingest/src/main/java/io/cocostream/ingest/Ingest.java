package io.cocostream.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.Masks;
import io.cocostream.mask.PanopticPng;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticSegment;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RleMask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one delivered COCO file into per-image events, with memory bounded by the largest image
 * rather than by the file.
 *
 * <p>Pass 1 streams the file once (Jackson tokens, one element as a tree at a time), converts and
 * checks every element, and appends each annotation as Avro bytes to an {@link ItemSpill} (temporary
 * files by image range), keeping only (image ordinal, spill index) per annotation in primitive arrays. Bad elements
 * become dead letters with their location and raw JSON. If annotations come before images, a
 * first token scan reads the images. Pass 2 sorts the index by (image ordinal, file position) and
 * walks the images in file order, reading each image range's spill once to publish
 * one event per image: every annotation in exactly one event, images without annotations with an
 * empty list. Events are committed in transactional chunks, each with an IN_PROGRESS manifest, so
 * a rerun after a crash resumes after the last committed chunk; the final manifest is last.
 */
public final class Ingest implements java.io.Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    /** Top-level keys of COCO files (a results file's bare array is ""). */
    private static final Set<String> KNOWN_KEYS = Set.of("info", "licenses", "images", "annotations", "categories",
            CocoJsonReader.RESULTS);

    /** Images per transaction. */
    public static final int DEFAULT_CHUNK_IMAGES = 10000;
    /** Largest PNG accepted beyond its image's declared size: none. */
    private static final long PNG_SLACK_PIXELS = 0;

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

    private final Options options;
    private final Kind kind;
    private final String sourceFile;
    private final Provenance.Builder provenance;
    /** Annotations, by image. */
    private final ItemSpill itemSpill;
    /** Images and dead letters. */
    private final Spill spill;
    // Images by ordinal (file order): id, size and spill index of the Image record (-1: none).
    private final LongIntMap imageOrdinals = new LongIntMap(1024);
    private long[] imageIds = new long[1024];
    private int[] imageH = new int[1024];
    private int[] imageW = new int[1024];
    private int[] imageSpill = new int[1024];
    private int images;
    // Annotations: image ordinal and spill index, in file order.
    private int[] itemImage = new int[1024];
    private int items;
    private LongSet annotationIds;
    private final List<Integer> deadSpill = new ArrayList<>();
    private final List<Category> categories = new ArrayList<>();
    private final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> writers = new java.util.HashMap<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    private BinaryEncoder encoder;
    private final RecordDecoder decoder = new RecordDecoder();
    private String firstError;
    /** The token-level reader of the kinds that have one (the bulk of COCO), null for the others. */
    private final FastAnnotationReader fast;
    private byte[] provenanceBytes;
    private boolean truncated;

    private Ingest(Options options, Kind kind, int expected) throws IOException {
        this.itemSpill = new ItemSpill(options.spillDir(), expected, Files.size(options.file()));
        this.spill = new Spill(options.spillDir());
        this.annotationIds = new LongSet(expected);
        this.options = options;
        this.kind = kind;
        this.fast = kind == Kind.INSTANCES || kind == Kind.STUFF ? new FastAnnotationReader(false)
                : kind == Kind.PERSON_KEYPOINTS ? new FastAnnotationReader(true) : null;
        this.sourceFile = options.file().getFileName().toString();
        this.provenance = Provenance.newBuilder().setSourceFile(sourceFile).setProducer(options.producer())
                .setIngestTime(Instant.now());
    }

    /** Ingests {@code options.file()} through {@code publisher}. */
    public static Result run(Options options, java.util.function.Function<String, Publisher> publisherForBatch,
            Progress progress) throws IOException {
        Kind kind = options.kind() != null ? options.kind() : KindDetector.detect(options.file());
        // About one annotation per 400 bytes of COCO JSON: sized once, the index never copies itself.
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, Files.size(options.file()) / 400);
        MessageDigest sha = sha256();
        Ingest in = new Ingest(options, kind, expected);
        try {
            if (in.fast != null && options.parsers() > 0) {
                try {
                    in.readParallel(sha, progress);
                } catch (ElementSplitter.Fallback f) {
                    LOG.debug("{}: reading it sequentially ({})", in.sourceFile, f.getMessage());
                    in.close();
                    in = new Ingest(options, kind, expected);
                    sha.reset();
                    in.readAll(sha, progress);
                }
            } else {
                in.readAll(sha, progress);
            }
            String sha256 = HexFormat.of().formatHex(sha.digest());
            String batchId = sha256.substring(0, 20) + "-" + kind.id();
            in.provenance.setBatchId(batchId);
            in.spill.flush();
            in.itemSpill.flush();
            try (Publisher publisher = publisherForBatch.apply(batchId)) {
                return in.publish(publisher, batchId, sha256, progress);
            }
        } finally {
            in.close();
        }
    }

    @Override
    public void close() throws IOException {
        try (Spill a = spill; ItemSpill b = itemSpill) {
            // both closed, and their files deleted, even if one fails
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- pass 1

    /** Thrown when annotations come before images: the images are read first, then the file again. */
    private static final class ImagesFirst extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImagesFirst() {
            super(null, null, false, false);
        }
    }

    private void readAll(MessageDigest sha, Progress progress) throws IOException {
        CocoJsonReader reader = new CocoJsonReader(options.file());
        long total = Files.size(options.file());
        boolean[] imagesSeen = {false};
        Set<String> sections = Set.of("images", "annotations", "categories", CocoJsonReader.RESULTS);
        CocoJsonReader.ElementHandler handler = new CocoJsonReader.ElementHandler() {
            @Override
            public void begin(String section) {
                if (section.equals("images")) {
                    imagesSeen[0] = true;
                } else if (section.equals("annotations") && !imagesSeen[0]) {
                    throw new ImagesFirst();
                }
            }

            @Override
            public boolean wants(String section, long index) {
                return !(preloaded && section.equals("images"));
            }

            @Override
            public boolean stream(String section, long index, JsonParser p, Location at) throws IOException {
                if (fast == null || !section.equals("annotations") || p.currentToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                long from = p.currentTokenLocation().getByteOffset();
                byte[] item = fast.read(p, heights, widths);
                if (!fastAnnotation(item, fast.imageId(), fast.id())) {
                    long to = p.currentLocation().getByteOffset();
                    element(section, index, CocoJsonReader.JSON.readTree(reader.slice(from, to)), at);
                }
                if ((index & 1023) == 0) {
                    progress.reading(reader.bytesRead(), total, items);
                }
                return true;
            }

            @Override
            public void element(String section, long index, JsonNode e, Location at) {
                Ingest.this.element(section, index, e, at);
                if ((index & 1023) == 0) {
                    progress.reading(reader.bytesRead(), total, items);
                }
            }
        };
        try {
            List<String> keys;
            try {
                keys = reader.scan(sections, handler, sha);
            } catch (ImagesFirst first) {
                sha.reset();
                preloadImages();
                imagesSeen[0] = true;
                keys = reader.scan(sections, handler, sha);
            }
            warnUnknown(keys);
        } catch (CocoFormatException e) {
            // Malformed or truncated JSON: keep what was read, dead-letter the rest with where it broke.
            truncated = true;
            dead(e.getMessage(), e.location(), null);
        }
        progress.reading(total, total, items);
        annotationIds = null; // pass 2 needs the heap more
    }

    private boolean preloaded;

    /** One element as a tree: converted and kept, or a dead letter saying what is wrong. */
    private void element(String section, long index, JsonNode e, Location at) {
        try {
            switch (section) {
                case "images" -> image(e, at);
                case "categories" -> category(e, at);
                default -> annotation(e, index, at);
            }
        } catch (CocoFormatException ex) {
            dead(ex.getMessage(), ex.location(), e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Keeps an annotation the fast reader encoded; false when it was rejected (null), is of an
     * unknown image or repeats an id: then the tree path must say what is wrong, raw JSON in hand.
     */
    private boolean fastAnnotation(byte[] item, long imageId, long id) throws IOException {
        int ordinal = item == null ? -1 : imageOrdinals.get(imageId);
        if (ordinal >= 0 && annotationIds.add(id)) {
            addItem(ordinal, item);
            return true;
        }
        return false;
    }

    /**
     * Pass 1 on every core, for the kinds with a fast reader: {@link ElementSplitter} cuts the file
     * into chunks of elements; worker threads parse them (annotations and images from their bytes,
     * categories as trees) and this thread keeps them in file order, so the result is the
     * sequential scan's. Anything unusual throws Fallback before a record is published.
     */
    private void readParallel(MessageDigest sha, Progress progress) throws IOException, ElementSplitter.Fallback {
        long total = Files.size(options.file());
        String file = options.file().toString();
        int threads = options.parsers();
        ExecutorService parsers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cocostream-parse");
            t.setDaemon(true);
            return t;
        });
        Deque<Future<Parsed>> inFlight = new ArrayDeque<>();
        Deque<ElementSplitter.Chunk> chunks = new ArrayDeque<>();
        boolean[] imagesSeen = {false};
        long[] read = {0};
        try {
            List<String> keys = ElementSplitter.split(options.file(), Set.of("images", "annotations", "categories"), sha,
                    new ElementSplitter.Handler() {
                        @Override
                        public void begin(String section) throws IOException, ElementSplitter.Fallback {
                            if (section.equals("images")) {
                                imagesSeen[0] = true;
                            } else if (section.equals("annotations")) {
                                if (!imagesSeen[0]) {
                                    throw new ElementSplitter.Fallback("annotations come before images");
                                }
                                // Every image kept before an annotation is parsed: the parsers read their sizes.
                                while (!inFlight.isEmpty()) {
                                    keep(chunks.removeFirst(), inFlight.removeFirst(), file);
                                }
                            }
                        }

                        @Override
                        public void chunk(ElementSplitter.Chunk c) throws IOException, ElementSplitter.Fallback {
                            while (inFlight.size() >= 2 * threads + 2) {
                                keep(chunks.removeFirst(), inFlight.removeFirst(), file);
                            }
                            inFlight.addLast(parsers.submit(() -> parse(c)));
                            chunks.addLast(c);
                            progress.reading(read[0], total, items);
                        }
                    }, bytes -> read[0] = bytes);
            while (!inFlight.isEmpty()) {
                keep(chunks.removeFirst(), inFlight.removeFirst(), file);
            }
            warnUnknown(keys);
        } finally {
            parsers.shutdownNow();
        }
        progress.reading(total, total, items);
        annotationIds = null; // pass 2 needs the heap more
    }

    /**
     * A parsed chunk: annotations as the fast reader left them (Avro bytes, null where rejected,
     * image ids, ids), images likewise (null where rejected), or the trees of categories.
     */
    private record Parsed(byte[][] items, long[] imageIds, long[] ids, Image[] images, JsonNode[] trees) {}

    /** On a parsing thread: annotations and images through the fast reader straight from their bytes, categories as trees. */
    private Parsed parse(ElementSplitter.Chunk c) throws IOException, ElementSplitter.Fallback {
        int n = c.size();
        if (c.section().equals("categories")) {
            JsonNode[] trees = new JsonNode[n];
            for (int i = 0; i < n; i++) {
                trees[i] = tree(c, i);
            }
            return new Parsed(null, null, null, null, trees);
        }
        FastAnnotationReader reader = new FastAnnotationReader(kind == Kind.PERSON_KEYPOINTS);
        if (c.section().equals("images")) {
            Image[] images = new Image[n];
            for (int i = 0; i < n; i++) {
                images[i] = reader.readImage(c.json(), c.starts()[i], c.ends()[i]);
            }
            return new Parsed(null, null, null, images, null);
        }
        Parsed out = new Parsed(new byte[n][], new long[n], new long[n], null, null);
        for (int i = 0; i < n; i++) {
            out.items()[i] = reader.read(c.json(), c.starts()[i], c.ends()[i], heights, widths);
            out.imageIds()[i] = reader.imageId();
            out.ids()[i] = reader.id();
        }
        return out;
    }

    /**
     * Keeps a parsed chunk's elements in file order: annotations and images the fast reader took as
     * they are, every other element down the tree path.
     */
    private void keep(ElementSplitter.Chunk c, Future<Parsed> parsed, String file) throws IOException,
            ElementSplitter.Fallback {
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
                element(c.section(), c.firstIndex() + i, p.trees()[i], at(c, i, file));
            } else if (p.images() != null) {
                if (p.images()[i] == null || !keepImage(p.images()[i])) {
                    element(c.section(), c.firstIndex() + i, tree(c, i), at(c, i, file));
                }
            } else if (!fastAnnotation(p.items()[i], p.imageIds()[i], p.ids()[i])) {
                element(c.section(), c.firstIndex() + i, tree(c, i), at(c, i, file));
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

    private static Location at(ElementSplitter.Chunk c, int i, String file) {
        return new Location(file, "$." + c.section() + "[" + (c.firstIndex() + i) + "]", c.lines()[i], c.columns()[i]);
    }

    private void warnUnknown(List<String> keys) {
        for (String key : keys) {
            if (!KNOWN_KEYS.contains(key)) {
                LOG.warn("{}: ignoring the unknown top-level key \"{}\"", sourceFile, key);
            }
        }
    }

    private void preloadImages() {
        new CocoJsonReader(options.file()).scan(Set.of("images"), (s, i, e, at) -> {
            try {
                image(e, at);
            } catch (CocoFormatException ex) {
                dead(ex.getMessage(), ex.location(), e);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        preloaded = true;
    }

    private void image(JsonNode e, Location at) throws IOException {
        Image img = Converters.image(e, at);
        if (!keepImage(img)) {
            throw new CocoFormatException(Json.at(at, "id"), "duplicate image id " + img.getId());
        }
    }

    /** Keeps an image; false when its id was seen before (the caller says so, raw JSON in hand). */
    private boolean keepImage(Image img) throws IOException {
        if (imageOrdinals.get(img.getId()) >= 0) {
            return false;
        }
        addImage(img.getId(), img.getHeight(), img.getWidth(), spill.append(encode(img)));
        return true;
    }

    private int addImage(long id, int h, int w, int spillIndex) {
        if (images == imageIds.length) {
            int n = images * 2;
            imageIds = Arrays.copyOf(imageIds, n);
            imageH = Arrays.copyOf(imageH, n);
            imageW = Arrays.copyOf(imageW, n);
            imageSpill = Arrays.copyOf(imageSpill, n);
        }
        imageOrdinals.putIfAbsent(id, images);
        imageIds[images] = id;
        imageH[images] = h;
        imageW[images] = w;
        imageSpill[images] = spillIndex;
        return images++;
    }

    /** Pass 1 knows no batch id yet (it is the file's hash): records get their final provenance in pass 2. */
    private void category(JsonNode e, Location at) {
        categories.add(Converters.category(kind, e, at, provenance.setBatchId("").build()));
    }

    private void annotation(JsonNode e, long index, Location at) throws IOException {
        long imageId = Json.requireLong(e, "image_id", at);
        int ordinal = imageOrdinals.get(imageId);
        if (ordinal < 0) {
            if (kind != Kind.RESULTS) {
                throw new CocoFormatException(Json.at(at, "image_id"), "annotation of unknown image " + imageId);
            }
            ordinal = addImage(imageId, 0, 0, -1);
        }
        Converters.ImageSize size = imageSpill[ordinal] < 0 ? Converters.ImageSize.UNKNOWN
                : new Converters.ImageSize(imageH[ordinal], imageW[ordinal]);
        SpecificRecord item = switch (kind) {
            case INSTANCES, STUFF -> Converters.instance(e, at, size);
            case PERSON_KEYPOINTS -> Converters.keypoints(e, at, size);
            case CAPTIONS -> Converters.caption(e, at);
            case DENSEPOSE -> Converters.densepose(e, at, size);
            case RESULTS -> Converters.result(e, index, at, size);
            case PANOPTIC -> panoptic(e, at, ordinal);
        };
        if (kind == Kind.PANOPTIC) {
            // One element per image: a second one for the same image is a duplicate delivery.
            if (!annotationIds.add(imageId)) {
                throw new CocoFormatException(Json.at(at, "image_id"), "second panoptic annotation of image " + imageId);
            }
        } else if (kind != Kind.RESULTS || e.hasNonNull("id")) {
            long id = ((Number) item.get(item.getSchema().getField("id").pos())).longValue();
            if (!annotationIds.add(id)) {
                throw new CocoFormatException(Json.at(at, "id"), "duplicate annotation id " + id);
            }
        }
        addItem(ordinal, encode(item));
    }

    private void addItem(int ordinal, byte[] encoded) throws IOException {
        if (items == itemImage.length) {
            itemImage = Arrays.copyOf(itemImage, Math.max(items + (items >> 1), itemSpill.capacity()));
        }
        itemImage[items] = ordinal;
        itemSpill.append(ordinal, kind == Kind.RESULTS ? 0 : images, encoded);
        items++;
    }

    /** The two below as functions for the fast reader: made once, not per annotation. */
    private final java.util.function.LongToIntFunction heights = this::heightOf;
    private final java.util.function.LongToIntFunction widths = this::widthOf;

    private int heightOf(long imageId) {
        int o = imageOrdinals.get(imageId);
        return o < 0 || imageSpill[o] < 0 ? 0 : imageH[o];
    }

    private int widthOf(long imageId) {
        int o = imageOrdinals.get(imageId);
        return o < 0 || imageSpill[o] < 0 ? 0 : imageW[o];
    }

    /** A panoptic element: its segments with masks from the PNG, in one PanopticEvent (without provenance yet). */
    private PanopticEvent panoptic(JsonNode e, Location at, int ordinal) {
        String fileName = Json.require(e, "file_name", at).asText();
        Path dir = options.pngDir() != null ? options.pngDir() : MaskLines.defaultPngDir(options.file());
        Path png = dir.resolve(fileName);
        Map<Integer, Rle> masks;
        try (InputStream in = Files.newInputStream(png)) {
            PanopticPng.IdImage img = PanopticPng.read(in, (long) imageH[ordinal] * imageW[ordinal] + PNG_SLACK_PIXELS);
            if (img.h() != imageH[ordinal] || img.w() != imageW[ordinal]) {
                throw new CocoFormatException(Json.at(at, "file_name"), "PNG " + png + " is " + img.w() + "x" + img.h()
                        + ", its image is " + imageW[ordinal] + "x" + imageH[ordinal]);
            }
            masks = new TreeMap<>(PanopticPng.segments(img));
        } catch (IOException | IllegalArgumentException ex) {
            throw new CocoFormatException(Json.at(at, "file_name"), "cannot read PNG " + png + ": " + ex.getMessage());
        }
        List<PanopticSegment> segments = new ArrayList<>();
        JsonNode infos = Json.require(e, "segments_info", at);
        int i = 0;
        for (JsonNode s : infos) {
            Location sat = Json.at(at, "segments_info[" + i++ + "]");
            long id = Json.requireLong(s, "id", sat);
            Rle rle = masks.remove((int) id);
            segments.add(PanopticSegment.newBuilder().setId(id).setCategoryId(Json.requireInt(s, "category_id", sat))
                    .setIscrowd(Json.optionalInt(s, "iscrowd", 0, sat))
                    .setArea(s.has("area") ? Converters.finite(s.get("area"), Json.at(sat, "area")) : 0.0)
                    .setBbox(Converters.bbox(s, sat, false))
                    .setMask(rle == null ? null : RleMask.newBuilder().setHeight(rle.h()).setWidth(rle.w())
                            .setCounts(Masks.toString(rle)).build())
                    .build());
        }
        return PanopticEvent.newBuilder().setImageId(imageIds[ordinal]).setFileName(fileName).setAnnotations(segments)
                .setPngOnlyIds(new ArrayList<>(masks.keySet().stream().map(Integer::longValue).toList()))
                .setProvenance(provenance.setBatchId("").build()).build();
    }

    private void dead(String reason, Location at, JsonNode raw) {
        if (firstError == null) {
            firstError = reason;
        }
        DeadLetter d = DeadLetter.newBuilder().setReason(reason).setStage("ingest").setSourceFile(sourceFile)
                .setJsonPath(at == null ? null : at.jsonPath())
                .setLine(at == null || at.line() < 0 ? null : (int) at.line())
                .setColumn(at == null || at.column() < 0 ? null : (int) at.column())
                .setRaw(raw == null ? null : raw.toString())
                .setOccurredAt(Instant.now()).build();
        try {
            deadSpill.add(spill.append(encode(d)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] encode(SpecificRecord r) throws IOException {
        buf.reset();
        encoder = EncoderFactory.get().binaryEncoder(buf, encoder);
        writers.computeIfAbsent(r.getClass(), c -> new SpecificDatumWriter<>(r.getSchema())).write(r, encoder);
        encoder.flush();
        return buf.toByteArray();
    }

    private <T extends SpecificRecord> T decode(int spillIndex, Class<T> type) throws IOException {
        return decoder.decode(type, spill.read(spillIndex));
    }

    // ---------------------------------------------------------------- pass 2

    private Result publish(Publisher publisher, String batchId, String sha256, Progress progress) throws IOException {
        Instant started = Instant.now();
        long resumeAfter = 0;
        BatchManifest last = publisher.lastManifest(batchId).orElse(null);
        if (last != null && last.getStatus() != BatchStatus.IN_PROGRESS) {
            return new Result(batchId, kind, last.getStatus(), last.getImages(), last.getAnnotations(),
                    last.getCategories(), last.getDeadLetters(), true, last.getImages(), firstError);
        }
        if (last != null) {
            resumeAfter = last.getImages();
        }
        Provenance prov = provenance.setBatchId(batchId).build();
        Map<String, Long> perTopic = new TreeMap<>();
        if (resumeAfter == 0) {
            for (Category c : categories) {
                c.setProvenance(prov);
                publisher.send(Topics.CATEGORIES, kind.id() + "/" + c.getId(), c);
            }
            count(perTopic, Topics.CATEGORIES, categories.size());
            for (int d : deadSpill) {
                DeadLetter dl = decode(d, DeadLetter.class);
                dl.setBatchId(batchId);
                publisher.send(Topics.DEAD_LETTERS, null, dl);
            }
            count(perTopic, Topics.DEAD_LETTERS, deadSpill.size());
        }
        // Sort annotations by (image ordinal, file position): one long per annotation.
        long[] order = new long[items];
        for (int i = 0; i < items; i++) {
            order[i] = ((long) itemImage[i] << 32) | i;
        }
        Arrays.sort(order);
        itemImage = null; // order holds the ordinals now
        long published = resumeAfter;
        for (int img = 0, next = 0; img < images; img++) {
            // This image's annotations are order[from, next), their item indices in the low 32 bits.
            int from = next;
            while (next < order.length && (int) (order[next] >>> 32) == img) {
                next++;
            }
            if (img < resumeAfter) {
                continue;
            }
            if (kind == Kind.PANOPTIC) {
                publisher.send(kind.topic(), imageIds[img], panopticEvent(img, from == next ? -1 : (int) order[from], prov));
            } else {
                publisher.sendEncoded(kind.topic(), imageIds[img], eventSchema(), encodedEvent(img, order, from, next, prov));
            }
            count(perTopic, kind.topic(), 1);
            published++;
            if (published % options.chunkImages() == 0) {
                publisher.commit(manifest(batchId, sha256, started, BatchStatus.IN_PROGRESS, published, perTopic, publisher));
                progress.publishing(published, images);
            }
        }
        long annotationsTotal = items;
        BatchStatus status = truncated ? BatchStatus.FAILED
                : deadSpill.isEmpty() ? BatchStatus.COMPLETE : BatchStatus.COMPLETE_WITH_DEAD_LETTERS;
        count(perTopic, Topics.BATCHES, 1);
        BatchManifest fin = manifest(batchId, sha256, started, status, images, perTopic, publisher);
        fin.setAnnotations(annotationsTotal);
        publisher.commit(fin);
        progress.publishing(images, images);
        return new Result(batchId, kind, status, images, annotationsTotal, categories.size(), deadSpill.size(), false,
                resumeAfter, firstError);
    }

    private static void count(Map<String, Long> perTopic, String topic, long n) {
        if (n > 0) {
            perTopic.merge(topic, n, Long::sum);
        }
    }

    private BatchManifest manifest(String batchId, String sha256, Instant started, BatchStatus status, long imagesDone,
            Map<String, Long> perTopic, Publisher publisher) throws IOException {
        return BatchManifest.newBuilder().setBatchId(batchId).setSourceFile(sourceFile).setSha256(sha256)
                .setSizeBytes(Files.size(options.file())).setKind(kind.id()).setProducer(options.producer())
                .setStartedAt(started).setCompletedAt(Instant.now()).setStatus(status).setImages(imagesDone)
                .setAnnotations(items).setCategories(categories.size()).setDeadLetters(deadSpill.size())
                .setRecordsPerTopic(new TreeMap<>(perTopic)).setRanges(publisher.ranges()).build();
    }

    /** The event schema of this kind. */
    private Schema eventSchema() {
        return Topics.spec(kind.topic()).valueSchema();
    }

    /**
     * An event assembled from its encoded parts, without decoding them: every per-image event but
     * panoptic's is image_id, image (union, absent for results), annotations (array), provenance.
     */
    private byte[] encodedEvent(int img, long[] order, int from, int to, Provenance prov) throws IOException {
        if (provenanceBytes == null) {
            provenanceBytes = encode(prov);
        }
        buf.reset();
        encoder = EncoderFactory.get().binaryEncoder(buf, encoder);
        encoder.writeLong(imageIds[img]);
        if (kind != Kind.RESULTS) {
            if (imageSpill[img] < 0) {
                encoder.writeIndex(0);
            } else {
                encoder.writeIndex(1);
                encoder.writeFixed(spill.read(imageSpill[img]));
            }
        }
        encoder.writeArrayStart();
        encoder.setItemCount(to - from);
        for (int k = from; k < to; k++) {
            encoder.startItem();
            itemSpill.writeTo((int) order[k], img, encoder);
        }
        encoder.writeArrayEnd();
        encoder.writeFixed(provenanceBytes);
        encoder.flush();
        return buf.toByteArray();
    }

    /** A panoptic event: its one element per image (item -1: none), decoded and completed with image and provenance. */
    private PanopticEvent panopticEvent(int img, int item, Provenance prov) throws IOException {
        Image image = imageSpill[img] < 0 ? null : decode(imageSpill[img], Image.class);
        PanopticEvent e = item < 0 ? PanopticEvent.newBuilder().setImageId(imageIds[img]).setProvenance(prov).build()
                : decoder.decode(PanopticEvent.class, itemSpill.read(item, img));
        e.setImage(image);
        e.setProvenance(prov);
        return e;
    }
}
