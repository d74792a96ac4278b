package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;

/**
 * The application that committed entries are applied to.
 *
 * <p><b>Thread:</b> called on the node's apply executor, never on the event loop, so a slow
 * state machine never delays a heartbeat. Calls are sequential and in log order: indexes
 * increase by one from the first entry not yet applied in this incarnation of the node (after a
 * restart, from index 1 again, since the log is replayed). No-op entries are passed too, so that
 * the application sees every index; it may ignore them.
 *
 * <p><b>Blocking:</b> may block; later entries wait. <b>Errors:</b> an exception is logged and
 * stops application on this node (the state machine's state is then unknown).
 */
@FunctionalInterface
public interface StateMachine {

    void apply(LogEntry entry);
}
