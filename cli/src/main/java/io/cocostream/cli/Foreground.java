package io.cocostream.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Keeps a command in the foreground until Ctrl-C (or SIGTERM), then lets it close its resources
 * before the JVM exits: the shutdown hook waits for the command to finish closing, at most
 * {@link #STOP_WITHIN} (a stop must be bounded even when the broker is gone), and says so when
 * closing did not finish.
 */
final class Foreground {
    /** How long a stop may take: everything a command closes is bounded well within it. */
    static final Duration STOP_WITHIN = Duration.ofSeconds(8);
    /** How long a command gives its Kafka clients to close, within {@link #STOP_WITHIN}. */
    static final Duration CLOSE_CLIENTS_WITHIN = Duration.ofSeconds(5);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    /** A foreground command named {@code command} (for what it says while stopping). */
    Foreground(String command) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                if (!closed.await(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.err.println("cocostream " + command + ": stopping before closing finished ("
                            + STOP_WITHIN.toSeconds() + " s): what was not committed is redone by the next run");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cocostream-shutdown"));
    }

    /**
     * Closes a Streams app within {@link #CLOSE_CLIENTS_WITHIN}, saying so when it could not finish
     * (its uncommitted work is processed again when it restarts, exactly once all the same).
     */
    static void close(String command, KafkaStreams streams) {
        if (!streams.close(CLOSE_CLIENTS_WITHIN)) {
            System.err.println("cocostream " + command + ": the Streams app did not finish closing within "
                    + CLOSE_CLIENTS_WITHIN.toSeconds() + " s (is the broker reachable?); its uncommitted work is"
                    + " processed again when it restarts");
        }
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
