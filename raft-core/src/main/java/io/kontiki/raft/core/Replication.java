package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.progress.Progress;
import java.util.List;
import java.util.Map;

/**
 * Log replication (§5.3) and the commit rule (§5.4.2), on both sides: the leader's sending,
 * heartbeats and flow control, the follower's consistency check, and the leader's handling of
 * the answers with accelerated backtracking.
 */
final class Replication {

    private final RaftCore core;

    Replication(RaftCore core) {
        this.core = core;
    }

    // ---- leader ------------------------------------------------------------------------

    /** Sends new entries to every peer that is not paused. */
    void broadcastAppend() {
        for (Map.Entry<Integer, Progress> e : core.progress.entrySet()) {
            Progress pr = e.getValue();
            if (!pr.isPaused() && (pr.next() <= core.log.lastIndex() || pr.state() == Progress.State.PROBE)) {
                sendAppend(e.getKey(), pr);
            }
        }
    }

    /**
     * Every heartbeat interval, one AppendEntries per peer, which doubles as the probe retry
     * and the retransmission timer: a probing peer gets the entries from {@code next}; a
     * replicating peer whose oldest unacknowledged message is a heartbeat interval old is
     * assumed to have lost it and goes back to probing; any other peer gets an empty
     * AppendEntries anchored at its match index (or at the log's base, if the match lies before
     * it), which cannot be rejected for a gap. A peer being sent a snapshot also gets its
     * unacknowledged chunks again if they seem lost ({@link Snapshots#heartbeat}).
     */
    void heartbeat() {
        for (Map.Entry<Integer, Progress> e : core.progress.entrySet()) {
            int peer = e.getKey();
            Progress pr = e.getValue();
            if (pr.state() == Progress.State.REPLICATE && !pr.inflights().isEmpty()
                    && core.tickCount - pr.lastProgressTick() >= core.config.heartbeatTicks()) {
                pr.becomeProbe();
            }
            if (pr.state() == Progress.State.PROBE) {
                pr.resumeProbe();
                sendAppend(peer, pr);
            } else {
                if (pr.state() == Progress.State.SNAPSHOT) {
                    core.snapshots.heartbeat(peer, pr);
                }
                long prev = Math.max(pr.match(), core.log.base().index());
                core.send(new AppendEntries(core.id, peer, core.term, prev, core.log.termAt(prev),
                        List.of(), core.commitIndex));
            }
        }
    }

    /**
     * Sends the entries from the peer's {@code next}, or, if the log no longer holds the entry
     * before them, starts sending it the snapshot instead.
     */
    void sendAppend(int peer, Progress pr) {
        if (pr.next() < core.log.firstIndex()) {
            core.snapshots.startSending(peer, pr);
            return;
        }
        long prev = pr.next() - 1;
        List<LogEntry> entries = core.log.slice(pr.next(), core.log.lastIndex(),
                core.config.maxEntriesPerAppend(), core.config.maxBytesPerAppend());
        core.send(new AppendEntries(core.id, peer, core.term, prev, core.log.termAt(prev),
                entries, core.commitIndex));
        pr.sent(entries.isEmpty() ? 0 : entries.get(entries.size() - 1).index(), core.tickCount);
    }

    void onAppendResponse(AppendEntriesResponse m) {
        if (core.role != Role.LEADER) {
            return;
        }
        Progress pr = core.progress.get(m.from());
        if (pr == null) {
            return;
        }
        if (m.success()) {
            boolean moved = pr.maybeUpdate(m.index(), core.tickCount);
            if (pr.state() == Progress.State.SNAPSHOT) {
                // The follower did not need the snapshot, or has installed it and its answer was
                // lost: if the log follows what it holds, go back to replicating.
                if (moved) {
                    maybeCommit();
                }
                if (pr.match() + 1 >= core.log.firstIndex()) {
                    pr.becomeProbe();
                    sendAppend(m.from(), pr);
                }
                return;
            }
            if (pr.state() == Progress.State.PROBE && m.index() >= pr.match()) {
                pr.becomeReplicate();
            } else if (moved) {
                pr.inflights().freeUpTo(m.index());
            }
            if (moved) {
                maybeCommit();
            }
            if (!pr.isPaused() && pr.next() <= core.log.lastIndex()) {
                sendAppend(m.from(), pr);
            }
        } else if (pr.maybeDecreaseTo(m.index(), hintedNext(m))) {
            sendAppend(m.from(), pr);
        }
    }

    /**
     * Where to resume after a rejection (accelerated backtracking): past the leader's last entry
     * of the follower's conflicting term if the leader has that term, else at the first index
     * the follower holds for it; a follower whose log is too short names its length.
     */
    private long hintedNext(AppendEntriesResponse m) {
        if (m.conflictTerm() <= 0) {
            return m.conflictIndex();
        }
        long last = core.log.lastIndexOfTerm(m.conflictTerm(), m.index());
        return last > 0 ? last + 1 : m.conflictIndex();
    }

    /**
     * Advances the commit index to the highest index a majority has persisted, but only if
     * that entry is of the current term (§5.4.2). The leader counts its own entries once they
     * are stable.
     */
    void maybeCommit() {
        long n = core.voters.committedIndex(v -> v == core.id ? core.log.stableIndex() : matchOf(v));
        if (n > core.commitIndex && core.log.termAt(n) == core.term) {
            core.commitIndex = n;
        }
    }

    private long matchOf(int peer) {
        Progress pr = core.progress.get(peer);
        return pr == null ? 0 : pr.match();
    }

    // ---- follower ----------------------------------------------------------------------

    /**
     * The receiver's side of AppendEntries (§5.3): recognise the leader, check the entry before
     * the new ones, append (truncating a conflicting suffix), and follow the leader's commit.
     */
    void onAppendEntries(AppendEntries m) {
        if (core.role == Role.LEADER) {
            return; // two leaders in one term cannot happen; ignore rather than corrupt
        }
        followLeader(m.from());
        if (core.snapshots.isInstalling()) {
            return; // the log changes when the install completes; the leader sends these again
        }
        if (m.prevLogIndex() < core.commitIndex) {
            // Everything up to our commit index already matches the leader's log.
            long matched = Math.max(core.commitIndex, lastMatchedWithin(m, core.commitIndex));
            core.send(AppendEntriesResponse.accept(core.id, m.from(), core.term, matched));
            return;
        }
        if (!core.log.matches(m.prevLogIndex(), m.prevLogTerm())) {
            core.send(rejection(m));
            return;
        }
        long truncated = core.log.appendOrTruncate(m.entries());
        if (truncated > 0 && truncated <= core.commitIndex) {
            throw new IllegalStateException("node " + core.id + " truncated committed entry " + truncated
                    + " (commit " + core.commitIndex + ") on " + m.describe());
        }
        long lastNew = m.prevLogIndex() + m.entries().size();
        long newCommit = Math.min(m.leaderCommit(), lastNew);
        if (newCommit > core.commitIndex) {
            core.commitIndex = newCommit;
        }
        core.send(AppendEntriesResponse.accept(core.id, m.from(), core.term, lastNew));
    }

    /** Recognises {@code leader} as this term's leader and restarts the election timer. */
    void followLeader(int leader) {
        if (core.role == Role.CANDIDATE || core.leaderId != leader) {
            core.becomeFollower(core.term, leader, "heard from leader " + leader + " in term " + core.term);
        }
        core.electionElapsed = 0;
    }

    /**
     * For a message that starts below our commit index: append what lies beyond it (those
     * entries follow matching entries) and return the last index that now matches.
     */
    private long lastMatchedWithin(AppendEntries m, long commit) {
        List<LogEntry> entries = m.entries();
        if (entries.isEmpty()) {
            return m.prevLogIndex();
        }
        long last = entries.get(entries.size() - 1).index();
        if (last <= commit) {
            return last;
        }
        int skip = (int) (commit - m.prevLogIndex());
        core.log.appendOrTruncate(entries.subList(skip, entries.size()));
        long newCommit = Math.min(m.leaderCommit(), last);
        if (newCommit > core.commitIndex) {
            core.commitIndex = newCommit;
        }
        return last;
    }

    private AppendEntriesResponse rejection(AppendEntries m) {
        long last = core.log.lastIndex();
        if (m.prevLogIndex() > last) {
            return AppendEntriesResponse.reject(core.id, m.from(), core.term, m.prevLogIndex(), 0, last + 1);
        }
        long conflictTerm = core.log.termAt(m.prevLogIndex());
        return AppendEntriesResponse.reject(core.id, m.from(), core.term, m.prevLogIndex(),
                conflictTerm, core.log.firstIndexOfTermAt(m.prevLogIndex()));
    }
}
