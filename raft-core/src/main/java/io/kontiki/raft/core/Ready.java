package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.List;

/**
 * Everything one batch of inputs produced, for the driver to carry out, in this order:
 * <ol>
 *   <li>persist {@link #hardState} (if not null) and {@link #entries} (if the first entry's
 *       index is at or below the stored last index, truncate the stored suffix from there
 *       first), then sync;</li>
 *   <li>only then send {@link #messages} (persist-then-send: a granted vote, an append
 *       acknowledgement, a leader's own entries all depend on that state);</li>
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

    /** True if there is something to persist. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty();
    }
}
