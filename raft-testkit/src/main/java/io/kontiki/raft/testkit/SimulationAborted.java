package io.kontiki.raft.testkit;

/**
 * Thrown inside a parked sim thread when its simulation is torn down (the run ended, usually
 * because it failed), so that the thread unwinds and ends. It is an {@link Error} so that
 * scenario code catching {@code Exception} cannot swallow it; nothing should catch it but the
 * simulator itself.
 */
public final class SimulationAborted extends Error {

    private static final long serialVersionUID = 1L;

    SimulationAborted() {
        super("simulation aborted", null, false, false);
    }
}
