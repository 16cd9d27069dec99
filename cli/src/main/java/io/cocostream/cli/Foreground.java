package io.cocostream.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a command in the foreground until Ctrl-C (or SIGTERM), then lets it close its resources
 * before the JVM exits: the shutdown hook waits for the command to finish closing.
 */
final class Foreground {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    Foreground() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cocostream-shutdown"));
    }

    /** Blocks until a stop is asked for. */
    void awaitStop() throws InterruptedException {
        stop.await();
    }

    /** Whether a stop was asked for. */
    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /** Tells the shutdown hook that resources are closed. */
    void closed() {
        closed.countDown();
    }
}
