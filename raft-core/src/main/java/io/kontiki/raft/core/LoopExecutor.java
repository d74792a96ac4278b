package io.kontiki.raft.core;

import java.util.concurrent.Executor;

/**
 * The single-threaded event loop a {@link RaftNode} runs on. Every input to the core is posted
 * here; the core's state is confined to it; there are no locks in the protocol.
 *
 * <p>A Netty {@code EventLoop} satisfies this contract ({@code LoopExecutors.of(loop,
 * loop::inEventLoop)}); a single-threaded {@code ScheduledExecutorService} does too; the test
 * kit's simulator provides one on virtual time.
 *
 * <p>Contract: tasks run one at a time, in submission order for {@link #execute}; a task may
 * submit further tasks; {@link #execute} and {@link #schedule} never block and may be called
 * from any thread. After the loop shuts down, tasks are silently dropped.
 */
public interface LoopExecutor extends Executor {

    /** True if the calling thread is the loop's thread (or, in a simulation, owns the loop). */
    boolean inLoop();

    /** Runs {@code task} on the loop, after the tasks already submitted. */
    @Override
    void execute(Runnable task);

    /** Runs {@code task} on the loop once, after {@code delayMillis}. */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Runs {@code task} on the loop every {@code periodMillis}, first after one period. */
    Cancellable scheduleAtFixedRate(Runnable task, long periodMillis);

    /** A handle to a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops future runs; idempotent; never blocks. */
        void cancel();
    }
}
