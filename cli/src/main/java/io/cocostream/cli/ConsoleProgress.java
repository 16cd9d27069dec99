package io.cocostream.cli;

import io.cocostream.ingest.Ingest;
import java.io.PrintStream;

/**
 * Ingest progress: a one-line bar (bytes, rate, ETA) redrawn in place on a terminal, plain log
 * lines every few seconds otherwise.
 */
final class ConsoleProgress implements Ingest.Progress {
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final String name;
    private final long start = System.nanoTime();
    private long lastPrint;

    ConsoleProgress(String name, PrintStream err, boolean terminal) {
        this.name = name;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void reading(long bytesRead, long totalBytes, long annotations) {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double mbps = bytesRead / 1e6 / secs;
        double eta = mbps > 0 ? (totalBytes - bytesRead) / 1e6 / mbps : 0;
        print(String.format("%s reading %s %5.1f%% %7.1f/%.1f MB %6.1f MB/s %d annotations ETA %.0fs", name,
                bar(bytesRead, totalBytes), 100.0 * bytesRead / Math.max(1, totalBytes), bytesRead / 1e6,
                totalBytes / 1e6, mbps, annotations, eta), bytesRead >= totalBytes);
    }

    @Override
    public void publishing(long images, long totalImages) {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        print(String.format("%s publishing %s %d/%d images %.0f images/s", name, bar(images, totalImages), images,
                totalImages, images / secs), images >= totalImages);
    }

    private static String bar(long done, long total) {
        int n = (int) (20 * done / Math.max(1, total));
        return "[" + "#".repeat(Math.min(20, n)) + " ".repeat(Math.max(0, 20 - n)) + "]";
    }

    private void print(String line, boolean last) {
        long now = System.nanoTime();
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
            err.flush();
        } else if (last || now - lastPrint > LOG_EVERY_NANOS) {
            err.println(line);
            lastPrint = now;
        }
    }
}
