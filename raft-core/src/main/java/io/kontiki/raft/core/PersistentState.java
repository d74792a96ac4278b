package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import java.util.List;

/**
 * What a {@link Storage} hands back on start: the hard state and the whole log, in order,
 * starting at index 1 and without gaps.
 */
public record PersistentState(HardState hardState, List<LogEntry> entries) {

    public static final PersistentState EMPTY = new PersistentState(HardState.INITIAL, List.of());

    public PersistentState {
        entries = List.copyOf(entries);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).index() != i + 1) {
                throw new IllegalArgumentException("log must be contiguous from index 1; entry " + i
                        + " has index " + entries.get(i).index());
            }
        }
    }
}
