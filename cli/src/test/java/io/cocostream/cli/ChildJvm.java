package io.cocostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cocostream command in a JVM of its own, on the test's classpath, its output in a file: what
 * the fault tests stop (SIGTERM) or kill (SIGKILL) as an operator or a crash would, or pause (SIGSTOP).
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code cocostream args...}, standard output and error into {@code log}. */
    static ChildJvm start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cocostream.schemas.avro",
                "-cp", System.getProperty("java.class.path"), Cocostream.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(p, log);
    }

    /** Waits until the output holds {@code text}; fails after {@code timeout} or if the process ended. */
    ChildJvm awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError("exited " + process.exitValue() + " before saying \"" + text + "\": " + output());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no \"" + text + "\" within " + timeout + ": " + output());
    }

    /** What it printed so far. */
    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, as an operator (or Kubernetes) stops a process. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL, as a crash ends a process. */
    void kill() {
        process.destroyForcibly();
    }

    /** SIGSTOP: the process frozen where it is, so a test can pull the broker away mid-work deterministically. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + kill.exitValue());
        }
    }

    /** Waits for the exit: its code, or -1 if it was still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
