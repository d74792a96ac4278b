package io.kontiki.raft.testkit;

import io.kontiki.raft.core.StateMachine;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Receives every entry any incarnation of a server applies, and every snapshot it restores: the
 * lab's apply channel reader.
 *
 * <p><b>Thread:</b> called on the node's apply executor; calls for one server are sequential
 * and in log order per incarnation (a restarted incarnation starts again at index 1, or at the
 * index after the snapshot it restores first). <b>Errors:</b> throws {@link LabFailure} on an
 * apply error, which must fail the run.
 */
@FunctionalInterface
public interface LabApplier {

    void apply(int server, LogEntry entry);

    /**
     * {@link #apply}, and the snapshot the applier takes right after it, if any (the lab's
     * snapshot applier calls {@code rf.Snapshot(index, bytes)} after every index ≡ 9 mod 10): its
     * bytes, which the caller hands to the incarnation that applied the entry; null for none.
     */
    default byte[] applyAndSnapshot(int server, LogEntry entry) {
        apply(server, entry);
        return null;
    }

    /** How a state machine hands a snapshot to its own node ({@code RaftNode.snapshot}). */
    @FunctionalInterface
    interface Snapshotter {
        void snapshot(long index, long term, byte[] data);
    }

    /**
     * Server {@code server} restores a snapshot (the lab's {@code SnapshotValid} message, or the
     * ingestion at {@code start1}). The plain applier of parts 2A–2C never sees one.
     */
    default void restore(int server, SnapshotMeta snapshot, byte[] data) {
        throw new LabFailure("server " + server + " restored " + snapshot + ", but this applier takes no snapshots");
    }

    /** A new incarnation of {@code server} is starting (the lab's {@code start1}), before it applies anything. */
    default void started(int server) {
    }

    /**
     * The state machine of one incarnation of server {@code server}: applies and restores through
     * this applier, and hands the snapshots it takes to {@code node} (that incarnation's node, as
     * the lab's applier thread holds its own {@code rf}); anything they throw also goes to
     * {@code failures} (a real-time cluster records it there, to fail the scenario from its own
     * thread).
     */
    default StateMachine asStateMachine(int server, Snapshotter node, Consumer<Throwable> failures) {
        LabApplier applier = this;
        return new StateMachine() {
            @Override
            public void apply(LogEntry entry) {
                try {
                    byte[] snapshot = applier.applyAndSnapshot(server, entry);
                    if (snapshot != null) {
                        node.snapshot(entry.index(), entry.term(), snapshot);
                    }
                } catch (RuntimeException | Error t) {
                    failures.accept(t);
                    throw t;
                }
            }

            @Override
            public void restore(SnapshotMeta snapshot, InputStream data) throws IOException {
                byte[] bytes = data.readAllBytes();
                try {
                    applier.restore(server, snapshot, bytes);
                } catch (RuntimeException | Error t) {
                    failures.accept(t);
                    throw t;
                }
            }
        };
    }
}
