package io.kontiki.raft.testkit;

/**
 * A simulated lab run failed. The message says everything needed to understand and replay it:
 * the scenario, the seed, the virtual time, the cause, how to rerun exactly this run, and the
 * last lines of the trace. The original failure is the cause.
 */
public final class LabRunFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    LabRunFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
