package io.checkpass.server.cli;

import java.io.PrintStream;

/**
 * A progress bar on stderr for long work (imports, pre-issuance). On a terminal it redraws one line; in a log
 * (no console) it prints a line every 10% so CI output stays short.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long startedNanos = System.nanoTime();
    private long done;
    private int lastDecile = -1;
    private long lastDrawNanos;

    ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = System.console() != null;
    }

    void step(long amount) {
        done += amount;
        long now = System.nanoTime();
        if (terminal && now - lastDrawNanos > 100_000_000L) {
            lastDrawNanos = now;
            err.print("\r" + line());
            err.flush();
        } else if (!terminal) {
            int decile = (int) Math.min(10, done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                err.println(line());
            }
        }
    }

    private String line() {
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        return "%s [%s%s] %3.0f%% %,d/%,d (%,.0f/s)"
                .formatted(
                        label,
                        "#".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        fraction * 100,
                        done,
                        total,
                        done / seconds);
    }

    @Override
    public void close() {
        if (terminal) {
            err.println("\r" + line());
        } else if (lastDecile < 10) {
            err.println(line());
        }
    }
}
