package io.kontiki.raft.core;

/**
 * What a proposal returns at once, as in the lab's {@code Start()}: the index the command will
 * have if it commits, the leader's term, and whether this node is the leader. A result with
 * {@code isLeader == false} means the command was not appended anywhere.
 *
 * @param leaderHint the node this one believes leads, or {@link RaftConfig#NO_NODE}
 */
public record ProposeResult(long index, long term, boolean isLeader, int leaderHint) {

    public static ProposeResult rejected(long term, int leaderHint) {
        return new ProposeResult(-1, term, false, leaderHint);
    }
}
