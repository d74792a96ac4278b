package io.kontiki.raft.bench;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A series of {@link HeartbeatThroughputBenchmark}: keeps K requests in flight while started;
 * its start and stop run on its loop. {@link Window} is the counting every series shares.
 */
interface Pump extends AutoCloseable {

    /** How long a series may stay silent before the watchdog re-primes its window. */
    long WATCHDOG_MILLIS = 1_000;

    /** How long setting up a series may wait for its connections. */
    long CONNECT_TIMEOUT_MILLIS = 10_000;

    EventLoop loop();

    /** On the loop: sends K requests; every response sends the next. */
    void start();

    /** On the loop: responses no longer send the next request. */
    void stop();

    /** Requests sent so far; any thread. */
    long sent();

    /** Round trips completed so far; any thread. */
    long completed();

    long stalls();

    String notes();

    @Override
    void close();

    /**
     * The loop-confined counting both series share: K in flight while running, a watchdog that
     * re-primes the window if nothing came back for {@value Pump#WATCHDOG_MILLIS} ms (a lost message,
     * which loopback TCP does not lose unless a connection dropped).
     */
    abstract class Window {
        private final int inflight;
        private final AtomicLong sentCount = new AtomicLong();
        private final AtomicLong completedCount = new AtomicLong();
        private long sent;
        private long completed;
        private long lastSeen = -1;
        private boolean running;
        private volatile long stalls;

        Window(int inflight) {
            this.inflight = inflight;
        }

        /** Sends one request; true if it was handed to the channel. */
        abstract void sendOne();

        /** Called after a batch of {@link #sendOne} calls that nothing else will flush. */
        void flushPrimed() {
        }

        final void onResponse() {
            completedCount.lazySet(++completed);
            if (running) {
                send();
            }
        }

        public final void start() {
            running = true;
            lastSeen = -1;
            prime();
        }

        public final void stop() {
            running = false;
        }

        final void watchdog() {
            if (running && completed == lastSeen) {
                stalls++;
                prime();
            }
            lastSeen = completed;
        }

        private void prime() {
            for (int i = 0; i < inflight; i++) {
                send();
            }
            flushPrimed();
        }

        private void send() {
            sentCount.lazySet(++sent);
            sendOne();
        }

        /** Requests sent so far; any thread. */
        public final long sent() {
            return sentCount.get();
        }

        /** Round trips completed so far; any thread. */
        public final long completed() {
            return completedCount.get();
        }

        public final long stalls() {
            return stalls;
        }
    }
}
