package io.kontiki.raft.core.message;

import io.kontiki.raft.core.log.LogEntry;
import java.util.List;

/**
 * The leader replicates entries and, with an empty list, sends a heartbeat (§5.3). The
 * receiver accepts only if its log holds an entry at {@code prevLogIndex} whose term is
 * {@code prevLogTerm}.
 *
 * @param entries consecutive entries starting at {@code prevLogIndex + 1}; immutable
 */
public record AppendEntries(int from, int to, long term, long prevLogIndex, long prevLogTerm,
                            List<LogEntry> entries, long leaderCommit) implements RaftMessage {

    public AppendEntries {
        entries = List.copyOf(entries);
    }

    /** True for a heartbeat: an AppendEntries with no entries. */
    public boolean isHeartbeat() {
        return entries.isEmpty();
    }

    @Override
    public boolean isRequest() {
        return true;
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(96).append(from).append("->").append(to)
                .append(" AppendEntries term=").append(term)
                .append(" prev=").append(prevLogTerm).append('/').append(prevLogIndex)
                .append(" commit=").append(leaderCommit).append(" entries=[");
        int n = entries.size();
        if (n == 1) {
            b.append(entries.get(0).id());
        } else if (n > 1) {
            b.append(entries.get(0).id()).append("..").append(entries.get(n - 1).id())
                    .append(" (").append(n).append(')');
        }
        return b.append(']').toString();
    }
}
