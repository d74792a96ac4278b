package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;

/**
 * The application that committed entries are applied to.
 *
 * <p><b>Thread:</b> every method is called on the node's apply executor, never on the event loop,
 * so a slow state machine never delays a heartbeat. Calls are sequential and in log order: indexes
 * increase by one from the first entry not yet applied in this incarnation of the node. A node
 * that starts with a snapshot first {@linkplain #restore restores} it and then applies from the
 * index after it (without one, from index 1, since the log is replayed); a snapshot installed from
 * the leader is restored in the same stream, after the entries before it. No-op entries are passed
 * too, so that the application sees every index; it may ignore them.
 *
 * <p><b>Blocking:</b> may block; later entries wait. <b>Errors:</b> an exception from
 * {@code apply} or {@code restore} is logged and stops application on this node (the state
 * machine's state is then unknown); one from {@code snapshot} abandons that snapshot.
 */
public interface StateMachine {

    void apply(LogEntry entry);

    /**
     * Captures the state after the last entry applied, for a snapshot: returns a writer that
     * writes it later, possibly on another thread while entries are being applied (so it must not
     * read the live state). Called when the driver's thresholds say the log has grown
     * ({@code RaftConfig.snapshotEntries}, {@code snapshotBytes}).
     */
    default SnapshotWriter snapshot() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take snapshots");
    }

    /**
     * Replaces the whole state by the snapshot's: the state after applying every entry up to
     * {@code snapshot.index()}. The stream holds the bytes a {@link SnapshotWriter} wrote (on this
     * node or, for a snapshot installed from the leader, on the leader); the driver closes it.
     */
    default void restore(SnapshotMeta snapshot, InputStream data) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not restore snapshots");
    }
}
