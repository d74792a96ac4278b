package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.List;

/**
 * Everything one batch of inputs produced, for the driver to carry out, in this order:
 * <ol>
 *   <li>persist {@link #hardState} (if not null) and {@link #entries} (if the first entry's
 *       index is at or below the stored last index, truncate the stored suffix from there
 *       first), then sync;</li>
 *   <li>only then send {@link #messages} (persist-then-send: a granted vote or an append
 *       acknowledgement depends on that state) — except that a leader's AppendEntries and a
 *       candidate's RequestVotes may leave before the persist completes
 *       ({@link #maySendBeforePersist});</li>
 *   <li>hand {@link #committedEntries} to the state machine, in order;</li>
 *   <li>call {@link RaftCore#advance(Ready)}.</li>
 * </ol>
 *
 * @param hardState        the hard state to persist, or null when it did not change
 * @param entries          log entries to persist, consecutive
 * @param messages         messages to send once the above is durable
 * @param committedEntries entries newly known committed, consecutive, to apply in order
 */
public record Ready(HardState hardState, List<LogEntry> entries, List<RaftMessage> messages,
                    List<LogEntry> committedEntries) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
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
     * Everything else — vote answers, acknowledgements — waits for the persist.
     */
    public static boolean maySendBeforePersist(RaftMessage m) {
        return m instanceof AppendEntries || m instanceof RequestVote;
    }

    /** True if there is something to persist. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty();
    }
}
