package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.InputStream;
import java.util.List;

/**
 * Durable hard state, log and snapshots. Methods are named after their durability:
 * {@link #saveHardState}, {@link #truncateSuffix}, {@link #append}, {@link #compact} and
 * {@link #writeSnapshotChunk} may buffer; only after {@link #sync} returns is everything written
 * before it durable. The driver calls them in the order hard state, truncate, append, snapshot
 * chunks, compact, sync — once per event-loop turn (group commit) — then, if the turn completed a
 * received snapshot, {@link #installSnapshot}; it releases the messages that depend on that state
 * only after these return (persist-then-send).
 *
 * <h2>Snapshots</h2>
 * A snapshot at index {@code i} stands for the log up to {@code i}. Two kinds of calls store one:
 * the application's own ({@link #saveSnapshot}, after which the driver lets the log before it be
 * {@link #compact}ed), and a snapshot received from the leader chunk by chunk
 * ({@link #writeSnapshotChunk}, then {@link #installSnapshot}). {@link #load} returns the newest
 * snapshot that is durable and verifies, and the log entries after it. A store keeps at least the
 * newest snapshot; it may keep older ones while a leader still sends them.
 *
 * <p><b>Threads.</b> The log and hard-state methods, {@code writeSnapshotChunk},
 * {@code installSnapshot} and {@code compact} are called by one thread at a time (the node's event
 * loop or the storage thread the driver hands them to), never concurrently with each other.
 * {@link #saveSnapshot}, {@link #readSnapshot} and {@link #openSnapshot} may be called from any
 * thread at any time, concurrently with the others (the application's snapshot thread, the
 * leader's chunk reader, the apply thread). <b>Blocking:</b> {@code sync}, {@code installSnapshot}
 * and the any-thread methods may block on the disk; the in-memory implementation never blocks.
 * <b>Errors:</b> an {@link java.io.UncheckedIOException} from a log or hard-state method means the
 * state is unknown; the node stops rather than acknowledge anything. An error from an any-thread
 * method concerns that snapshot only. The snapshot methods' defaults throw
 * {@link UnsupportedOperationException}: a storage without snapshots serves a node whose
 * application never takes one (and a leader that never takes one never sends one).
 */
public interface Storage {

    /** Reads everything persisted so far; called once, when a node starts. */
    PersistentState load();

    /** The index of the last stored entry; the snapshot's index when the log after it is empty. */
    long lastIndex();

    void saveHardState(HardState state);

    /** Removes every entry with index {@code >= fromIndex}. */
    void truncateSuffix(long fromIndex);

    /** Appends entries; the first one's index is {@code lastIndex() + 1}. */
    void append(List<LogEntry> entries);

    /** Makes everything written so far durable. */
    void sync();

    // ---- snapshots ------------------------------------------------------------------------

    /**
     * The entries up to {@code index} are no longer needed: a durable snapshot covers them. The
     * storage may discard them, or keep some (a whole segment, say) until later; {@link #load}
     * never returns entries at or before the newest snapshot.
     */
    default void compact(long index) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }

    /**
     * Writes a chunk of a snapshot received from the leader, at byte {@code offset}: either 0,
     * which starts a new partial snapshot and discards any other, or the end of the partial
     * snapshot of {@code snapshot} written so far. Durable after the next {@link #sync}; a
     * partial snapshot survives a restart ({@link PersistentState#receiving()}).
     */
    default void writeSnapshotChunk(SnapshotMeta snapshot, long offset, byte[] data) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }

    /**
     * Called after the {@link #sync} that made the last chunk of {@code snapshot} durable: verifies
     * the received bytes against it; if they match, makes it the newest snapshot, durably, and
     * resets the log after it — the entries after the snapshot's index are kept if the log holds an
     * entry at that index with the snapshot's term, otherwise every entry is discarded (the next
     * append then starts at the index after the snapshot's). If the store already holds a snapshot
     * at or past {@code snapshot}'s index, the partial one is discarded and nothing else changes.
     *
     * @return false if the bytes did not verify: the partial snapshot is discarded and nothing else
     *         changes (the leader sends it again from the start)
     */
    default boolean installSnapshot(SnapshotMeta snapshot) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }

    /**
     * Stores the application's snapshot of its state after applying entry {@code term/index},
     * written by {@code writer}, durably; returns its metadata. Any thread; blocking. If a
     * snapshot at or past {@code index} is already stored (one installed from the leader), the new
     * one may be dropped; the metadata returned then names what is stored.
     *
     * @throws java.io.UncheckedIOException if the writer or the disk fails; nothing changes
     */
    default SnapshotMeta saveSnapshot(long index, long term, SnapshotWriter writer) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }

    /**
     * Reads {@code length} bytes at {@code offset} of a stored snapshot. Any thread; blocking.
     *
     * @throws java.io.UncheckedIOException if the snapshot is no longer stored (a newer one
     *                                      replaced it) or cannot be read
     */
    default byte[] readSnapshot(SnapshotMeta snapshot, long offset, int length) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }

    /**
     * Opens a stored snapshot for the state machine to restore from; the caller closes the stream.
     * Any thread; blocking.
     *
     * @throws java.io.UncheckedIOException if the snapshot is no longer stored or cannot be read
     */
    default InputStream openSnapshot(SnapshotMeta snapshot) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support snapshots");
    }
}
