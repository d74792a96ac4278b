package io.kontiki.raft.testkit;

/**
 * A lab check failed: the equivalent of the Go harness's {@code t.Fatalf}, e.g. "expected one
 * leader, got none" or "one(103) failed to reach agreement". Thrown by {@link LabHarness} and
 * {@link LabScenarios}.
 */
public final class LabFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    public LabFailure(String message) {
        super(message);
    }
}
