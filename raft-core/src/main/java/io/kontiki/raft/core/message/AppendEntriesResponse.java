package io.kontiki.raft.core.message;

/**
 * The answer to an {@link AppendEntries}.
 *
 * <p>On success, {@code index} is the highest index known to match the leader's log (the
 * request's {@code prevLogIndex} plus its entries). On rejection, {@code index} is the
 * request's {@code prevLogIndex}, so the leader can discard stale rejections, and the hint
 * lets it skip a whole term per round trip (accelerated log backtracking, §5.3): the follower
 * names the term of its entry at {@code prevLogIndex} and the first index it holds for that
 * term, or, when its log is too short, {@code conflictTerm = 0} and
 * {@code conflictIndex = lastIndex + 1}.
 */
public record AppendEntriesResponse(int from, int to, long term, boolean success, long index,
                                    long conflictTerm, long conflictIndex) implements RaftMessage {

    public static AppendEntriesResponse accept(int from, int to, long term, long matchIndex) {
        return new AppendEntriesResponse(from, to, term, true, matchIndex, 0, 0);
    }

    public static AppendEntriesResponse reject(int from, int to, long term, long rejectedIndex,
                                               long conflictTerm, long conflictIndex) {
        return new AppendEntriesResponse(from, to, term, false, rejectedIndex, conflictTerm, conflictIndex);
    }

    @Override
    public boolean isRequest() {
        return false;
    }

    @Override
    public String describe() {
        String head = from + "->" + to + " AppendEntriesResponse term=" + term;
        return success
                ? head + " ok match=" + index
                : head + " reject prev=" + index + " hint=" + conflictTerm + "/" + conflictIndex;
    }
}
