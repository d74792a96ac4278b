package io.kontiki.raft.core;

import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.progress.Progress;

/**
 * Log compaction and InstallSnapshot (§7 of the extended paper), on both sides. Works on
 * {@link RaftCore}'s state; messages are handled only after their term has been reconciled.
 *
 * <h2>Compaction</h2>
 * The application stores a snapshot and says so ({@link #snapshotTaken}); the log then discards
 * what the snapshot covers, except the last {@code catchUpEntries} before it (a follower a little
 * behind catches up from those), and, on a leader, except what an active transfer of an older
 * snapshot still needs to follow it. Only stable entries are discarded.
 *
 * <h2>Sending (leader)</h2>
 * A follower whose next entry is no longer in the log is sent the newest snapshot in chunks of
 * {@code snapshotChunkBytes}, with at most {@code maxSnapshotInflightBytes} beyond the last
 * acknowledged offset, and to at most {@code maxSnapshotSends} followers at a time (the rest keep
 * probing until a transfer ends). When no answer has come for a heartbeat interval, one chunk is
 * sent again from the acknowledged offset, and the window reopens once the follower answers; so a
 * transfer survives lost messages and partitions, and resumes where the follower's durable bytes
 * end.
 *
 * <h2>Receiving (follower)</h2>
 * A chunk is written only if it starts where the bytes held end (at 0 it starts a new transfer);
 * the answer, sent once the chunk is durable, names the offset expected next. The last chunk
 * makes the driver verify and install the snapshot; until it reports back, the log does not
 * change (AppendEntries are dropped; the leader resends them). A snapshot is installed only if it
 * is newer than what the follower has committed; one the follower does not need is answered as an
 * AppendEntries would be, so the leader goes back to replicating.
 */
final class Snapshots {

    private final RaftCore core;

    /** Follower: the snapshot being received, the bytes of it held (durably once acknowledged), its sender. */
    private SnapshotMeta receiving = SnapshotMeta.NONE;
    private long received;
    private int receivingFrom = RaftConfig.NO_NODE;
    /** Follower: the snapshot handed to the driver to install, until it reports back. */
    private SnapshotMeta installing = SnapshotMeta.NONE;

    Snapshots(RaftCore core, PartialSnapshot partial) {
        this.core = core;
        if (partial != null && partial.snapshot().index() > core.log.snapshotId().index()) {
            receiving = partial.snapshot();
            received = partial.bytes();
        }
    }

    /** True while a received snapshot is being installed: the log must not change. */
    boolean isInstalling() {
        return !installing.isNone();
    }

    // ---- compaction ----------------------------------------------------------------------

    /** The application stored {@code meta} durably. Older than the log's snapshot: ignored. */
    void snapshotTaken(SnapshotMeta meta) {
        if (meta.index() <= core.log.snapshotId().index()) {
            return;
        }
        if (meta.index() > core.commitIndex || core.log.termAt(meta.index()) != meta.term()) {
            throw new IllegalArgumentException("node " + core.id + ": " + meta + " does not match the committed log"
                    + " (commit " + core.commitIndex + ", term " + core.log.termAt(meta.index()) + " at its index)");
        }
        core.snapshot = meta;
        core.log.snapshotTaken(meta.id());
        maybeCompact();
    }

    /** Discards what the snapshot covers and nothing still needed (see the class comment). */
    void maybeCompact() {
        long target = Math.min(core.log.snapshotId().index() - core.config.catchUpEntries(), core.log.stableIndex());
        for (Progress pr : core.progress.values()) {
            if (pr.state() == Progress.State.SNAPSHOT && isActive(pr)) {
                target = Math.min(target, pr.snapshot().index());
            }
        }
        if (target > core.log.base().index()) {
            core.log.compactTo(target);
            core.compactPending = target;
        }
    }

    /** A transfer that had an acknowledgement within an election timeout. */
    private boolean isActive(Progress pr) {
        return core.tickCount - pr.lastProgressTick() < core.config.electionTicks();
    }

    // ---- leader ------------------------------------------------------------------------

    /**
     * Starts sending the newest snapshot to {@code peer}, whose next entry the log no longer holds,
     * if fewer than {@code maxSnapshotSends} transfers are running; otherwise the peer stays paused
     * until the next heartbeat.
     */
    void startSending(int peer, Progress pr) {
        int running = 0;
        for (Progress other : core.progress.values()) {
            if (other.state() == Progress.State.SNAPSHOT) {
                running++;
            }
        }
        if (running >= core.config.maxSnapshotSends()) {
            pr.sent(0, core.tickCount); // paused probe: retried at the next heartbeat
            return;
        }
        pr.becomeSnapshot(core.snapshot, core.tickCount);
        sendChunks(peer, pr);
    }

    /** Sends chunks while the flow-control window allows. */
    private void sendChunks(int peer, Progress pr) {
        int length;
        while ((length = pr.nextChunkLength(core.config.snapshotChunkBytes(), core.config.maxSnapshotInflightBytes())) >= 0) {
            core.chunkSends.add(new SnapshotChunkRequest(core.id, peer, core.term, pr.snapshot(), pr.snapshotSent(), length));
            pr.chunkSent(length);
        }
    }

    /**
     * Every heartbeat interval, for a peer in SNAPSHOT: abandons a transfer that the log no longer
     * follows (a newer snapshot took its place: the peer starts over with it), and resends what
     * was not acknowledged within the interval.
     */
    void heartbeat(int peer, Progress pr) {
        if (pr.snapshot().index() < core.log.base().index()) {
            pr.becomeProbe();
            startSending(peer, pr);
            return;
        }
        // A heartbeat interval without an answer: the chunks (or their answers) are lost, or the
        // follower is down or slow. One chunk is resent, not the window: on top of a follower that
        // is only slow (a long fsync), a second window would fill the transport's buffer.
        if (core.tickCount - pr.snapshotQuietSince() >= core.config.heartbeatTicks()) {
            pr.resendFromAcked(core.config.snapshotChunkBytes(), core.tickCount);
            sendChunks(peer, pr);
        }
    }

    void onInstallSnapshotResponse(InstallSnapshotResponse m) {
        if (core.role != Role.LEADER) {
            return;
        }
        Progress pr = core.progress.get(m.from());
        if (pr == null) {
            return;
        }
        if (m.installed()) {
            if (pr.maybeUpdate(m.snapshotIndex(), core.tickCount)) {
                core.replication.maybeCommit();
            }
            if (pr.state() == Progress.State.SNAPSHOT) {
                pr.becomeProbe();
                core.replication.sendAppend(m.from(), pr);
            }
            return;
        }
        if (pr.state() != Progress.State.SNAPSHOT || m.snapshotIndex() != pr.snapshot().index()) {
            return;
        }
        if (pr.snapshotAcknowledged(m.nextOffset(), core.tickCount)) {
            sendChunks(m.from(), pr);
        }
    }

    /** The driver could not read a chunk of the snapshot sent to {@code peer}: start over with the newest. */
    void snapshotUnavailable(int peer, SnapshotMeta meta) {
        Progress pr = core.progress.get(peer);
        if (core.role == Role.LEADER && pr != null && pr.state() == Progress.State.SNAPSHOT
                && pr.snapshot().equals(meta)) {
            pr.becomeProbe();
            if (!core.snapshot.equals(meta)) {
                startSending(peer, pr);
            }
        }
    }

    // ---- follower ----------------------------------------------------------------------

    void onInstallSnapshot(InstallSnapshot m) {
        if (core.role == Role.LEADER) {
            return; // two leaders in one term cannot happen; ignore rather than corrupt
        }
        core.replication.followLeader(m.from());
        SnapshotMeta s = m.snapshot();
        if (s.index() <= core.commitIndex) {
            // Nothing to install: what we hold up to our commit index matches the leader's log.
            core.send(AppendEntriesResponse.accept(core.id, m.from(), core.term, core.commitIndex));
            return;
        }
        if (!isInstalling() && core.log.matches(s.index(), s.term())) {
            // We hold the entries the snapshot covers (Figure 13, step 6): no need for it.
            core.commitIndex = s.index();
            core.send(AppendEntriesResponse.accept(core.id, m.from(), core.term, s.index()));
            return;
        }
        if (isInstalling()) {
            answer(m.from(), s, installing.equals(s) ? s.size() : 0);
            return;
        }
        if (!receiving.equals(s)) {
            if (m.offset() != 0) {
                answer(m.from(), s, 0);
                return;
            }
            receiving = s;
            received = 0;
        }
        receivingFrom = m.from();
        if (m.offset() != received) {
            answer(m.from(), s, received);
            return;
        }
        core.chunksToWrite.add(m);
        received += m.data().length;
        if (m.isLast()) {
            installing = s;
            core.installToStart = s;
        } else {
            answer(m.from(), s, received);
        }
    }

    /**
     * The driver installed (or failed to verify) the snapshot handed out with its last chunk. On
     * success the log restarts after it (keeping the entries that follow it, if they match), the
     * commit index moves to it, and the state machine is to restore it before applying anything
     * after it.
     */
    void snapshotInstalled(SnapshotMeta meta, boolean ok) {
        if (!installing.equals(meta)) {
            throw new IllegalStateException("node " + core.id + ": installed " + meta + " but was installing "
                    + installing);
        }
        installing = SnapshotMeta.NONE;
        receiving = SnapshotMeta.NONE;
        received = 0;
        int to = core.leaderId != RaftConfig.NO_NODE ? core.leaderId : receivingFrom;
        if (!ok) {
            answerIfKnown(to, meta, 0, false);
            return;
        }
        if (meta.index() > core.log.snapshotId().index()) {
            core.log.restore(meta.id());
            core.snapshot = meta;
            core.commitIndex = Math.max(core.commitIndex, meta.index());
            if (meta.index() > core.handedOutIndex) {
                core.restorePending = meta;
                core.handedOutIndex = meta.index();
            }
        }
        answerIfKnown(to, meta, meta.size(), true);
    }

    private void answer(int to, SnapshotMeta s, long nextOffset) {
        core.send(new InstallSnapshotResponse(core.id, to, core.term, s.index(), nextOffset, false));
    }

    private void answerIfKnown(int to, SnapshotMeta s, long nextOffset, boolean installed) {
        if (to != RaftConfig.NO_NODE && to != core.id) {
            core.send(new InstallSnapshotResponse(core.id, to, core.term, s.index(), nextOffset, installed));
        }
    }
}
