package io.kontiki.raft.testkit;

/**
 * The time a {@link SimulatedNetwork} delays messages on: virtual ({@link #of(VirtualScheduler)})
 * or real (a scheduled executor, in {@link RealTimeCluster}).
 *
 * <p><b>Thread:</b> called with the network's lock held; must never block.
 */
public interface NetworkClock {

    /** Milliseconds since the run started. */
    long now();

    /** Runs {@code action} after {@code delayMillis} (0: as soon as possible, after what is due now). */
    void after(long delayMillis, Runnable action);

    /** The virtual clock of a simulation. */
    static NetworkClock of(VirtualScheduler scheduler) {
        return new NetworkClock() {
            @Override
            public long now() {
                return scheduler.now();
            }

            @Override
            public void after(long delayMillis, Runnable action) {
                scheduler.after(delayMillis, action);
            }
        };
    }
}
