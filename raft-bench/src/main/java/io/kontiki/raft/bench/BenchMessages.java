package io.kontiki.raft.bench;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import java.util.ArrayList;
import java.util.List;

/** The messages the benchmarks send: from leader 1 to follower 2, term 1, on an empty log. */
public final class BenchMessages {

    public static final int LEADER = 1;
    public static final int FOLLOWER = 2;
    public static final long TERM = 1;

    private BenchMessages() {
    }

    /** A heartbeat: an empty AppendEntries anchored at 0/0, commit 0. */
    public static AppendEntries heartbeat() {
        return new AppendEntries(LEADER, FOLLOWER, TERM, 0, 0, List.of(), 0);
    }

    /** An AppendEntries of {@code count} command entries of {@code bytes} bytes each, at indexes 1..count. */
    public static AppendEntries withEntries(int count, int bytes) {
        List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            for (int j = 0; j < bytes; j++) {
                data[j] = (byte) (31 * i + j);
            }
            entries.add(LogEntry.command(TERM, i + 1, data));
        }
        return new AppendEntries(LEADER, FOLLOWER, TERM, 0, 0, entries, 0);
    }

    /** The message a benchmark parameter names: {@code heartbeat} or {@code entries10x64}. */
    public static AppendEntries named(String name) {
        return switch (name) {
            case "heartbeat" -> heartbeat();
            case "entries10x64" -> withEntries(10, 64);
            default -> throw new IllegalArgumentException("unknown message: " + name);
        };
    }
}
