package io.kontiki.raft.core;

/**
 * A consistent snapshot of a node's externally visible state, published by the event loop
 * after every turn. Reading it never blocks and never hops threads.
 */
public record NodeStatus(int id, Role role, long term, int leaderId, long commitIndex,
                         long lastLogIndex, long appliedIndex, boolean closed) {

    public boolean isLeader() {
        return role == Role.LEADER && !closed;
    }
}
