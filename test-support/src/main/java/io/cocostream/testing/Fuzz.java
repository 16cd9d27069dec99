package io.cocostream.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The fuzz tests' harness: runs one input, failing on any exception but the documented ones and
 * on an OutOfMemoryError, and bounds how long each input may take.
 */
public final class Fuzz {
    /** No input may take longer. */
    public static final long MAX_NANOS = 1_000_000_000L;

    /** One input's run. */
    @FunctionalInterface
    public interface Input {
        void run() throws Exception;
    }

    private Fuzz() {}

    /** Runs {@code input}, allowing only the {@code documented} exceptions; returns how long it took. */
    public static long run(String what, List<Class<? extends Exception>> documented, Input input) {
        long t0 = System.nanoTime();
        try {
            input.run();
        } catch (Exception e) {
            if (documented.stream().noneMatch(c -> c.isInstance(e))) {
                fail(what + ": undocumented " + e, e);
            }
        } catch (OutOfMemoryError e) {
            fail(what + ": out of memory");
        }
        return System.nanoTime() - t0;
    }

    /**
     * Runs {@code n} inputs that {@code next} makes from one seeded random stream, allowing only the
     * {@code documented} exceptions, and bounds their time; a failure names the input's seed and
     * index, which make it again.
     */
    public static void inputs(String target, long seed, int n, List<Class<? extends Exception>> documented,
            Function<Random, Input> next) {
        Random rnd = new Random(seed);
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            nanos[i] = run(target + ", seed " + seed + ", input " + i, documented, next.apply(rnd));
        }
        bounded(target, nanos);
    }

    /** Fails when an input took longer than {@link #MAX_NANOS}; the first of a loop pays for class loading and is not counted. */
    public static void bounded(String target, long[] nanos) {
        long max = 0;
        for (int i = 1; i < nanos.length; i++) {
            max = Math.max(max, nanos[i]);
        }
        assertTrue(max < MAX_NANOS, target + ": an input took " + max / 1e6 + " ms");
    }
}
