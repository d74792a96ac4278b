package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.util.List;

/**
 * What a {@link Storage} hands back on start: the hard state, the newest durable snapshot
 * ({@link SnapshotMeta#NONE} if there is none), and the log entries that follow it, in order,
 * starting at the index after the snapshot's and without gaps; and the snapshot it was receiving
 * from a leader, if any ({@code receiving}, null if none), to resume the transfer.
 */
public record PersistentState(HardState hardState, SnapshotMeta snapshot, List<LogEntry> entries,
                              PartialSnapshot receiving) {

    public static final PersistentState EMPTY = new PersistentState(HardState.INITIAL, List.of());

    /** State without a snapshot: the log starts at index 1. */
    public PersistentState(HardState hardState, List<LogEntry> entries) {
        this(hardState, SnapshotMeta.NONE, entries, null);
    }

    /** State with a snapshot and nothing being received. */
    public PersistentState(HardState hardState, SnapshotMeta snapshot, List<LogEntry> entries) {
        this(hardState, snapshot, entries, null);
    }

    public PersistentState {
        entries = List.copyOf(entries);
        long first = snapshot.index() + 1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).index() != first + i) {
                throw new IllegalArgumentException("log must be contiguous from index " + first + "; entry " + i
                        + " has index " + entries.get(i).index());
            }
        }
    }
}
