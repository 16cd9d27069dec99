package io.cocostream.ingest;

import io.cocostream.rules.FormatAlerts;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RejectedAnnotation;
import io.cocostream.schemas.avro.ResultAnnotation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;

/**
 * Pass 2: walks the images of an {@link Intake} in file order and writes one event per image to
 * an {@link EventSink} (every annotation in exactly one event, an image without any with an empty
 * list), after the categories and dead letters. Events are committed in chunks of images, each
 * with an IN_PROGRESS manifest, so a rerun resumes after the last committed chunk; the final
 * manifest comes last, covers every run of the batch, and a finished batch is not written again.
 *
 * <p>A file that did not parse to its end writes no event and no category, only its dead letters
 * and a FAILED manifest: nothing consumers already have changes. An image with more annotations
 * than allowed, or whose event would exceed what the sink can carry, is a dead letter (its id,
 * annotation count and size, found from the spill index before anything is assembled); the other
 * images are written.
 */
final class BatchWriter {
    private final Intake in;
    private final Path file;
    private final int chunkImages;
    private final int maxAnnotationsPerImage;
    private final Kind kind;
    /** A results file's run (null for any other kind). */
    private final String run;
    /** What the run's earlier batches hold: this batch's result ids continue after theirs, as loadRes numbers the run. */
    private long resultIdOffset;
    private final AvroWriter avro = new AvroWriter();
    private final AvroWriter itemAvro = new AvroWriter();
    private final RecordDecoder decoder = new RecordDecoder();
    private final Map<String, Long> perTopic = new TreeMap<>();
    private byte[] provenanceBytes;
    /** Images dead-lettered as too large, over the whole batch (earlier runs' too). */
    private long oversized;
    private String firstError;
    /** An event's bytes beyond its image and annotations: image id, provenance, framing. */
    private static final long EVENT_OVERHEAD_BYTES = 1024;

    BatchWriter(Intake in, Path file, int chunkImages, int maxAnnotationsPerImage, String run) {
        this.in = in;
        this.file = file;
        this.chunkImages = chunkImages;
        this.maxAnnotationsPerImage = maxAnnotationsPerImage;
        this.kind = in.kind;
        this.run = kind == Kind.RESULTS ? run : null;
    }

    /** Writes batch {@code batchId} of the file whose hash is {@code sha256} to {@code sink}. */
    Ingest.Result write(EventSink sink, String batchId, String sha256, Ingest.Progress progress) throws IOException {
        Instant started = Instant.now();
        firstError = in.firstError();
        BatchManifest last = sink.lastManifest(batchId).orElse(null);
        if (last != null && last.getStatus() != BatchStatus.IN_PROGRESS) {
            return new Ingest.Result(batchId, kind, last.getStatus(), last.getImages(), last.getAnnotations(),
                    last.getCategories(), last.getDeadLetters(), true, last.getImages(), in.firstError());
        }
        long resumeAfter = last == null ? 0 : last.getImages();
        if (run != null) {
            for (BatchManifest earlier : sink.runManifests(run)) {
                if (!earlier.getBatchId().equals(batchId) && earlier.getStatus() != BatchStatus.IN_PROGRESS
                        && earlier.getStatus() != BatchStatus.FAILED) {
                    resultIdOffset += earlier.getAnnotations() + earlier.getDeadLetters();
                }
            }
        }
        if (last != null) {
            // The final manifest describes the whole batch: what earlier runs wrote counts too.
            last.getRecordsPerTopic().forEach(perTopic::put);
            sink.carryRanges(last.getRanges());
        }
        Provenance prov = Provenance.newBuilder(in.provenance).setBatchId(batchId).build();
        if (in.isTruncated()) {
            return failed(sink, batchId, sha256, started, progress);
        }
        if (resumeAfter == 0) {
            for (Category c : in.categories) {
                c.setProvenance(prov);
                sink.send(Topics.CATEGORIES, kind.key(c.getId()), c);
            }
            count(Topics.CATEGORIES, in.categories.size());
            sendDeadLetters(sink, batchId);
        }
        ImageIndex images = in.images;
        long[] order = in.annotationOrder();
        long[] rejected = in.rejectedOrder();
        long published = resumeAfter;
        long maxBytes = sink.maxRecordBytes();
        for (int img = 0, next = 0, nextRejected = 0; img < images.size(); img++) {
            // This image's annotations are order[from, next), their item indices in the low 32 bits.
            int from = next;
            while (next < order.length && (int) (order[next] >>> 32) == img) {
                next++;
            }
            // Likewise its rejected annotations, rejected[fromRejected, nextRejected).
            int fromRejected = nextRejected;
            while (nextRejected < rejected.length && (int) (rejected[nextRejected] >>> 32) == img) {
                nextRejected++;
            }
            String tooLarge = tooLarge(img, order, from, next, maxBytes);
            if (tooLarge != null) {
                oversized++;
                if (img >= resumeAfter) {
                    sink.send(Topics.DEAD_LETTERS, null, oversizedLetter(img, batchId, tooLarge));
                    count(Topics.DEAD_LETTERS, 1);
                }
            }
            if (img < resumeAfter || tooLarge != null) {
                continue;
            }
            List<byte[]> rejectedHere = fromRejected == nextRejected ? List.of() : new ArrayList<>();
            for (int k = fromRejected; k < nextRejected; k++) {
                rejectedHere.add(in.spill.read((int) rejected[k]));
            }
            if (kind == Kind.PANOPTIC) {
                sink.send(kind.topic(), images.id(img), panopticEvent(img, from == next ? -1 : (int) order[from], prov,
                        rejectedHere));
            } else {
                sink.sendEncoded(kind.topic(), images.id(img), eventSchema(),
                        encodedEvent(img, order, from, next, prov, rejectedHere));
            }
            count(kind.topic(), 1);
            published++;
            if (published % chunkImages == 0) {
                sink.commit(manifest(batchId, sha256, started, BatchStatus.IN_PROGRESS, published, sink));
                progress.publishing(published, images.size());
            }
        }
        BatchStatus status = deadLetters() == 0 ? BatchStatus.COMPLETE : BatchStatus.COMPLETE_WITH_DEAD_LETTERS;
        count(Topics.BATCHES, 1);
        sink.commit(manifest(batchId, sha256, started, status, images.size(), sink));
        progress.publishing(images.size(), images.size());
        return new Ingest.Result(batchId, kind, status, images.size(), in.annotations(), in.categories.size(),
                deadLetters(), false, resumeAfter, firstError);
    }

    /** A file that broke off: its dead letters and a FAILED manifest, nothing else. */
    private Ingest.Result failed(EventSink sink, String batchId, String sha256, Instant started,
            Ingest.Progress progress) throws IOException {
        sendDeadLetters(sink, batchId);
        count(Topics.BATCHES, 1);
        BatchManifest m = manifest(batchId, sha256, started, BatchStatus.FAILED, 0, sink);
        m.setAnnotations(0L);
        m.setCategories(0L);
        sink.commit(m);
        progress.publishing(0, 0);
        return new Ingest.Result(batchId, kind, BatchStatus.FAILED, 0, 0, 0, deadLetters(), false, 0, firstError);
    }

    /** Pass 1's dead letters, with the batch they belong to. */
    private void sendDeadLetters(EventSink sink, String batchId) throws IOException {
        for (int d : in.deadLetters) {
            DeadLetter dl = decoder.decode(DeadLetter.class, in.spill.read(d));
            dl.setBatchId(batchId);
            sink.send(Topics.DEAD_LETTERS, null, dl);
        }
        count(Topics.DEAD_LETTERS, in.deadLetters.size());
    }

    /** Why image {@code img}'s event cannot be published (annotations order[from, to)), null when it can. */
    private String tooLarge(int img, long[] order, int from, int to, long maxBytes) throws IOException {
        int n = to - from;
        if (n > maxAnnotationsPerImage) {
            return "image " + in.images.id(img) + " has " + n + " annotations, more than the "
                    + maxAnnotationsPerImage + " an image may have (--max-annotations-per-image)";
        }
        if (maxBytes == Long.MAX_VALUE) {
            return null;
        }
        long bytes = EVENT_OVERHEAD_BYTES;
        if (in.images.spillIndex(img) >= 0) {
            bytes += in.spill.length(in.images.spillIndex(img));
        }
        for (int k = from; k < to && bytes <= maxBytes; k++) {
            bytes += in.items.length((int) order[k], img) + 2;
        }
        if (bytes <= maxBytes) {
            return null;
        }
        return "image " + in.images.id(img) + "'s event would be over " + bytes + " bytes (" + n
                + " annotations), more than the " + maxBytes + " a record may have (the producer's max.request.size)";
    }

    private DeadLetter oversizedLetter(int img, String batchId, String reason) {
        if (firstError == null) {
            firstError = reason;
        }
        return DeadLetter.newBuilder().setReason(reason).setStage(FormatAlerts.INGEST_STAGE).setSourceFile(in.sourceFile)
                .setImageId(in.images.id(img)).setKind(kind.id())
                .setBatchId(batchId).setJsonPath(in.images.spillIndex(img) < 0 ? null : "$.images[" + img + "]")
                .setOccurredAt(Instant.now()).build();
    }

    private long deadLetters() {
        return in.deadLetters.size() + oversized;
    }

    private void count(String topic, long n) {
        if (n > 0) {
            perTopic.merge(topic, n, Long::sum);
        }
    }

    private BatchManifest manifest(String batchId, String sha256, Instant started, BatchStatus status, long imagesDone,
            EventSink sink) throws IOException {
        return BatchManifest.newBuilder().setBatchId(batchId).setSourceFile(in.sourceFile).setSha256(sha256)
                .setSizeBytes(Files.size(file)).setKind(kind.id()).setProducer(in.provenance.getProducer())
                .setStartedAt(started).setCompletedAt(Instant.now()).setStatus(status).setImages(imagesDone)
                .setAnnotations(in.annotations()).setCategories(in.categories.size())
                .setDeadLetters(deadLetters()).setRecordsPerTopic(new TreeMap<>(perTopic))
                .setRanges(sink.ranges()).setCategoryIds(in.categories.stream().map(Category::getId).toList())
                .setRun(run).build();
    }

    /** The event schema of this kind. */
    private Schema eventSchema() {
        return Topics.spec(kind.topic()).valueSchema();
    }

    /**
     * An event assembled from its encoded parts, without decoding them: every per-image event but
     * panoptic's is image_id, image (union, absent for results), annotations (array), provenance,
     * rejected (array), and for results the run.
     */
    private byte[] encodedEvent(int img, long[] order, int from, int to, Provenance prov, List<byte[]> rejected)
            throws IOException {
        if (provenanceBytes == null) {
            provenanceBytes = avro.encode(prov);
        }
        ImageIndex images = in.images;
        BinaryEncoder e = avro.begin();
        e.writeLong(images.id(img));
        if (kind != Kind.RESULTS) {
            if (images.spillIndex(img) < 0) {
                e.writeIndex(0);
            } else {
                e.writeIndex(1);
                e.writeFixed(in.spill.read(images.spillIndex(img)));
            }
        }
        e.writeArrayStart();
        e.setItemCount(to - from);
        for (int k = from; k < to; k++) {
            e.startItem();
            if (resultIdOffset == 0) {
                in.items.writeTo((int) order[k], img, e);
            } else {
                ResultAnnotation r = decoder.decode(ResultAnnotation.class, in.items.read((int) order[k], img));
                r.setId(r.getId() + resultIdOffset);
                e.writeFixed(itemAvro.encode(r));
            }
        }
        e.writeArrayEnd();
        e.writeFixed(provenanceBytes);
        e.writeArrayStart();
        e.setItemCount(rejected.size());
        for (byte[] r : rejected) {
            e.startItem();
            if (resultIdOffset == 0) {
                e.writeFixed(r);
            } else {
                RejectedAnnotation x = decoder.decode(RejectedAnnotation.class, r);
                x.setId(x.getId() == null ? null : x.getId() + resultIdOffset);
                e.writeFixed(itemAvro.encode(x));
            }
        }
        e.writeArrayEnd();
        if (kind == Kind.RESULTS) {
            e.writeString(run);
        }
        return avro.end();
    }

    /** A panoptic event: its one element per image (item -1: none), decoded and completed with image and provenance. */
    private PanopticEvent panopticEvent(int img, int item, Provenance prov, List<byte[]> rejected) throws IOException {
        ImageIndex images = in.images;
        Image image = images.spillIndex(img) < 0 ? null
                : decoder.decode(Image.class, in.spill.read(images.spillIndex(img)));
        PanopticEvent e = item < 0 ? PanopticEvent.newBuilder().setImageId(images.id(img)).setProvenance(prov).build()
                : decoder.decode(PanopticEvent.class, in.items.read(item, img));
        e.setImage(image);
        e.setProvenance(prov);
        List<RejectedAnnotation> r = new ArrayList<>();
        for (byte[] b : rejected) {
            r.add(decoder.decode(RejectedAnnotation.class, b));
        }
        e.setRejected(r);
        return e;
    }
}
