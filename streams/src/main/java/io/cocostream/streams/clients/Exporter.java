package io.cocostream.streams.clients;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cocostream.mask.Masks;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.ResultAnnotation;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationStatus;
import io.cocostream.streams.coco.CocoJson;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code cocostream export}: a COCO file of one kind written from the views, streaming (images,
 * then annotations, then categories, each a pass over the views), so its memory does not grow
 * with the dataset. Panoptic PNGs are painted back from the segments' masks.
 */
public final class Exporter {
    /** The kinds that export, as {@code --kind} names them. */
    public static final List<Kind> KINDS = List.of(Kind.INSTANCES, Kind.PERSON_KEYPOINTS, Kind.CAPTIONS, Kind.PANOPTIC, Kind.STUFF);

    /** The latest view of every image (no tombstones), readable more than once. */
    public interface ViewSource {
        void forEach(Consumer<SpecificRecord> view) throws IOException;
    }

    /** What was written. */
    public record Summary(long images, long annotations, long categories, long skippedInvalid) {}

    private final Kind kind;
    private final boolean validOnly;
    private long images;
    private long annotations;
    private long skipped;

    private Exporter(Kind kind, boolean validOnly) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("cannot export kind '" + kind.id() + "': one of "
                    + KINDS.stream().map(Kind::id).toList());
        }
        this.kind = kind;
        this.validOnly = validOnly;
    }

    /** The view topic a kind exports from. */
    public static String topicOf(Kind kind) {
        return switch (kind) {
            case INSTANCES -> Topics.INSTANCES_VIEW;
            case PANOPTIC -> Topics.PANOPTIC_VIEW;
            default -> Topics.IMAGE_VIEW;
        };
    }

    /**
     * Writes {@code out} (and, for panoptic, one PNG per image into {@code pngDir}).
     *
     * @param categories every category known; those of {@code kind} are written
     * @param validOnly leave out annotations whose status is INVALID
     */
    public static Summary export(Kind kind, ViewSource views, Collection<Category> categories, Path out, Path pngDir,
            boolean validOnly) throws IOException {
        Exporter e = new Exporter(kind, validOnly);
        if (kind == Kind.PANOPTIC) {
            if (pngDir == null) {
                throw new IllegalArgumentException("a panoptic export needs --png-dir for its PNGs");
            }
            Files.createDirectories(pngDir);
        }
        List<Category> ofKind = categories.stream().filter(c -> c.getKind().equals(kind.id()))
                .sorted(Comparator.comparingInt(Category::getId)).toList();
        try (JsonGenerator g = new JsonFactory().createGenerator(out.toFile(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("images");
            views.forEach(v -> e.image(g, v));
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            views.forEach(v -> e.annotations(g, v, pngDir));
            g.writeEndArray();
            if (kind != Kind.CAPTIONS) {
                g.writeArrayFieldStart("categories");
                for (Category c : ofKind) {
                    CocoJson.category(g, c);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
        return new Summary(e.images, e.annotations, kind == Kind.CAPTIONS ? 0 : ofKind.size(), e.skipped);
    }

    /**
     * Writes one run's results from the results view as a results file: a JSON array in the run's
     * order (loadRes's ids), each result as loadRes completed it; only those that passed validation.
     */
    public static Summary exportRun(String run, ViewSource views, Path out) throws IOException {
        List<ResultAnnotation> results = new ArrayList<>();
        List<Long> imageOf = new ArrayList<>();
        Set<Long> images = new HashSet<>();
        views.forEach(v -> {
            if (v instanceof ResultsView rv && rv.getRun().equals(run)) {
                images.add(rv.getImageId());
                for (ResultAnnotation a : rv.getAnnotations()) {
                    results.add(a);
                    imageOf.add(rv.getImageId());
                }
            }
        });
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results of run '" + run + "' in " + Topics.RESULTS_VIEW);
        }
        Integer[] order = new Integer[results.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> results.get(i).getId()));
        try (JsonGenerator g = new JsonFactory().createGenerator(out.toFile(), JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (int i : order) {
                CocoJson.result(g, imageOf.get(i), results.get(i));
            }
            g.writeEndArray();
        }
        return new Summary(images.size(), results.size(), 0, 0);
    }

    /** Whether the view holds this kind's part of its image. */
    private boolean has(SpecificRecord v) {
        return switch (kind) {
            case INSTANCES -> v instanceof InstanceView;
            case PANOPTIC -> v instanceof PanopticView;
            default -> v instanceof ImageView iv && iv.getBatches().containsKey(kind.id());
        };
    }

    private void image(JsonGenerator g, SpecificRecord v) {
        if (!has(v)) {
            return;
        }
        images++;
        try {
            if (v instanceof InstanceView iv) {
                CocoJson.image(g, iv.getImageId(), iv.getImage());
            } else if (v instanceof PanopticView pv) {
                CocoJson.image(g, pv.getImageId(), pv.getImage());
            } else {
                ImageView iv = (ImageView) v;
                CocoJson.image(g, iv.getImageId(), iv.getImage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void annotations(JsonGenerator g, SpecificRecord v, Path pngDir) {
        if (!has(v)) {
            return;
        }
        try {
            if (v instanceof InstanceView iv) {
                instances(g, iv.getImageId(), iv.getAnnotations());
            } else if (v instanceof PanopticView pv) {
                annotations++;
                CocoJson.panoptic(g, pv);
                writePng(pv, pngDir.resolve(pv.getFileName()));
            } else {
                ImageView iv = (ImageView) v;
                // Keypoints and captions are kept as delivered: the view lists those an error marks INVALID.
                List<Long> invalid = iv.getInvalid().getOrDefault(kind.id(), List.of());
                switch (kind) {
                    case STUFF -> instances(g, iv.getImageId(), iv.getStuff());
                    case PERSON_KEYPOINTS -> {
                        for (KeypointAnnotation a : iv.getKeypoints()) {
                            if (keep(invalid.contains(a.getId()))) {
                                CocoJson.keypoints(g, a);
                            }
                        }
                    }
                    default -> {
                        for (Caption c : iv.getCaptions()) {
                            if (keep(invalid.contains(c.getId()))) {
                                CocoJson.caption(g, c);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether an annotation is written (counted either way). */
    private boolean keep(boolean invalid) {
        if (validOnly && invalid) {
            skipped++;
            return false;
        }
        annotations++;
        return true;
    }

    private void instances(JsonGenerator g, long imageId, List<ValidatedAnnotation> anns) throws IOException {
        for (ValidatedAnnotation a : anns) {
            if (keep(a.getStatus() == ValidationStatus.INVALID)) {
                CocoJson.annotation(g, imageId, a);
            }
        }
    }

    /** Paints each segment's mask with its id (R + 256·G + 256²·B); pixels of no segment stay void (0). */
    static void writePng(PanopticView v, Path file) throws IOException {
        Image im = v.getImage();
        if (im == null) {
            throw new IOException("image " + v.getImageId() + " has no size: cannot paint " + file.getFileName());
        }
        int h = im.getHeight();
        int w = im.getWidth();
        int[] pixels = new int[w * h];
        for (ValidatedAnnotation s : v.getAnnotations()) {
            RleMask m = s.getMask();
            if (m == null || m.getCounts() == null || m.getHeight() != h || m.getWidth() != w) {
                continue;
            }
            long id = s.getId();
            // The PNG stores the id's bytes as R, G, B (R = id % 256); setRGB wants 0xRRGGBB.
            int rgb = (int) ((id & 0xFF) << 16 | (id & 0xFF00) | ((id >> 16) & 0xFF));
            // Runs are column-major: walk them, no decoded mask needed.
            int[] counts = Masks.frString(m.getCounts(), h, w).counts();
            int p = 0;
            for (int i = 0; i < counts.length; i++) {
                if ((i & 1) == 1) {
                    for (int q = p; q < p + counts[i]; q++) {
                        pixels[(q % h) * w + q / h] = rgb;
                    }
                }
                p += counts[i];
            }
        }
        BufferedImage png = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        png.setRGB(0, 0, w, h, pixels, 0, w);
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(png, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }
}
