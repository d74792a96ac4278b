package io.kontiki.raft.bench;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * One status line on stderr, redrawn with {@code \r} at most every {@value #REDRAW_MILLIS} ms:
 * the benchmark, the current series, a bar of trials done out of the whole run's, the elapsed
 * time and an estimate of the time left. {@link #finish()} ends the line.
 */
final class ProgressBar {

    static final long REDRAW_MILLIS = 100;
    private static final int WIDTH = 30;

    private final String benchmark;
    private final long total;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private long lastDrawNanos;
    private boolean drawn;
    private int lastLength;
    private String series = "";
    private long done;

    ProgressBar(String benchmark, long totalTrials) {
        this(benchmark, totalTrials, System.err, System::nanoTime);
    }

    ProgressBar(String benchmark, long totalTrials, PrintStream out, LongSupplier nanoTime) {
        this.benchmark = benchmark;
        this.total = Math.max(1, totalTrials);
        this.out = out;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** The series now running (its label). */
    void series(String label) {
        series = label;
        draw(false);
    }

    /** One more trial done (or given up). */
    void step() {
        step(1);
    }

    /** {@code trials} more trials done (or given up). */
    void step(int trials) {
        done += trials;
        draw(false);
    }

    /** Draws the final state and ends the line. */
    void finish() {
        draw(true);
        out.println();
    }

    private void draw(boolean force) {
        long now = nanoTime.getAsLong();
        if (!force && drawn && now - lastDrawNanos < REDRAW_MILLIS * 1_000_000L) {
            return;
        }
        drawn = true;
        lastDrawNanos = now;
        String line = line(now);
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    String line(long now) {
        long elapsed = now - startNanos;
        int filled = (int) (Math.min(done, total) * WIDTH / total);
        String eta = done == 0 ? "?" : clock((long) ((double) elapsed / done * (total - done)));
        return benchmark + " " + series + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/"
                + total + " elapsed " + clock(elapsed) + " eta " + eta;
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
