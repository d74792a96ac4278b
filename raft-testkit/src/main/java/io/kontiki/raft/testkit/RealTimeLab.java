package io.kontiki.raft.testkit;

import java.util.function.LongFunction;

/**
 * Runs one lab scenario on real threads and real time, on any backend that implements
 * {@link LabCluster} — {@link RealTimeCluster} here, real sockets in the transport module —
 * and turns a failure into a report with the seed and the trace.
 *
 * <p>Real-time runs are not replayable bit for bit (threads interleave as they will); the seed
 * still fixes the network's and the scenario's random choices.
 */
public final class RealTimeLab {

    private RealTimeLab() {
    }

    /** Runs {@code scenario} on {@link RealTimeCluster}s; returns the summary line. */
    public static String run(LabScenario scenario, long seed) {
        return run(scenario, seed, s -> RealTimeCluster.factory(s), "real threads");
    }

    /**
     * Runs {@code scenario} on clusters from {@code factoryForSeed}; returns the summary line.
     *
     * @param backend a few words naming the backend, for reports
     * @throws LabRunFailure if the scenario fails in any way
     */
    public static String run(LabScenario scenario, long seed, LongFunction<LabClusterFactory> factoryForSeed,
                             String backend) {
        LabCluster[] created = new LabCluster[1];
        LabClusterFactory inner = factoryForSeed.apply(seed);
        LabClusterFactory capturing = (servers, unreliable, applier) -> {
            created[0] = inner.create(servers, unreliable, applier);
            return created[0];
        };
        try {
            scenario.run(capturing);
        } catch (Throwable t) {
            StringBuilder b = new StringBuilder(32_000);
            b.append(scenario.method()).append(" on ").append(backend).append(" FAILED with seed ").append(seed);
            if (created[0] != null) {
                b.append(" at t=").append(created[0].nowMillis()).append(" ms");
            }
            b.append(": ").append(t).append('\n');
            Trace trace = created[0] == null ? null : created[0].trace();
            if (trace != null) {
                b.append("  last trace lines (t = real ms since start):\n").append(trace.dump());
            }
            throw new LabRunFailure(b.toString(), t);
        }
        return created[0] instanceof RealTimeCluster rc ? rc.summary() : scenario.method() + " passed on " + backend;
    }
}
