package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Storage in memory, for tests and simulations. It behaves like the lab's persister: what was
 * written survives a simulated crash when the harness restarts the node from {@link #copy()},
 * and a crashed (zombie) instance that keeps writing to the old object cannot touch the copy.
 * {@link #sync()} is a no-op: everything written is "durable" at once.
 *
 * <p>Thread-safe: every method is synchronized, so a harness on another thread may read it.
 */
public final class InMemoryStorage implements Storage {

    private HardState hardState;
    private final ArrayList<LogEntry> entries;

    public InMemoryStorage() {
        this(HardState.INITIAL, List.of());
    }

    private InMemoryStorage(HardState hardState, List<LogEntry> entries) {
        this.hardState = hardState;
        this.entries = new ArrayList<>(entries);
    }

    /** An independent copy: writes to either object do not affect the other. */
    public synchronized InMemoryStorage copy() {
        return new InMemoryStorage(hardState, entries);
    }

    @Override
    public synchronized PersistentState load() {
        return new PersistentState(hardState, entries);
    }

    @Override
    public synchronized long lastIndex() {
        return entries.size();
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized void saveHardState(HardState state) {
        this.hardState = state;
    }

    @Override
    public synchronized void truncateSuffix(long fromIndex) {
        if (fromIndex < 1) {
            throw new IllegalArgumentException("fromIndex must be >= 1: " + fromIndex);
        }
        while (entries.size() >= fromIndex) {
            entries.remove(entries.size() - 1);
        }
    }

    @Override
    public synchronized void append(List<LogEntry> newEntries) {
        for (LogEntry e : newEntries) {
            if (e.index() != entries.size() + 1) {
                throw new IllegalArgumentException("append out of order: expected index "
                        + (entries.size() + 1) + ", got " + e.index());
            }
            entries.add(e);
        }
    }

    @Override
    public void sync() {
        // In memory: durable as soon as written.
    }

    /**
     * The persisted size in bytes under a compact encoding: the hard state as two 8-byte
     * numbers, each entry as term, index (8 bytes each), type (1 byte), length (4 bytes) and
     * data. The lab harness's {@code LogSize()} reads this.
     */
    public synchronized long sizeInBytes() {
        long size = 16;
        for (LogEntry e : entries) {
            size += 21 + e.data().length;
        }
        return size;
    }
}
