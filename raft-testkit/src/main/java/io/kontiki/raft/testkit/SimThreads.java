package io.kontiki.raft.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Deterministic cooperative threads on virtual time, so that test code can be written in the
 * lab's plain blocking style — {@code sleep}, start a few threads, {@code join} them — and
 * still replay bit for bit from a seed.
 *
 * <h2>The baton</h2>
 * A <em>sim thread</em> is a real Java thread, but exactly one sim thread runs at any moment:
 * the one holding the baton. The thread that creates this object (usually the JUnit thread)
 * is the <em>main</em> sim thread and holds the baton first. Nobody else runs events: the
 * event loop of the {@link VirtualScheduler} is driven by whichever sim thread has nothing
 * else to do.
 * <ul>
 *   <li>{@link #sleep(long)} schedules a wake-up event for the caller, then the caller itself
 *       runs events in (time, sequence) order. When it pops its own wake-up it returns. When it
 *       pops another sim thread's wake-up it hands the baton to that thread and parks until
 *       some thread pops the caller's wake-up and hands the baton back.</li>
 *   <li>{@link #spawn} creates a sim thread whose first wake-up is due now; it starts running
 *       when the event loop reaches that wake-up, not when {@code spawn} returns.</li>
 *   <li>{@link SimThread#join()} parks the caller until the thread has finished; the finishing
 *       thread schedules the joiner's wake-up.</li>
 *   <li>A finishing sim thread keeps running events until it pops some other thread's wake-up,
 *       hands the baton over and ends.</li>
 * </ul>
 * Code between two blocking calls therefore runs atomically in virtual time, and the
 * interleaving of threads is fixed by the event order alone: same seed, same run.
 *
 * <h2>Failures</h2>
 * The first failure anywhere — an exception in an event action, an assertion in a spawned
 * thread, a {@linkplain SimulationLimitExceeded bound} crossed — is recorded and the baton goes
 * straight back to the main thread, which rethrows it from the blocking call it was parked in.
 * {@link #close()} then wakes every parked spawned thread with {@link SimulationAborted} so that
 * it unwinds and ends. Spawned threads are daemons.
 *
 * <p><b>Threads.</b> Every method must be called by the sim thread holding the baton, except
 * {@link #close()}, which the main thread calls when the run is over.
 */
public final class SimThreads implements AutoCloseable {

    private static final long TEARDOWN_JOIN_MILLIS = 10_000;

    private final VirtualScheduler scheduler;
    private final String namePrefix;
    private final SimThread main;
    private final List<SimThread> spawned = new ArrayList<>();
    private SimThread current;
    private Throwable failure;
    private volatile boolean aborted;

    /** Makes the calling thread the main sim thread, holding the baton. */
    public SimThreads(VirtualScheduler scheduler, String namePrefix) {
        this.scheduler = scheduler;
        this.namePrefix = namePrefix;
        this.main = new SimThread("main", null);
        this.main.javaThread = Thread.currentThread();
        this.current = main;
    }

    public VirtualScheduler scheduler() {
        return scheduler;
    }

    /** Blocks the calling sim thread for {@code millis} of virtual time, running events meanwhile. */
    public void sleep(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis must be >= 0: " + millis);
        }
        SimThread self = self();
        scheduler.wakeUp(self, millis);
        runUntilWoken(self);
    }

    /** Creates a sim thread that starts when the event loop reaches now's wake-up for it. */
    public SimThread spawn(String name, Runnable body) {
        self();
        SimThread t = new SimThread(name, body);
        Thread javaThread = new Thread(() -> runSpawned(t), namePrefix + "-" + name);
        javaThread.setDaemon(true);
        t.javaThread = javaThread;
        spawned.add(t);
        javaThread.start();
        scheduler.wakeUp(t, 0);
        return t;
    }

    /**
     * Records {@code t} as the run's failure, unless one was recorded already. The sim thread
     * running events rethrows it as soon as the current event action returns; this lets checks
     * fail the run even when the code that calls them swallows exceptions.
     */
    public void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /** The first failure of the run, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Ends the simulation: every spawned thread still parked is woken with
     * {@link SimulationAborted} and waited for (a few seconds at most). Idempotent.
     */
    @Override
    public void close() {
        if (aborted) {
            return;
        }
        aborted = true;
        for (SimThread t : spawned) {
            if (!t.done) {
                t.baton.release();
            }
        }
        for (SimThread t : spawned) {
            try {
                t.javaThread.join(TEARDOWN_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- the baton ----------------------------------------------------------------------

    private SimThread self() {
        if (aborted) {
            throw new SimulationAborted();
        }
        if (Thread.currentThread() != current.javaThread) {
            throw new IllegalStateException("called from " + Thread.currentThread().getName()
                    + ", but the baton is held by sim thread " + current.name);
        }
        return current;
    }

    /** Runs events until the caller's own wake-up comes round. */
    private void runUntilWoken(SimThread self) {
        while (true) {
            VirtualScheduler.Event e = nextEvent();
            if (e.thread == null) {
                runAction(e.action);
            } else if (e.thread == self) {
                return;
            } else if (!e.thread.done) {
                handOver(e.thread);
                park(self);
                return;
            }
        }
    }

    private VirtualScheduler.Event nextEvent() {
        throwIfFailed();
        try {
            return scheduler.next();
        } catch (Throwable t) {
            fail(t);
            throw t;
        }
    }

    private void runAction(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            fail(t);
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(f);
    }

    private void handOver(SimThread next) {
        current = next;
        next.baton.release();
    }

    private void park(SimThread self) {
        self.baton.acquireUninterruptibly();
        if (aborted && self != main) {
            throw new SimulationAborted();
        }
        throwIfFailed();
    }

    private void runSpawned(SimThread self) {
        self.baton.acquireUninterruptibly();
        if (aborted) {
            self.done = true;
            return;
        }
        try {
            self.body.run();
            finish(self);
        } catch (SimulationAborted unwinding) {
            self.done = true;
        } catch (Throwable t) {
            self.done = true;
            if (!aborted) {
                fail(t);
                handOver(main);
            }
        }
    }

    /** The thread's body returned: wake its joiners, then run events until someone else can take the baton. */
    private void finish(SimThread self) {
        self.done = true;
        for (SimThread joiner : self.joiners) {
            scheduler.wakeUp(joiner, 0);
        }
        self.joiners.clear();
        while (true) {
            VirtualScheduler.Event e = nextEvent();
            if (e.thread == null) {
                runAction(e.action);
            } else if (e.thread != self && !e.thread.done) {
                handOver(e.thread);
                return;
            }
        }
    }

    /** A handle to one sim thread. */
    public final class SimThread {
        private final String name;
        private final Runnable body;
        private final Semaphore baton = new Semaphore(0);
        private final List<SimThread> joiners = new ArrayList<>(1);
        private Thread javaThread;
        private boolean done;

        private SimThread(String name, Runnable body) {
            this.name = name;
            this.body = body;
        }

        public String name() {
            return name;
        }

        /** True once the body has returned or thrown. */
        public boolean isDone() {
            return done;
        }

        /** Blocks the calling sim thread (in virtual time) until this one has finished. */
        public void join() {
            SimThread self = self();
            if (self == this) {
                throw new IllegalStateException("sim thread " + name + " cannot join itself");
            }
            if (done) {
                throwIfFailed();
                return;
            }
            joiners.add(self);
            runUntilWoken(self);
        }

        @Override
        public String toString() {
            return "SimThread[" + name + (done ? ", done]" : "]");
        }
    }
}
