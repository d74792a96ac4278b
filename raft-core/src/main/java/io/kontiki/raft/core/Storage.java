package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import java.util.List;

/**
 * Durable hard state and log. Methods are named after their durability: {@link #saveHardState},
 * {@link #truncateSuffix} and {@link #append} may buffer; only after {@link #sync} returns is
 * everything written before it durable. The driver calls them in the order
 * hard state, truncate, append, sync — once per event-loop turn (group commit) — and releases
 * the messages that depend on that state only after {@code sync} returns (persist-then-send).
 *
 * <p><b>Thread:</b> called by one thread at a time (the node's event loop or the storage
 * thread the driver hands it to), never concurrently. <b>Blocking:</b> {@code sync} may block
 * on the disk; the in-memory implementation never blocks. <b>Errors:</b> an
 * {@link java.io.UncheckedIOException} means the state is unknown; the node stops rather than
 * acknowledge anything.
 */
public interface Storage {

    /** Reads everything persisted so far; called once, when a node starts. */
    PersistentState load();

    /** The index of the last stored entry, 0 when the log is empty. */
    long lastIndex();

    void saveHardState(HardState state);

    /** Removes every entry with index {@code >= fromIndex}. */
    void truncateSuffix(long fromIndex);

    /** Appends entries; the first one's index is {@code lastIndex() + 1}. */
    void append(List<LogEntry> entries);

    /** Makes everything written so far durable. */
    void sync();
}
