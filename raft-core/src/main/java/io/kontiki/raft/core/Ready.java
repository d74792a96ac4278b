package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.List;

/**
 * Everything one batch of inputs produced, for the driver to carry out, in this order:
 * <ol>
 *   <li>persist {@link #hardState} (if not null) and {@link #entries} (if the first entry's
 *       index is at or below the stored last index, truncate the stored suffix from there
 *       first), then sync;</li>
 *   <li>only then send {@link #messages} (persist-then-send: a granted vote or an append
 *       acknowledgement depends on that state) — except that a leader's AppendEntries may
 *       leave before the persist completes ({@link #maySendBeforePersist});</li>
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
     * True for the messages a driver may send before this Ready is durable: a leader's
     * AppendEntries (thesis §10.2.1: the leader writes its log in parallel with its followers).
     * Its term was made durable before the leader's RequestVotes left, its entries are counted
     * for the leader only once stable, and its commit index only covers stable entries.
     * Everything else — votes, acknowledgements — waits for the persist.
     */
    public static boolean maySendBeforePersist(RaftMessage m) {
        return m instanceof AppendEntries;
    }

    /** True if there is something to persist. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty();
    }
}
