package io.kontiki.raft.core.message;

/**
 * A candidate asks for a vote (§5.2). The receiver grants it only if it has not voted for
 * someone else in this term and the candidate's log is at least as up-to-date as its own
 * (§5.4.1).
 */
public record RequestVote(int from, int to, long term, long lastLogIndex, long lastLogTerm)
        implements RaftMessage {

    @Override
    public boolean isRequest() {
        return true;
    }

    @Override
    public String describe() {
        return from + "->" + to + " RequestVote term=" + term + " last=" + lastLogTerm + "/" + lastLogIndex;
    }
}
