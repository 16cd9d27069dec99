package io.cocostream.ingest.offline;

import io.cocostream.ingest.DecodingSink;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KindDetector;
import io.cocostream.ingest.RecordDecoder;
import io.cocostream.rules.EventValidator;
import io.cocostream.rules.FormatAlerts;
import io.cocostream.rules.KeypointRules;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchManifest;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DeadLetter;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.ValidationAlert;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code cocostream check}: the validation rules without Kafka. The file goes through ingest's own
 * reading and regrouping (streaming, bounded memory), and each per-image event it would publish is
 * validated instead; records ingest refuses become {@code format} errors with their location.
 * Results files are only format-checked.
 */
public final class OfflineCheck extends DecodingSink {
    /** Rules keep scratch buffers, decoders reuse theirs: one of each per worker thread. */
    private final ThreadLocal<EventValidator> validator;
    private final ThreadLocal<RecordDecoder> decoders = ThreadLocal.withInitial(RecordDecoder::new);
    private final ExecutorService workers;
    /** Validations in flight, in event order, so that alerts come out in file order. */
    private final Deque<Future<List<ValidationAlert>>> inFlight = new ArrayDeque<>();
    private final Consumer<ValidationAlert> alerts;
    private final String sourceFile;
    private final Map<Integer, Category> categories = new ConcurrentHashMap<>();
    /** Every core validates; the reading thread decodes and keeps order. */
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    private static final int MAX_IN_FLIGHT = 256;
    private long errors;

    private OfflineCheck(Tolerances tol, String sourceFile, Consumer<ValidationAlert> alerts) {
        this.validator = ThreadLocal.withInitial(() -> new EventValidator(tol));
        this.workers = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "cocostream-check");
            t.setDaemon(true);
            return t;
        });
        this.sourceFile = sourceFile;
        this.alerts = alerts;
    }

    /** Checks a file, handing every alert to {@code alerts}; returns the number of error alerts. */
    public static long run(Path file, Path pngDir, Tolerances tol, Consumer<ValidationAlert> alerts) throws IOException {
        Kind kind = KindDetector.detect(file);
        OfflineCheck check = new OfflineCheck(tol, file.getFileName().toString(), alerts);
        // One delivery, one batch: ingest hands every batch id the same sink, and closes it at the end.
        Ingest.run(Ingest.Options.of(file).withKind(kind).withPngDir(pngDir).withProducer("check"), batch -> check,
                new Ingest.Progress() { });
        return check.errors;
    }

    private void emit(ValidationAlert a) {
        a.setSourceFile(sourceFile);
        if (a.getSeverity() == Severity.ERROR) {
            errors++;
        }
        alerts.accept(a);
    }

    @Override
    protected void accept(String topic, Object key, SpecificRecord value) {
        if (value instanceof Category c) {
            categories.put(c.getId(), c);
            KeypointRules.checkCategory(c).forEach(this::emit);
        } else if (value instanceof DeadLetter d) {
            // Every dead letter: check reports rejected annotations from here, not from their events.
            emit(FormatAlerts.of(d));
        } else if (!(value instanceof BatchManifest)) {
            submit(value);
        }
    }

    /** Events are decoded where they are validated: the reading thread only regroups the file. */
    @Override
    public void sendEncoded(String topic, Object key, Schema schema, byte[] body) {
        submit(() -> decoders.get().decode(schema, body));
    }

    private void submit(SpecificRecord event) {
        submit(() -> event);
    }

    private void submit(Supplier<SpecificRecord> event) {
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            emitNext();
        }
        inFlight.addLast(workers.submit(() -> validator.get().validate(event.get(), this::category)));
    }

    private void emitNext() {
        try {
            inFlight.removeFirst().get().forEach(this::emit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a rule failed: " + e.getCause(), e.getCause());
        }
    }

    /** A category by id; a delivery without categories cannot be checked against them, so all pass. */
    private Category category(int id) {
        return categories.isEmpty() ? UNCHECKED : categories.get(id);
    }

    /** Stands for any category of a delivery that has none: no keypoints, no isthing, nothing to check. */
    private static final Category UNCHECKED = Category.newBuilder().setKind("").setId(0).setName("")
            .setProvenance(io.cocostream.schemas.avro.Provenance.newBuilder().setBatchId("").setSourceFile("")
                    .setProducer("").setIngestTime(Instant.EPOCH).build())
            .build();

    @Override
    public void close() {
        try {
            while (!inFlight.isEmpty()) {
                emitNext();
            }
        } finally {
            workers.shutdownNow();
        }
    }
}
