package io.kontiki.raft.testkit;

import io.kontiki.raft.core.LoopExecutor;

/**
 * The event loop of one simulated node incarnation, on virtual time.
 *
 * <p>{@link #execute} schedules the task as an event due now (after everything already due now,
 * so tasks run in submission order); {@link #schedule} and {@link #scheduleAtFixedRate} use
 * virtual delays, and a fixed-rate task is due at exact multiples of its period. The handles
 * they return cancel the pending event.
 *
 * <p>{@link #inLoop()} is always true: the whole simulation is one logical thread (see
 * {@link SimThreads}), so a sim thread calling {@code RaftNode.propose} runs the proposal
 * synchronously, as if it were on the node's loop.
 *
 * <p>After {@link #shutDown()} (the node crashed) every pending and future task of this loop is
 * a no-op: a crashed incarnation never acts again.
 */
public final class VirtualLoopExecutor implements LoopExecutor {

    private final VirtualScheduler scheduler;
    private boolean shutDown;

    public VirtualLoopExecutor(VirtualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        if (!shutDown) {
            scheduler.after(0, guard(task));
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        if (shutDown) {
            return () -> { };
        }
        VirtualScheduler.Event e = scheduler.after(Math.max(0, delayMillis), guard(task));
        return e::cancel;
    }

    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, long periodMillis) {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("period must be > 0: " + periodMillis);
        }
        if (shutDown) {
            return () -> { };
        }
        FixedRate f = new FixedRate(task, periodMillis);
        f.next = scheduler.after(periodMillis, f);
        return f;
    }

    /** Drops every pending and future task of this loop. */
    public void shutDown() {
        shutDown = true;
    }

    public boolean isShutDown() {
        return shutDown;
    }

    private Runnable guard(Runnable task) {
        return () -> {
            if (!shutDown) {
                task.run();
            }
        };
    }

    /** A periodic task: each run schedules the next one a period later, until cancelled. */
    private final class FixedRate implements Runnable, Cancellable {
        private final Runnable task;
        private final long period;
        private VirtualScheduler.Event next;
        private boolean cancelled;

        FixedRate(Runnable task, long period) {
            this.task = task;
            this.period = period;
        }

        @Override
        public void run() {
            if (cancelled || shutDown) {
                return;
            }
            next = scheduler.after(period, this);
            task.run();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel();
            }
        }
    }
}
