package io.kontiki.raft.transport.netty;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Allows one log line per interval and counts the lines it suppresses in between, so that a
 * peer spraying garbage cannot flood the log. Thread-safe; the count is approximate under
 * contention.
 */
final class LogRateLimiter {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    LogRateLimiter(long intervalNanos, LongSupplier nanoClock) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("intervalNanos must be > 0: " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.nextAllowedNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Returns -1 if the caller must not log now, otherwise the number of lines suppressed since
     * the last one allowed (for the caller to mention).
     */
    long tryAcquire() {
        long now = nanoClock.getAsLong();
        long next = nextAllowedNanos.get();
        if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
