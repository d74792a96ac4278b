package io.kontiki.raft.testkit;

import io.kontiki.raft.core.log.LogEntry;

/**
 * Receives every entry any incarnation of a server applies: the lab's apply channel reader.
 *
 * <p><b>Thread:</b> called on the node's apply executor; calls for one server are sequential
 * and in log order per incarnation (a restarted incarnation starts again at index 1).
 * <b>Errors:</b> throws {@link LabFailure} on an apply error, which must fail the run.
 */
@FunctionalInterface
public interface LabApplier {

    void apply(int server, LogEntry entry);
}
