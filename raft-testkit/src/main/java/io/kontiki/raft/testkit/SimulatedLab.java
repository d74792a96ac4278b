package io.kontiki.raft.testkit;

import io.kontiki.raft.core.RaftConfig;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one lab scenario on the simulator with one seed, and turns any failure into a report
 * that can be acted on.
 *
 * <pre>{@code
 * LabRunResult r = SimulatedLab.run(LabScenario.FIGURE8_UNRELIABLE_2C, 17, null);
 * }</pre>
 *
 * <p>The scenario runs on the calling thread, which becomes the run's main sim thread; runs are
 * independent, so different seeds may run on different threads at once (each run stays
 * deterministic). A failed run throws {@link LabRunFailure} whose message holds the seed, the
 * virtual time, the cause, the command to rerun the seed and the trace; it is also logged.
 */
public final class SimulatedLab {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLab.class);

    private SimulatedLab() {
    }

    /**
     * Runs {@code scenario} with {@code seed}.
     *
     * @param rerunHint how to rerun this scenario, e.g. a Maven command line without the seed
     *                  option; may be null
     * @throws LabRunFailure if the scenario fails in any way
     */
    public static LabRunResult run(LabScenario scenario, long seed, String rerunHint) {
        return run(scenario.method(), scenario::run, seed, rerunHint);
    }

    /**
     * Runs any scenario written against {@link LabHarness} (it must create exactly one cluster
     * from the factory it is given) with {@code seed}.
     *
     * @param name      what failure reports call the scenario
     * @param rerunHint as for {@link #run(LabScenario, long, String)}
     * @throws LabRunFailure if the scenario fails in any way
     */
    public static LabRunResult run(String name, Consumer<LabClusterFactory> scenario, long seed, String rerunHint) {
        return run(name, scenario, seed, rerunHint, UnaryOperator.identity());
    }

    /**
     * Like {@link #run(String, Consumer, long, String)}, with each node's configuration passed
     * through {@code config} (see {@link SimulatedCluster#factory(long, UnaryOperator)}).
     */
    public static LabRunResult run(String name, Consumer<LabClusterFactory> scenario, long seed, String rerunHint,
                                   UnaryOperator<RaftConfig> config) {
        CapturingFactory factory = new CapturingFactory(seed, config);
        try {
            scenario.accept(factory);
        } catch (Throwable t) {
            LabRunFailure failure = report(name, seed, factory.cluster, t, rerunHint);
            LOG.error(failure.getMessage());
            throw failure;
        }
        SimulatedCluster c = factory.cluster;
        if (c == null) {
            throw new IllegalStateException("scenario " + name + " created no cluster");
        }
        return new LabRunResult(name, seed, c.summary(), c.nowMillis(), c.rpcTotal(), c.bytesTotal(),
                c.scheduler().eventsRun(), c.trace().fingerprint(), c.trace().dump());
    }

    private static LabRunFailure report(String name, long seed, SimulatedCluster c, Throwable t,
                                        String rerunHint) {
        StringBuilder b = new StringBuilder(32_000);
        b.append(name).append(" FAILED with seed ").append(seed);
        if (c != null) {
            b.append(" at t=").append(c.nowMillis()).append(" ms");
        }
        b.append(": ").append(t).append('\n');
        b.append("  rerun this seed: ");
        if (rerunHint != null) {
            b.append(rerunHint).append(' ');
        }
        b.append("-Dkontiki.seed=").append(seed).append('\n');
        if (c != null) {
            b.append("  network: ").append(c.network().stats()).append('\n');
            b.append("  last ").append(Math.min(c.trace().capacity(), c.trace().linesWritten()))
                    .append(" trace lines (t = virtual ms):\n");
            b.append(c.trace().dump());
            Throwable recorded = c.threads().failure();
            LabRunFailure f = new LabRunFailure(b.toString(), t);
            if (recorded != null && recorded != t) {
                f.addSuppressed(recorded);
            }
            return f;
        }
        return new LabRunFailure(b.toString(), t);
    }

    /** Creates the run's cluster and keeps it, for the report. */
    private static final class CapturingFactory implements LabClusterFactory {
        private final long seed;
        private final UnaryOperator<RaftConfig> config;
        private SimulatedCluster cluster;

        CapturingFactory(long seed, UnaryOperator<RaftConfig> config) {
            this.seed = seed;
            this.config = config;
        }

        @Override
        public LabCluster create(int servers, boolean unreliable, LabApplier applier) {
            if (cluster != null) {
                throw new IllegalStateException("a scenario creates one cluster");
            }
            cluster = (SimulatedCluster) SimulatedCluster.factory(seed, config).create(servers, unreliable, applier);
            return cluster;
        }
    }
}
