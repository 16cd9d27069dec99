package io.cocostream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the stream threads' time goes, from a JFR recording of this JVM: each execution sample
 * (Java code, every 10 ms) and native sample (JNI such as RocksDB, or a socket wait, every 20 ms) of
 * a thread named {@code *StreamThread-*} is put under the first frame from the top that belongs to a
 * part (masks, rules, serde, store, producer, consumer, topology), weighted by its period; time
 * parked (waiting on a lock or a future) is summed beside.
 */
final class StreamThreadProfile implements AutoCloseable {
    private static final Duration JAVA_PERIOD = Duration.ofMillis(10);
    private static final Duration NATIVE_PERIOD = Duration.ofMillis(20);
    /** Package prefixes of each part, the innermost matching frame decides. */
    private static final List<Map.Entry<String, List<String>>> PARTS = List.of(
            Map.entry("masks", List.of("io.cocostream.mask.")),
            Map.entry("rules", List.of("io.cocostream.rules.")),
            Map.entry("serde", List.of("org.apache.avro.", "io.cocostream.schemas.serde.", "io.cocostream.schemas.avro.")),
            Map.entry("store", List.of("org.rocksdb.", "org.apache.kafka.streams.state.")),
            Map.entry("producer", List.of("org.apache.kafka.clients.producer.", "org.apache.kafka.streams.processor.internals.RecordCollector",
                    "org.apache.kafka.streams.processor.internals.StreamsProducer")),
            Map.entry("consumer", List.of("org.apache.kafka.clients.consumer.", "org.apache.kafka.clients.NetworkClient")),
            Map.entry("topology", List.of("io.cocostream.streams.")));

    private final Recording recording = new Recording();
    private final Path file;

    private StreamThreadProfile(Path file) {
        this.file = file;
    }

    /** Starts recording; {@link #parts()} reads what was recorded until then. */
    static StreamThreadProfile start(Path dir) throws IOException {
        StreamThreadProfile p = new StreamThreadProfile(Files.createTempFile(dir, "stream-threads-", ".jfr"));
        p.recording.enable("jdk.ExecutionSample").withPeriod(JAVA_PERIOD);
        p.recording.enable("jdk.NativeMethodSample").withPeriod(NATIVE_PERIOD);
        p.recording.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(1)).withoutStackTrace();
        p.recording.start();
        return p;
    }

    /** Seconds of stream-thread time per part ("other" for the rest, "parked" for waits), in the parts' order. */
    Map<String, Double> parts() throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Double> seconds = new LinkedHashMap<>();
        PARTS.forEach(p -> seconds.put(p.getKey(), 0.0));
        seconds.put("other", 0.0);
        seconds.put("parked", 0.0);
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ThreadPark")) {
                if (isStreamThread(e.getThread())) {
                    seconds.merge("parked", e.getDuration().toNanos() / 1e9, Double::sum);
                }
                continue;
            }
            boolean java = type.equals("jdk.ExecutionSample");
            if (!java && !type.equals("jdk.NativeMethodSample") || !isStreamThread(e.getThread("sampledThread"))
                    || e.getStackTrace() == null) {
                continue;
            }
            double weight = (java ? JAVA_PERIOD : NATIVE_PERIOD).toNanos() / 1e9;
            seconds.merge(part(e.getStackTrace().getFrames()), weight, Double::sum);
        }
        return seconds;
    }

    private static boolean isStreamThread(RecordedThread t) {
        return t != null && t.getJavaName() != null && t.getJavaName().contains("StreamThread-");
    }

    private static String part(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String cls = f.getMethod().getType().getName();
            for (Map.Entry<String, List<String>> p : PARTS) {
                for (String prefix : p.getValue()) {
                    if (cls.startsWith(prefix)) {
                        return p.getKey();
                    }
                }
            }
        }
        return "other";
    }

    @Override
    public void close() throws IOException {
        recording.close();
        Files.deleteIfExists(file);
    }
}
