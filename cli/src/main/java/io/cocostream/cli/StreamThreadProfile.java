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
 * (running Java) and each native sample (in JNI such as RocksDB, or a socket wait) of a thread named
 * {@code *StreamThread-*} is put under the first frame from the top that belongs to a part (masks,
 * rules, serde, store, producer, consumer, topology); time parked (waiting on a lock or a future, 1
 * ms or more) is summed beside. JFR samples a few threads each period, so the shares are what
 * counts, not the sample totals; Java and native samples are counted apart (their rates differ).
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

    /** Samples per part ("other" for the rest), running Java and in native code, and the seconds parked. */
    record Parts(Map<String, Long> java, Map<String, Long> inNative, double parkedSeconds) {
        /** {@code part share%, ...} of one kind of sample. */
        static String shares(Map<String, Long> samples) {
            long total = samples.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder s = new StringBuilder();
            samples.forEach((p, n) -> {
                if (n > 0) {
                    s.append(s.length() == 0 ? "" : ", ").append(String.format("%s %.0f%%", p, 100.0 * n / total));
                }
            });
            return total + " samples: " + s;
        }
    }

    /** Stops recording and reads where the stream threads were. */
    Parts parts() throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Long> java = empty();
        Map<String, Long> inNative = empty();
        double parked = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ThreadPark")) {
                if (isStreamThread(e.getThread())) {
                    parked += e.getDuration().toNanos() / 1e9;
                }
            } else if ((type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample"))
                    && isStreamThread(e.getThread("sampledThread")) && e.getStackTrace() != null) {
                (type.equals("jdk.ExecutionSample") ? java : inNative).merge(part(e.getStackTrace().getFrames()), 1L, Long::sum);
            }
        }
        return new Parts(java, inNative, parked);
    }

    private static Map<String, Long> empty() {
        Map<String, Long> m = new LinkedHashMap<>();
        PARTS.forEach(p -> m.put(p.getKey(), 0L));
        m.put("other", 0L);
        return m;
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
