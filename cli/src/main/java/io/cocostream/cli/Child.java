package io.cocostream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A finished child process of a bench: wall seconds from start to exit, its peak RSS, its output. */
record Child(double seconds, double peakRssMb, String output) {
    /** Runs the command, or returns empty if it cannot be started (not installed). */
    static Optional<Child> tryRun(List<String> command) throws InterruptedException {
        try {
            return Optional.of(run(command));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Child run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("cocostream-bench-child-", ".log");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // VmHWM only grows, so the last sample before exit misses at most the last few milliseconds.
            Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
            long peakKb = 0;
            while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                peakKb = Math.max(peakKb, highWaterMarkKb(status));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            String output = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
            }
            return new Child(seconds, peakKb / 1024.0, output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static long highWaterMarkKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process has just exited: keep the last sample.
        }
        return 0;
    }

    /** A classpath resource as a file of {@code dir}, for a child process to read. */
    static Path resource(String name, Path dir) throws IOException {
        Path p = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = Child.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in the jar");
            }
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }
}
