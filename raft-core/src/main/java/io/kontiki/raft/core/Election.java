package io.kontiki.raft.core;

import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import io.kontiki.raft.core.quorum.MajorityConfig.VoteResult;
import java.util.HashMap;
import java.util.Map;

/**
 * Leader election (§5.2) with the election restriction (§5.4.1). Works on {@link RaftCore}'s
 * state; called only after the message's term has been reconciled.
 */
final class Election {

    private final RaftCore core;
    /** Candidate only: the votes received in the current term. */
    private final Map<Integer, Boolean> votes = new HashMap<>();

    Election(RaftCore core) {
        this.core = core;
    }

    /** Starts an election: new term, vote for self, ask every peer (§5.2). */
    void campaign(String cause) {
        core.becomeCandidate(cause);
        votes.clear();
        votes.put(core.id, true);
        if (core.voters.voteResult(votes) == VoteResult.WON) {
            core.becomeLeader("won the election for term " + core.term + " alone");
            return;
        }
        for (int peer : core.peers) {
            requestVote(peer);
        }
    }

    /**
     * Candidate only: asks again every peer that has not answered in this term ("servers retry
     * RPCs if they do not receive a response in a timely manner", §5.1). A lost request or
     * answer then costs a heartbeat interval instead of a whole new election timeout and term;
     * a repeated request is harmless, since a vote already granted is granted again.
     */
    void retryVoteRequests() {
        for (int peer : core.peers) {
            if (!votes.containsKey(peer)) {
                requestVote(peer);
            }
        }
    }

    private void requestVote(int peer) {
        core.send(new RequestVote(core.id, peer, core.term, core.log.lastIndex(), core.log.lastTerm()));
    }

    /**
     * Grants the vote if none was cast for another candidate in this term and the candidate's
     * log is at least as up-to-date (§5.4.1). Casting the vote resets the election timer; a
     * repeated request (a candidate's retry) is granted again without a reset, or a candidate
     * that can send but not hear would keep every timer from running out. The answer leaves
     * only after the vote is persisted (the driver's persist-then-send).
     */
    void onRequestVote(RequestVote m) {
        boolean free = core.votedFor == RaftConfig.NO_NODE || core.votedFor == m.from();
        boolean granted = free && core.role != Role.LEADER
                && core.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (granted && core.votedFor != m.from()) {
            core.votedFor = m.from();
            core.resetElectionTimer();
        }
        core.send(new RequestVoteResponse(core.id, m.from(), core.term, granted));
    }

    void onVoteResponse(RequestVoteResponse m) {
        if (core.role != Role.CANDIDATE) {
            return;
        }
        votes.putIfAbsent(m.from(), m.granted());
        VoteResult result = core.voters.voteResult(votes);
        if (result == VoteResult.WON) {
            core.becomeLeader("won the election for term " + core.term + " with " + granted() + " votes");
        } else if (result == VoteResult.LOST) {
            core.becomeFollower(core.term, RaftConfig.NO_NODE, "lost the election for term " + core.term);
        }
    }

    private long granted() {
        return votes.values().stream().filter(v -> v).count();
    }
}
