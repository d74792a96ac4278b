package io.kontiki.raft.testkit;

/**
 * A run crossed one of the simulator's bounds: virtual time past the limit, a livelock (too many
 * events without the clock moving), or a deadlock (nothing left to run while a sim thread waits).
 * It fails the run like any assertion.
 */
public final class SimulationLimitExceeded extends AssertionError {

    private static final long serialVersionUID = 1L;

    public SimulationLimitExceeded(String message) {
        super(message);
    }
}
