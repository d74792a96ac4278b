package io.kontiki.raft.testkit;

import java.util.PriorityQueue;

/**
 * A virtual clock and the queue of everything that will happen on it: the heart of the
 * simulator.
 *
 * <p>Time is a number of milliseconds that starts at 0 and moves only when the next event is
 * taken from the queue. Events are ordered by (time, sequence number): two events due at the
 * same millisecond run in the order they were scheduled, so a run is a pure function of its
 * seed. Nothing here reads a real clock.
 *
 * <p>An event is either an action (a node's loop task, a message delivery) or the wake-up of a
 * {@linkplain SimThreads sim thread}. This class only stores and orders them; {@link SimThreads}
 * runs them.
 *
 * <p><b>Bounds.</b> Every run is bounded three ways, and crossing a bound is a failure, never
 * a hang: virtual time may not pass {@link #timeLimitMillis()} (the lab's 120 s per test); at
 * most {@value #MAX_EVENTS_AT_ONE_INSTANT} events may run without the clock moving (a livelock);
 * and an empty queue while a sim thread waits is a deadlock.
 *
 * <p><b>Threads.</b> Not thread-safe by itself: the simulator guarantees that exactly one sim
 * thread touches it at a time (the baton hand-off in {@link SimThreads} orders their accesses).
 */
public final class VirtualScheduler {

    /** The lab's per-test limit: 120 s from the creation of the configuration. */
    public static final long DEFAULT_TIME_LIMIT_MILLIS = 120_000;

    /** Events that may run at one virtual instant before the run is declared livelocked. */
    public static final int MAX_EVENTS_AT_ONE_INSTANT = 1_000_000;

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final long timeLimitMillis;
    private long now;
    private long nextSequence;
    private long eventsAtNow;
    private long eventsRun;

    public VirtualScheduler(long timeLimitMillis) {
        if (timeLimitMillis <= 0) {
            throw new IllegalArgumentException("timeLimitMillis must be > 0: " + timeLimitMillis);
        }
        this.timeLimitMillis = timeLimitMillis;
    }

    /** The current virtual time in milliseconds. */
    public long now() {
        return now;
    }

    public long timeLimitMillis() {
        return timeLimitMillis;
    }

    /** How many events have run so far (actions and wake-ups). */
    public long eventsRun() {
        return eventsRun;
    }

    /** Schedules {@code action} to run {@code delayMillis} from now (0: after what is already due now). */
    public Event after(long delayMillis, Runnable action) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay must be >= 0: " + delayMillis);
        }
        return add(new Event(now + delayMillis, nextSequence++, action, null));
    }

    /** Schedules the wake-up of a sim thread at {@code now + delayMillis}. */
    Event wakeUp(SimThreads.SimThread thread, long delayMillis) {
        return add(new Event(now + delayMillis, nextSequence++, null, thread));
    }

    private Event add(Event e) {
        queue.add(e);
        return e;
    }

    /**
     * Takes the next live event off the queue and moves the clock to its time.
     *
     * @throws SimulationLimitExceeded if the queue is empty, the event lies beyond the time
     *                                 limit, or too many events ran at one instant
     */
    Event next() {
        Event e;
        do {
            e = queue.poll();
            if (e == null) {
                throw new SimulationLimitExceeded("deadlock: no event left to run at t=" + now
                        + " ms while a sim thread waits");
            }
        } while (e.cancelled);
        if (e.time > timeLimitMillis) {
            queue.add(e);
            throw new SimulationLimitExceeded("virtual time limit exceeded: the run wanted to go past t="
                    + timeLimitMillis + " ms (the lab allows " + timeLimitMillis / 1000 + " s per test)");
        }
        if (e.time == now) {
            if (++eventsAtNow > MAX_EVENTS_AT_ONE_INSTANT) {
                throw new SimulationLimitExceeded("livelock: more than " + MAX_EVENTS_AT_ONE_INSTANT
                        + " events at t=" + now + " ms without the clock moving");
            }
        } else {
            now = e.time;
            eventsAtNow = 1;
        }
        eventsRun++;
        return e;
    }

    /**
     * One scheduled happening: an action or a sim thread's wake-up. Cancelling is idempotent
     * and leaves the event in the queue, where it is skipped.
     */
    public static final class Event implements Comparable<Event> {
        final long time;
        final long sequence;
        final Runnable action;
        final SimThreads.SimThread thread;
        boolean cancelled;

        Event(long time, long sequence, Runnable action, SimThreads.SimThread thread) {
            this.time = time;
            this.sequence = sequence;
            this.action = action;
            this.thread = thread;
        }

        public void cancel() {
            cancelled = true;
        }

        public long time() {
            return time;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
