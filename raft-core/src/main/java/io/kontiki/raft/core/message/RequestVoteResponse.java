package io.kontiki.raft.core.message;

/** The answer to a {@link RequestVote}. */
public record RequestVoteResponse(int from, int to, long term, boolean granted) implements RaftMessage {

    @Override
    public boolean isRequest() {
        return false;
    }

    @Override
    public String describe() {
        return from + "->" + to + " RequestVoteResponse term=" + term + (granted ? " granted" : " rejected");
    }
}
