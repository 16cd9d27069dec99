package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.PanopticPng;
import io.cocostream.rules.FormatAlerts;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RejectedAnnotation;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * What pass 1 keeps of a file, whichever reader reads it: images in an {@link ImageIndex} (their
 * records spilled), every annotation as Avro bytes in an {@link ItemSpill} with its image ordinal,
 * categories, and dead letters. Elements arrive as trees (converted here, or dead-lettered with
 * what is wrong) or already encoded by the fast readers; both give the same records.
 */
final class Intake implements Closeable {
    /** Thrown by a reader that meets annotations before images: the coordinator preloads the images and reads again. */
    static final class ImagesFirst extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImagesFirst() {
            super(null, null, false, false);
        }
    }

    final Kind kind;
    final String sourceFile;
    final ImageIndex images = new ImageIndex();
    /** Annotations, by image range. */
    final ItemSpill items;
    /** Images and dead letters. */
    final Spill spill;
    final List<Category> categories = new ArrayList<>();
    final List<Integer> deadLetters = new ArrayList<>();
    /** Provenance without a batch id: pass 1 knows none yet (it is the file's hash). */
    final Provenance provenance;
    private final Path file;
    private final PanopticPngs pngs;
    private final AvroWriter avro = new AvroWriter();
    // Annotations in file order: their image ordinals.
    private int[] itemImage = new int[1024];
    private int itemCount;
    /** Annotation ids seen (image ids for panoptic, one element per image); dropped after pass 1. */
    private LongSet ids;
    private String firstError;
    private boolean truncated;
    private boolean imagesPreloaded;
    /** Image ids whose record was dead-lettered: the dead letter's index and the annotations left out with it. */
    private final Map<Long, int[]> brokenImages = new HashMap<>();
    /** Dead-lettered annotations of known images: (ordinal << 32 | spill index), in file order. */
    private long[] rejected = new long[16];
    private int rejectedCount;

    /**
     * An empty intake for {@code file}, spilling into {@code spillDir}; {@code expected}
     * annotations size the index once.
     */
    Intake(Ingest.Options options, Kind kind, int expected) throws IOException {
        this.file = options.file();
        this.kind = kind;
        this.sourceFile = file.getFileName().toString();
        Spill.removeStale(options.spillDir());
        this.items = new ItemSpill(options.spillDir(), expected, Files.size(file));
        this.spill = new Spill(options.spillDir());
        this.ids = new LongSet(expected);
        this.pngs = new PanopticPngs(options.pngDir() != null ? options.pngDir() : PanopticPng.folderOf(file));
        this.provenance = Provenance.newBuilder().setBatchId("").setSourceFile(sourceFile)
                .setProducer(options.producer()).setIngestTime(Instant.now()).build();
    }

    /** Reads the file's images first, for a file whose annotations come before them; the readers then skip images. */
    void preloadImages() {
        new CocoJsonReader(file).scan(Set.of("images"), (s, i, e, at) -> element(s, i, e, at));
        imagesPreloaded = true;
    }

    /** Whether {@link #preloadImages} ran. */
    boolean imagesPreloaded() {
        return imagesPreloaded;
    }

    /** One element as a tree: converted and kept, or a dead letter saying what is wrong. */
    void element(String section, long index, JsonNode e, Location at) {
        try {
            switch (section) {
                case "images" -> image(e, at);
                case "categories" -> categories.add(Converters.category(kind, e, at, provenance));
                default -> annotation(e, index, at);
            }
        } catch (CocoFormatException ex) {
            if (section.equals("images")) {
                brokenImage(e, ex);
                return;
            }
            if (!section.equals("categories") && ofBrokenImage(e)) {
                return; // one root cause, one error: counted on the image's dead letter
            }
            Long id = section.equals("categories") ? null : annotationId(e, index);
            boolean named = !section.equals("categories") && reject(e, id, ex);
            dead(ex, e, !section.equals("categories"), id, named);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Notes a dead-lettered annotation on its image's event, when its image can be read and is one
     * of the file's: the image's views are then marked INVALID and an alert names it. Returns
     * whether it did.
     */
    private boolean reject(JsonNode e, Long id, CocoFormatException ex) {
        Long imageId = e == null ? null : longOrNull(e.get("image_id"));
        int ordinal = imageId == null ? -1 : images.ordinalOf(imageId);
        if (ordinal < 0) {
            return false; // no image of this file to mark: the dead letter says it all
        }
        Location at = ex.location();
        RejectedAnnotation r = RejectedAnnotation.newBuilder().setId(id)
                .setJsonPath(at == null ? "" : at.jsonPath()).setLine(line(at)).setColumn(column(at))
                .setReason(ex.reason()).build();
        try {
            if (rejectedCount == rejected.length) {
                rejected = Arrays.copyOf(rejected, rejectedCount * 2);
            }
            rejected[rejectedCount++] = ((long) ordinal << 32) | spill.append(avro.encode(r));
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
        return true;
    }

    /**
     * The rejected annotations sorted by image ordinal: ordinal in the high 32 bits, the spill index
     * of their RejectedAnnotation record in the low.
     */
    long[] rejectedOrder() {
        long[] order = Arrays.copyOf(rejected, rejectedCount);
        Arrays.sort(order);
        return order;
    }

    /**
     * Keeps an annotation a fast reader encoded; false when it was rejected (null), is of an unknown
     * image or repeats an id: then the tree path must say what is wrong, raw JSON in hand.
     */
    boolean fastAnnotation(byte[] item, long imageId, long id) throws IOException {
        int ordinal = item == null ? -1 : images.ordinalOf(imageId);
        if (ordinal >= 0 && ids.add(id)) {
            addItem(ordinal, item);
            return true;
        }
        return false;
    }

    /** Keeps an image; false when its id was seen before (the caller says so, raw JSON in hand). */
    boolean keepImage(Image img) throws IOException {
        if (images.ordinalOf(img.getId()) >= 0) {
            return false;
        }
        images.add(img.getId(), img.getHeight(), img.getWidth(), spill.append(avro.encode(img)));
        return true;
    }

    /** The file is malformed or truncated here: what was read is kept, the rest is this dead letter. */
    void truncated(CocoFormatException e) {
        truncated = true;
        dead(e, null, false, null, false);
    }

    /** An image record that cannot be read: one dead letter, on which its annotations are counted. */
    private void brokenImage(JsonNode e, CocoFormatException ex) {
        Long id = e == null ? null : longOrNull(e.get("id"));
        dead(ex, e, false, null, false);
        if (id != null && images.ordinalOf(id) < 0) {
            brokenImages.put(id, new int[] {deadLetters.size() - 1, 0});
        }
    }

    /** Whether an annotation is of an image whose record was dead-lettered (then counted on it). */
    private boolean ofBrokenImage(JsonNode e) {
        Long imageId = e == null ? null : longOrNull(e.get("image_id"));
        int[] broken = imageId == null ? null : brokenImages.get(imageId);
        if (broken == null || images.ordinalOf(imageId) >= 0) {
            return false;
        }
        broken[1]++;
        return true;
    }

    /** Each broken image's dead letter says how many annotations were left out with it. */
    private void countOnBrokenImages() throws IOException {
        for (Map.Entry<Long, int[]> b : brokenImages.entrySet()) {
            int[] at = b.getValue();
            if (at[1] == 0) {
                continue;
            }
            DeadLetter d = new RecordDecoder().decode(DeadLetter.class, spill.read(deadLetters.get(at[0])));
            d.setReason(d.getReason() + "; its " + at[1] + " annotation" + (at[1] == 1 ? " was" : "s were")
                    + " left out with it");
            deadLetters.set(at[0], spill.append(avro.encode(d)));
        }
    }

    /** Pass 1 is over: the id set goes, pass 2 needs the heap more. */
    void readDone() throws IOException {
        ids = null;
        spill.flush();
        countOnBrokenImages();
        spill.flush();
        items.flush();
    }

    /** Annotations kept. */
    int annotations() {
        return itemCount;
    }

    /** Annotations sorted by (image ordinal, file position): ordinal in the high 32 bits, item index in the low. */
    long[] annotationOrder() {
        long[] order = new long[itemCount];
        for (int i = 0; i < itemCount; i++) {
            order[i] = ((long) itemImage[i] << 32) | i;
        }
        itemImage = null;
        Arrays.sort(order);
        return order;
    }

    /** The hash of the PNGs a panoptic delivery named, null for other kinds. */
    byte[] pngDigest() {
        return pngs.digest();
    }

    /** The first problem found, for the summary. */
    String firstError() {
        return firstError;
    }

    /** Whether the file broke off (malformed or truncated JSON). */
    boolean isTruncated() {
        return truncated;
    }

    private void image(JsonNode e, Location at) throws IOException {
        Image img = Converters.image(e, at);
        if (!keepImage(img)) {
            throw new CocoFormatException(Json.at(at, "id"), "duplicate image id " + img.getId());
        }
    }

    private void annotation(JsonNode e, long index, Location at) throws IOException {
        long imageId = Json.requireLong(e, "image_id", at);
        int ordinal = images.ordinalOf(imageId);
        if (ordinal < 0) {
            if (kind != Kind.RESULTS) {
                throw new CocoFormatException(Json.at(at, "image_id"), "annotation of unknown image " + imageId);
            }
            ordinal = images.add(imageId, 0, 0, -1);
        }
        Converters.ImageSize size = images.spillIndex(ordinal) < 0 ? Converters.ImageSize.UNKNOWN
                : new Converters.ImageSize(images.height(ordinal), images.width(ordinal));
        SpecificRecord item = switch (kind) {
            case INSTANCES, STUFF -> Converters.instance(e, at, size);
            case PERSON_KEYPOINTS -> Converters.keypoints(e, at, size);
            case CAPTIONS -> Converters.caption(e, at);
            case DENSEPOSE -> Converters.densepose(e, at, size);
            case RESULTS -> Converters.result(e, index, at, size);
            case PANOPTIC -> pngs.event(e, at, imageId, images.height(ordinal), images.width(ordinal), provenance);
        };
        if (kind == Kind.PANOPTIC) {
            // One element per image: a second one for the same image is a duplicate delivery.
            if (!ids.add(imageId)) {
                throw new CocoFormatException(Json.at(at, "image_id"), "second panoptic annotation of image " + imageId);
            }
        } else if (kind != Kind.RESULTS) { // loadRes numbers results itself
            long id = ((Number) item.get(item.getSchema().getField("id").pos())).longValue();
            if (!ids.add(id)) {
                throw new CocoFormatException(Json.at(at, "id"), "duplicate annotation id " + id);
            }
        }
        addItem(ordinal, avro.encode(item));
    }

    private void addItem(int ordinal, byte[] encoded) throws IOException {
        if (itemCount == itemImage.length) {
            itemImage = Arrays.copyOf(itemImage, Math.max(itemCount + (itemCount >> 1), items.capacity()));
        }
        itemImage[itemCount] = ordinal;
        items.append(ordinal, kind == Kind.RESULTS ? 0 : images.size(), encoded);
        itemCount++;
    }

    /**
     * A dead letter for {@code ex}, with the raw element and, when they can be read from it, its
     * image and annotation ids ({@code annotation} is the element when it is an annotation).
     */
    /** An annotation's id as it can be read (a result's is loadRes's, its 1-based place in the file). */
    private Long annotationId(JsonNode e, long index) {
        return kind == Kind.RESULTS ? Long.valueOf(index + 1) : e == null ? null : longOrNull(e.get("id"));
    }

    private void dead(CocoFormatException ex, JsonNode raw, boolean annotation, Long annotationId, boolean namedOnEvent) {
        if (firstError == null) {
            firstError = ex.getMessage();
        }
        Location at = ex.location();
        JsonNode image = raw == null ? null : annotation ? raw.get("image_id") : raw.get("id");
        DeadLetter d = DeadLetter.newBuilder().setReason(ex.reason()).setStage(FormatAlerts.INGEST_STAGE).setSourceFile(sourceFile)
                .setJsonPath(at == null ? null : at.jsonPath()).setLine(line(at)).setColumn(column(at))
                .setRaw(raw == null ? null : raw.toString())
                .setImageId(longOrNull(image)).setAnnotationId(annotationId).setKind(kind.id())
                .setNamedOnEvent(namedOnEvent)
                .setOccurredAt(Instant.now()).build();
        try {
            deadLetters.add(spill.append(avro.encode(d)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Integer line(Location at) {
        return at == null || at.line() < 0 ? null : (int) at.line();
    }

    private static Integer column(Location at) {
        return at == null || at.column() < 0 ? null : (int) at.column();
    }

    /** A JSON integer within 64 bits, else null. */
    private static Long longOrNull(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : null;
    }

    @Override
    public void close() throws IOException {
        try (Spill a = spill; ItemSpill b = items) {
            // both closed, and their files deleted, even if one fails
        }
    }
}
