package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bench's CPU account by thread: names grouped as the figures print them, and a busy thread counted. */
class ThreadCpuTest {
    @Test
    void threadsAreGroupedByTheirRoleEachStreamThreadApart() {
        assertEquals("StreamThread-2", ThreadCpu.group("bench-validation-1f2e-9c0a-StreamThread-2"));
        assertEquals("kafka-producer-network-thread (Streams)",
                ThreadCpu.group("kafka-producer-network-thread | bench-validation-1f2e-9c0a-StreamThread-1-producer"));
        assertEquals("kafka-producer-network-thread", ThreadCpu.group("kafka-producer-network-thread | producer-7"));
        assertEquals("data-plane-kafka-request-handler-N", ThreadCpu.group("data-plane-kafka-request-handler-1"));
        assertEquals("GlobalStreamThread", ThreadCpu.group("bench-validation-1f2e-GlobalStreamThread"));
    }

    @Test
    void aThreadBusySinceTheStartIsCountedUnderItsGroup() throws InterruptedException {
        // Given the account started, when a thread spins for a while
        ThreadCpu cpu = ThreadCpu.start();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sink = new AtomicLong();
        Thread busy = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += x * 31 + 7;
            }
            sink.set(x);
        }, "busy-thread-7");
        busy.start();
        Thread.sleep(400);
        Map<String, Double> groups = cpu.groups();
        stop.set(true);
        busy.join();
        // Then its group has the time it ran, beside the rest of the process
        assertTrue(groups.getOrDefault("busy-thread-N", 0.0) > 0.1, groups.toString());
        assertTrue(groups.containsKey(ThreadCpu.NOT_JAVA), groups.toString());
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertTrue(groups.containsKey("JIT") && groups.containsKey("GC"), "the JVM's own threads, from /proc: " + groups);
        }
        assertTrue(ThreadCpu.shares(groups, 3).contains("busy-thread-N"), ThreadCpu.shares(groups, 3));
    }
}
