package io.kontiki.raft.core;

/**
 * The part of a node's state that must be durable before any message that depends on it is
 * sent (Figure 2, "persistent state on all servers"): the current term and the vote cast in it.
 *
 * @param term     the latest term this node has seen (0 on first boot)
 * @param votedFor the candidate voted for in {@code term}, or {@link RaftConfig#NO_NODE}
 */
public record HardState(long term, int votedFor) {

    public static final HardState INITIAL = new HardState(0, RaftConfig.NO_NODE);

    public HardState {
        if (term < 0) {
            throw new IllegalArgumentException("term must be >= 0: " + term);
        }
    }
}
