package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import java.util.List;
import java.util.Objects;

/**
 * Everything one batch of inputs produced, for the driver to carry out, in this order:
 * <ol>
 *   <li>persist {@link #hardState} (if not null) and {@link #entries} (if the first entry's
 *       index is at or below the stored last index, truncate the stored suffix from there
 *       first), write {@link #snapshotChunks} ({@link Storage#writeSnapshotChunk}), let the log
 *       up to {@link #compactTo} go ({@link Storage#compact}, if it is above 0), then sync;</li>
 *   <li>if {@link #installSnapshot} is not null: {@link Storage#installSnapshot} it, and tell the
 *       core the outcome ({@link RaftCore#snapshotInstalled}) once the rest of this Ready is
 *       carried out;</li>
 *   <li>only then send {@link #messages} (persist-then-send: a granted vote or an append
 *       acknowledgement depends on that state) — except that a leader's AppendEntries and a
 *       candidate's RequestVotes may leave before the persist completes
 *       ({@link #maySendBeforePersist});</li>
 *   <li>at any time, before or after the persist, send each of {@link #snapshotSends}: read its
 *       bytes from storage, off the event loop, and send the InstallSnapshot; if they cannot be
 *       read, tell the core ({@link RaftCore#snapshotUnavailable});</li>
 *   <li>hand {@link #restoreSnapshot} (if not null) and then {@link #committedEntries} to the
 *       state machine, in order;</li>
 *   <li>call {@link RaftCore#advance(Ready)}.</li>
 * </ol>
 *
 * @param hardState        the hard state to persist, or null when it did not change
 * @param entries          log entries to persist, consecutive
 * @param messages         messages to send once the above is durable
 * @param committedEntries entries newly known committed, consecutive, to apply in order
 * @param snapshotChunks   chunks of a snapshot received from the leader, to write in order
 * @param installSnapshot  the snapshot whose last chunk is in {@code snapshotChunks}, to install
 *                         after the sync; null if none
 * @param compactTo        the log up to this index is covered by a durable snapshot and may be
 *                         discarded; 0 if nothing new may go
 * @param restoreSnapshot  a snapshot installed from the leader, for the state machine to restore
 *                         before {@code committedEntries}; null if none
 * @param snapshotSends    chunks of this leader's snapshot to read and send
 */
public record Ready(HardState hardState, List<LogEntry> entries, List<RaftMessage> messages,
                    List<LogEntry> committedEntries, List<InstallSnapshot> snapshotChunks,
                    SnapshotMeta installSnapshot, long compactTo, SnapshotMeta restoreSnapshot,
                    List<SnapshotChunkRequest> snapshotSends) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        snapshotChunks = List.copyOf(snapshotChunks);
        snapshotSends = List.copyOf(snapshotSends);
        if (installSnapshot != null && (snapshotChunks.isEmpty()
                || !Objects.equals(snapshotChunks.get(snapshotChunks.size() - 1).snapshot(), installSnapshot))) {
            throw new IllegalArgumentException("a snapshot to install must come with its last chunk");
        }
    }

    /** A Ready without snapshot work. */
    public Ready(HardState hardState, List<LogEntry> entries, List<RaftMessage> messages,
                 List<LogEntry> committedEntries) {
        this(hardState, entries, messages, committedEntries, List.of(), null, 0, null, List.of());
    }

    /**
     * True for the messages a driver may send before this Ready is durable, in parallel with
     * the local write:
     * <ul>
     *   <li>a leader's AppendEntries (thesis §10.2.1: the leader writes its log in parallel with
     *       its followers): its term became durable in an earlier Ready, its entries are counted
     *       for the leader only once stable, and its commit index only covers stable entries;</li>
     *   <li>a candidate's RequestVote: should the candidate crash before its new term and
     *       self-vote are durable, the votes it gathered are for a candidacy that is gone (it
     *       restarts in its old term), and if it wins before then, nothing it sends as leader
     *       leaves before that Ready is durable, as the driver hands out the next Ready only
     *       after this one's persist.</li>
     * </ul>
     * Everything else — vote answers, acknowledgements — waits for the persist. (A leader's
     * snapshot chunks are not messages of a Ready but {@link #snapshotSends}, which need no
     * persist either: they depend on nothing but the leader's durable snapshot and term.)
     */
    public static boolean maySendBeforePersist(RaftMessage m) {
        return m instanceof AppendEntries || m instanceof RequestVote;
    }

    /** True if there is something to persist. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || !snapshotChunks.isEmpty() || compactTo > 0;
    }
}
