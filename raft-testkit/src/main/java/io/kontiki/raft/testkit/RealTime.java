package io.kontiki.raft.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Time, scenario threads and failure collection for real-time lab clusters
 * ({@link RealTimeCluster}, and the transport module's clusters on real sockets): the parts of
 * {@link LabCluster} that do not depend on how nodes talk.
 *
 * <p>A failure on any thread (a node's loop, an apply thread, a scenario thread) is recorded
 * once and rethrown from the scenario's next call to {@link #sleep}, {@link #awaitCondition} or
 * {@link #rethrowFailure}, so it fails the test even though it happened elsewhere.
 *
 * <p><b>Threads:</b> thread-safe.
 */
public final class RealTime {

    private final long startNanos = System.nanoTime();
    private final String runName;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Trace trace;

    /** @param runName names the scenario threads, e.g. {@code "seed7"} */
    public RealTime(String runName, int traceLines) {
        this.runName = runName;
        this.trace = new Trace(this::nowMillis, traceLines);
    }

    public Trace trace() {
        return trace;
    }

    /** Milliseconds since this object was created. */
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The lab's scenario pause: time passing is the point, not a synchronisation wait. */
    public void sleep(long millis) {
        rethrowFailure();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabFailure("interrupted while sleeping");
        }
        rethrowFailure();
    }

    /** Waits with Awaitility: polls {@code condition} every {@code pollMillis}, at most {@code timeoutMillis}. */
    public boolean awaitCondition(BooleanSupplier condition, long timeoutMillis, long pollMillis) {
        rethrowFailure();
        try {
            Awaitility.await()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(pollMillis))
                    .atMost(Duration.ofMillis(timeoutMillis))
                    .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            rethrowFailure();
            return false;
        }
    }

    /** A daemon scenario thread; {@code join} waits at most the lab's per-test limit and rethrows its failure. */
    public LabThread spawn(String name, Runnable body) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
                recordFailure(e);
            }
        }, "lab-" + name + "-" + runName);
        t.setDaemon(true);
        t.start();
        return () -> {
            try {
                t.join(LabHarness.TEST_TIME_LIMIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                throw new LabFailure("thread " + name + " did not finish within the test's time limit");
            }
            if (thrown.get() != null) {
                throw new LabFailure("thread " + name + " failed: " + thrown.get());
            }
        };
    }

    /** Records the first failure seen on any thread. */
    public void recordFailure(Throwable t) {
        if (failure.compareAndSet(null, t)) {
            trace.event("FAILED: " + t);
        }
    }

    /** The first recorded failure, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Throws the first recorded failure, if any, as a {@link LabFailure}. */
    public void rethrowFailure() {
        Throwable t = failure.get();
        if (t != null) {
            LabFailure f = new LabFailure("failed on another thread: " + t);
            f.initCause(t);
            throw f;
        }
    }
}
