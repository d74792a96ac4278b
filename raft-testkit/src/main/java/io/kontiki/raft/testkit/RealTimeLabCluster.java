package io.kontiki.raft.testkit;

import java.util.function.BooleanSupplier;

/**
 * A {@link LabCluster} on real time: time, pauses, polling and scenario threads come from its
 * {@link RealTime}. Implemented by {@link RealTimeCluster} and by the transport module's
 * cluster on real sockets.
 */
public interface RealTimeLabCluster extends LabCluster {

    /** The run's clock, scenario threads and failure record. */
    RealTime time();

    @Override
    default long nowMillis() {
        return time().nowMillis();
    }

    @Override
    default void sleep(long millis) {
        time().sleep(millis);
    }

    @Override
    default boolean awaitCondition(BooleanSupplier condition, long timeoutMillis, long pollMillis) {
        return time().awaitCondition(condition, timeoutMillis, pollMillis);
    }

    @Override
    default LabThread spawn(String name, Runnable body) {
        return time().spawn(name, body);
    }
}
