package io.kontiki.raft.testkit;

/**
 * A Raft safety property was broken (Figure 3 of the extended paper: election safety, log
 * matching, leader completeness, state machine safety), or a node applied entries out of order.
 * Thrown by {@link SafetyChecker}; it fails the run at once, with its seed and trace.
 */
public final class InvariantViolation extends AssertionError {

    private static final long serialVersionUID = 1L;

    public InvariantViolation(String message) {
        super(message);
    }
}
