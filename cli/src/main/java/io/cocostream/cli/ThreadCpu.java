package io.cocostream.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this process's CPU went between {@link #start()} and {@link #groups()}: each live Java
 * thread's CPU time, grouped by its name with numbers and client ids taken out (the broker's
 * request handlers, its log cleaner, their producers' I/O threads...; each stream thread apart);
 * the JVM's and RocksDB's own threads, which are not Java threads, from {@code /proc/self/task}
 * where there is one (GC, JIT, RocksDB's flushes and compactions); the rest (threads that ended) as
 * {@link #NOT_JAVA}.
 */
final class ThreadCpu {
    static final String NOT_JAVA = "ended threads and the rest";
    /** The native threads' groups by the start of their kernel name (15 characters at most). */
    private static final List<Map.Entry<String, List<String>>> NATIVE = List.of(
            Map.entry("GC", List.of("GC Thread", "G1 ")),
            Map.entry("JIT", List.of("C1 CompilerThre", "C2 CompilerThre")),
            Map.entry("RocksDB background", List.of("rocksdb:")),
            Map.entry("JVM", List.of("VM Thread", "VM Periodic")));
    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ, the unit of /proc's CPU times: 100 on every Linux the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private final Map<String, Long> nativeBefore;
    private final long processBefore;

    private ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            before.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        nativeBefore = nativeThreads();
        processBefore = processCpuNanos();
    }

    /** Takes every thread's CPU time now. */
    static ThreadCpu start() {
        return new ThreadCpu();
    }

    /** CPU seconds per thread group since {@link #start()}, largest first, {@link #NOT_JAVA} last. */
    Map<String, Double> groups() {
        Map<String, Long> nanos = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            long cpu = t == null ? -1 : threads.getThreadCpuTime(t.getThreadId());
            if (cpu > 0) {
                nanos.merge(group(t.getThreadName()), cpu - before.getOrDefault(t.getThreadId(), 0L), Long::sum);
            }
        }
        nativeThreads().forEach((thread, cpu) -> nanos.merge(thread.substring(thread.indexOf(' ') + 1),
                cpu - nativeBefore.getOrDefault(thread, 0L), Long::sum));
        long counted = nanos.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue() / 1e9));
        out.put(NOT_JAVA, Math.max(0, processCpuNanos() - processBefore - counted) / 1e9);
        return out;
    }

    /** {@code group cpu-s (share%), ...}: the {@code top} largest groups, the rest summed as "other threads". */
    static String shares(Map<String, Double> groups, int top) {
        double total = groups.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder s = new StringBuilder();
        double rest = 0;
        int shown = 0;
        for (Map.Entry<String, Double> e : groups.entrySet()) {
            if (shown < top || e.getKey().equals(NOT_JAVA)) {
                s.append(s.length() == 0 ? "" : ", ").append(String.format("%s %.1f (%.0f%%)", e.getKey(), e.getValue(),
                        100 * e.getValue() / total));
                shown++;
            } else {
                rest += e.getValue();
            }
        }
        return s.append(String.format(", other threads %.1f (%.0f%%)", rest, 100 * rest / total)).toString();
    }

    /** A thread's group: its name without the client id after {@code |} and with each number as {@code N}. */
    static String group(String name) {
        int bar = name.indexOf(" | ");
        int stream = name.lastIndexOf("-StreamThread-");
        if (bar < 0 && stream >= 0) {
            return name.substring(stream + 1); // each stream thread apart: one may carry more tasks than another
        }
        String n = bar >= 0 ? name.substring(0, bar) + (name.contains("StreamThread-") ? " (Streams)" : "")
                : name.contains("-GlobalStreamThread") ? "GlobalStreamThread" : name;
        return n.replaceAll("\\d+", "N");
    }

    /** CPU nanoseconds of each native thread of a {@link #NATIVE} group, as {@code "tid group"}; none without /proc. */
    private static Map<String, Long> nativeThreads() {
        Map<String, Long> cpu = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return cpu;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // it ended while we looked
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String group = nativeGroup(comm);
                if (group != null) {
                    // after the name: state, then 10 fields, then utime and stime in clock ticks (proc(5))
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    cpu.put(task.getFileName() + " " + group, ticks * 1_000_000_000L / TICKS_PER_SECOND);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of(); // no procfs as Linux has it: Java threads only
        }
        return cpu;
    }

    private static String nativeGroup(String comm) {
        for (Map.Entry<String, List<String>> g : NATIVE) {
            for (String prefix : g.getValue()) {
                if (comm.startsWith(prefix)) {
                    return g.getKey();
                }
            }
        }
        return null;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
