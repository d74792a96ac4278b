package io.kontiki.raft.core.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log. Immutable: the data array is never modified after
 * construction, by the core or by anyone it hands the entry to.
 *
 * @param term  the leader's term when the entry was created (≥ 1)
 * @param index the entry's position in the log (≥ 1)
 * @param type  command or no-op
 * @param data  the command's bytes; empty for a no-op; never null
 */
public record LogEntry(long term, long index, EntryType type, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public LogEntry {
        if (term < 1) {
            throw new IllegalArgumentException("term must be >= 1: " + term);
        }
        if (index < 1) {
            throw new IllegalArgumentException("index must be >= 1: " + index);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    public static LogEntry command(long term, long index, byte[] data) {
        return new LogEntry(term, index, EntryType.COMMAND, data);
    }

    public static LogEntry noop(long term, long index) {
        return new LogEntry(term, index, EntryType.NOOP, EMPTY);
    }

    public EntryId id() {
        return new EntryId(term, index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.term == term && e.index == index && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(term, index, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return term + "/" + index + (type == EntryType.NOOP ? "(noop)" : "(" + data.length + "B)");
    }
}
