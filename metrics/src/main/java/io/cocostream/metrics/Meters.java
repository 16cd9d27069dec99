package io.cocostream.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;

/**
 * cocostream's own meters, by the names dashboards query (Prometheus adds {@code _total} to a
 * counter and {@code _seconds} to a timer): one place for every name and tag, as {@code Topics} is
 * for topics. A {@code Meters} over no registry counts nothing ({@link #NONE}).
 */
public final class Meters {
    /** Per-image events the topology validated ({@code cocostream_events_total{kind}}). */
    public static final String EVENTS = "cocostream.events";
    /** Annotations in them ({@code cocostream_annotations_validated_total{kind}}). */
    public static final String ANNOTATIONS_VALIDATED = "cocostream.annotations.validated";
    /** Alerts written to coco.alerts.v1 ({@code cocostream_alerts_total{rule,severity}}). */
    public static final String ALERTS = "cocostream.alerts";
    /** Records dead-lettered ({@code cocostream_dead_letters_total{reason}}). */
    public static final String DEAD_LETTERS = "cocostream.dead.letters";
    /** Values written to a view topic ({@code cocostream_view_updates_total{view}}). */
    public static final String VIEW_UPDATES = "cocostream.view.updates";
    /** Bytes of delivered files ingested ({@code cocostream_ingest_bytes_total}). */
    public static final String INGEST_BYTES = "cocostream.ingest.bytes";
    /** Images ingested ({@code cocostream_ingest_images_total{kind}}). */
    public static final String INGEST_IMAGES = "cocostream.ingest.images";
    /** One delivery's ingest, start to final manifest ({@code cocostream_batch_seconds}). */
    public static final String BATCH = "cocostream.batch";
    /** Its histogram's buckets, from a small delivery to a train2017-size one (a dashboard's quantiles). */
    private static final Duration[] BATCH_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10)};
    /** The Streams app's lag per input partition ({@code cocostream_consumer_lag_records{topic,partition}}). */
    public static final String CONSUMER_LAG = "cocostream.consumer.lag.records";

    /** Counts nothing: for code run without a registry (tests, offline tools). */
    public static final Meters NONE = new Meters(new CompositeMeterRegistry());

    private final MeterRegistry registry;

    public Meters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry the meters are in. */
    public MeterRegistry registry() {
        return registry;
    }

    public void event(String kind, long annotations) {
        registry.counter(EVENTS, "kind", kind).increment();
        registry.counter(ANNOTATIONS_VALIDATED, "kind", kind).increment(annotations);
    }

    public void alert(String rule, String severity) {
        registry.counter(ALERTS, "rule", rule, "severity", severity).increment();
    }

    public void deadLetter(String reason) {
        registry.counter(DEAD_LETTERS, "reason", reason).increment();
    }

    public void viewUpdate(String view) {
        registry.counter(VIEW_UPDATES, "view", view).increment();
    }

    /** One delivery ingested: its bytes, images and how long it took. */
    public void ingested(String kind, long bytes, long images, Duration took) {
        registry.counter(INGEST_BYTES).increment(bytes);
        registry.counter(INGEST_IMAGES, "kind", kind).increment(images);
        Timer.builder(BATCH).tag("kind", kind).serviceLevelObjectives(BATCH_BUCKETS).register(registry).record(took);
    }
}
