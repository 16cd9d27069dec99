package io.cocostream.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /metrics} serves, in Prometheus' text format: cocostream's {@link Meters}, the JVM's
 * (memory, GC, threads, classes, CPU, uptime) and, once bound, a Kafka Streams app's own metrics
 * with its clients' (Micrometer's binder). One per process; closing it unbinds them.
 */
public final class Prometheus implements AutoCloseable {
    /** The text format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Meters meters = new Meters(registry);
    private final List<AutoCloseable> bound = new ArrayList<>();

    public Prometheus() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bound.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public Meters meters() {
        return meters;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Adds a Kafka Streams app's metrics (its threads, tasks, stores and clients). */
    public void bind(KafkaStreams streams) {
        KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams);
        m.bindTo(registry);
        bound.add(m);
    }

    /**
     * Adds a Kafka client's own metrics (Micrometer's {@code KafkaClientMetrics}: {@code kafka_producer_*})
     * until the returned handle is closed, which removes them with the client.
     */
    public AutoCloseable bind(Producer<?, ?> producer) {
        KafkaClientMetrics m = new KafkaClientMetrics(producer);
        m.bindTo(registry);
        return m;
    }

    /** Every meter now, in the text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable c : bound) {
            try {
                c.close();
            } catch (Exception e) {
                // a binder that cannot let go: the registry closes below anyway
            }
        }
        registry.close();
    }
}
