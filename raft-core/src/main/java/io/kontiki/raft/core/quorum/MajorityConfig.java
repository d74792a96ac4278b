package io.kontiki.raft.core.quorum;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/** Majority arithmetic over a fixed set of voters. Pure; joint consensus will build on it. */
public final class MajorityConfig {

    /** The outcome of counting votes so far. */
    public enum VoteResult { PENDING, WON, LOST }

    private final int[] voters;

    public MajorityConfig(List<Integer> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        this.voters = voters.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
    }

    public int size() {
        return voters.length;
    }

    /** The smallest number of voters that is a majority. */
    public int quorum() {
        return voters.length / 2 + 1;
    }

    public boolean contains(int id) {
        return Arrays.binarySearch(voters, id) >= 0;
    }

    /**
     * The highest index that a majority has matched, given each voter's match index: the
     * commit point before the current-term check of §5.4.2.
     */
    public long committedIndex(IntToLongFunction matchOf) {
        long[] matches = new long[voters.length];
        for (int i = 0; i < voters.length; i++) {
            matches[i] = matchOf.applyAsLong(voters[i]);
        }
        Arrays.sort(matches);
        return matches[voters.length - quorum()];
    }

    /** Counts granted and rejected votes among the voters; non-voters are ignored. */
    public VoteResult voteResult(Map<Integer, Boolean> votes) {
        int granted = 0;
        int rejected = 0;
        for (int v : voters) {
            Boolean vote = votes.get(v);
            if (vote == null) {
                continue;
            }
            if (vote) {
                granted++;
            } else {
                rejected++;
            }
        }
        if (granted >= quorum()) {
            return VoteResult.WON;
        }
        if (rejected > voters.length - quorum()) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }
}
