package io.kontiki.raft.core;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Adapters from standard executors to {@link LoopExecutor}. */
public final class LoopExecutors {

    private LoopExecutors() {
    }

    /**
     * Wraps a single-threaded scheduled executor, e.g. a Netty {@code EventLoop}:
     * {@code LoopExecutors.of(eventLoop, eventLoop::inEventLoop)}. Tasks submitted after the
     * executor shut down are dropped.
     */
    public static LoopExecutor of(ScheduledExecutorService executor, BooleanSupplier inLoop) {
        return new LoopExecutor() {
            @Override
            public boolean inLoop() {
                return inLoop.getAsBoolean();
            }

            @Override
            public void execute(Runnable task) {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException shutDown) {
                    // The loop is gone; so is the node.
                }
            }

            @Override
            public Cancellable schedule(Runnable task, long delayMillis) {
                try {
                    ScheduledFuture<?> f = executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException shutDown) {
                    return () -> { };
                }
            }

            @Override
            public Cancellable scheduleAtFixedRate(Runnable task, long periodMillis) {
                try {
                    ScheduledFuture<?> f = executor.scheduleAtFixedRate(
                            task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException shutDown) {
                    return () -> { };
                }
            }
        };
    }

    /** A loop on its own daemon thread; shut it down with {@link OwnedLoop#shutdown()}. */
    public static OwnedLoop newSingleThread(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        Thread[] loopThread = new Thread[1];
        try {
            executor.submit(() -> loopThread[0] = Thread.currentThread()).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not start loop " + threadName, e);
        }
        Thread thread = loopThread[0];
        return new OwnedLoop(of(executor, () -> Thread.currentThread() == thread), executor);
    }

    /** A loop together with the executor that owns its thread. */
    public record OwnedLoop(LoopExecutor loop, ScheduledExecutorService executor) {
        /** Stops the thread; pending tasks are dropped. Does not wait. */
        public void shutdown() {
            executor.shutdownNow();
        }
    }
}
