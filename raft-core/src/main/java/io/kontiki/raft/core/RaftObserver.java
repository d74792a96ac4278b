package io.kontiki.raft.core;

/**
 * Hooks into a node's event loop, for logging, metrics and the test kit's invariant checkers.
 *
 * <p><b>Thread:</b> every method is called on the node's event loop. <b>Blocking:</b> must not
 * block, and must only read the core (never call its mutating methods). <b>Errors:</b> an
 * exception thrown here propagates out of the loop task (the test kit uses this to stop a run
 * at the first broken invariant); production observers should not throw.
 */
public interface RaftObserver {

    RaftObserver NONE = new RaftObserver() { };

    /** The node's role or term changed; {@code cause} says why in a few words. */
    default void onRoleChange(RaftCore core, Role previousRole, long previousTerm, String cause) {
    }

    /**
     * The driver took a {@link Ready} from the core and is about to persist it; the core's log
     * is still exactly the one the Ready's entries extend.
     */
    default void onReady(RaftCore core, Ready ready) {
    }

    /**
     * A {@link Ready} was persisted; its messages are about to be sent and its committed entries
     * about to be handed to the apply executor.
     */
    default void onPersisted(RaftCore core, Ready ready) {
    }
}
