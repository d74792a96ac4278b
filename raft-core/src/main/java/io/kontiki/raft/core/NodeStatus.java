package io.kontiki.raft.core;

/**
 * A consistent picture of a node's externally visible state, published by the event loop
 * after every turn. Reading it never blocks and never hops threads.
 *
 * @param snapshotIndex the index of the newest snapshot (0 if none)
 * @param firstLogIndex the index of the first entry the log holds in memory (entries before it
 *                      were discarded after a snapshot); {@code lastLogIndex + 1} if it holds none
 */
public record NodeStatus(int id, Role role, long term, int leaderId, long commitIndex,
                         long lastLogIndex, long appliedIndex, boolean closed, long snapshotIndex,
                         long firstLogIndex) {

    public boolean isLeader() {
        return role == Role.LEADER && !closed;
    }

    /** The number of entries the log holds in memory. */
    public long logEntries() {
        return lastLogIndex - firstLogIndex + 1;
    }

    NodeStatus with(long applied, boolean isClosed) {
        return new NodeStatus(id, role, term, leaderId, commitIndex, lastLogIndex, applied, isClosed, snapshotIndex,
                firstLogIndex);
    }
}
