package io.cocostream.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * How ingest waits for a broker that does not answer: it says so within seconds and then every
 * few seconds, naming the broker, and gives up after the broker timeout with an error that says a
 * rerun resumes. {@link #watch} reports a blocking call the same way while it blocks. A broker
 * that refuses the credentials has answered: that ends the wait at once.
 */
public final class BrokerWait {
    /** How often a wait is reported. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    /** Thrown when the broker has not answered for the whole broker timeout. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String bootstrap;
    private final Duration timeout;
    private final Consumer<String> notices;

    /** Waits for the brokers of {@code clientConfig} at most {@code timeout}, saying so to {@code notices}. */
    public BrokerWait(Map<String, Object> clientConfig, Duration timeout, Consumer<String> notices) {
        this.bootstrap = String.valueOf(clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        this.timeout = timeout;
        this.notices = notices;
    }

    /** The broker timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** Returns once a broker answers; throws {@link Unavailable} when none did within the timeout. */
    public void await(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        long start = System.nanoTime();
        long reported = 0;
        try (Admin admin = Admin.create(c)) {
            while (true) {
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).clusterId().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (e.getCause() instanceof AuthenticationException refused) {
                        throw refused; // an answer, not an absence: waiting would not change it
                    }
                    long now = System.nanoTime();
                    if (now - start >= timeout.toNanos()) {
                        throw gaveUp(e);
                    }
                    if (reported == 0 || now - reported >= REPORT_EVERY.toNanos()) {
                        waiting(Duration.ofNanos(now - start));
                        reported = now;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Unavailable("interrupted while waiting for the broker at " + bootstrap, e);
                }
            }
        }
    }

    /**
     * Reports a wait while {@code call} blocks longer than a few seconds (a send or commit the
     * producer holds while the broker is away), then returns its result.
     */
    public <T> T watch(String what, Callable<T> call) throws Exception {
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cocostream-broker-wait");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        reporter.scheduleAtFixedRate(() -> notices.accept(what + ": " + waitingMessage(Duration.ofNanos(System.nanoTime() - start))),
                REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.call();
        } finally {
            reporter.shutdownNow();
        }
    }

    /** The error for a broker gone longer than the timeout. */
    public Unavailable gaveUp(Throwable cause) {
        return new Unavailable("no answer from the broker at " + bootstrap + " for " + timeout.toSeconds()
                + " s (--broker-timeout); nothing after the last committed chunk was published, and a rerun of the"
                + " same file resumes from there", cause);
    }

    private void waiting(Duration waited) {
        notices.accept(waitingMessage(waited));
    }

    private String waitingMessage(Duration waited) {
        return "waiting for the broker at " + bootstrap + " (" + waited.toSeconds() + " s of " + timeout.toSeconds()
                + " s)";
    }
}
