package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.embedded.KafkaStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Runs cocostream command lines in-process, as a user types them, for the commands' integration tests. */
final class CommandLines {
    private CommandLines() {}

    /** The connection options of {@code stack}, with {@code partitions} partitions. */
    static String[] connection(KafkaStack stack, int partitions) {
        return new String[] {"--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
            stack.schemaRegistryUrl(), "--partitions", String.valueOf(partitions)};
    }

    /** Runs a command line, returning its standard output; a non-zero exit fails. */
    static String run(String... args) {
        return run(0, args);
    }

    /** Runs a command line, returning its standard output; an exit code other than {@code expected} fails. */
    static String run(int expected, String... args) {
        return runWithErrors(expected, args).out();
    }

    /** What a command printed. */
    record Output(String out, String err) {}

    /** Runs a command line, returning what it printed on both streams; an exit code other than {@code expected} fails. */
    static Output runWithErrors(int expected, String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Cocostream.run(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        Output o = new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertEquals(expected, code, String.join(" ", args) + ": " + o);
        return o;
    }

    /** A loopback port free right now, for a process of a test to listen on. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code a} then {@code b}. */
    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
