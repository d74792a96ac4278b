package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot half of {@link RaftNode}'s duties, on the threads it names: restoring the state
 * machine (apply executor), taking snapshots when the thresholds say so or on request (captured on
 * the apply executor, written on the snapshot executor), telling the core once one is stored
 * (loop), and reading the chunks a leader sends (snapshot executor, else storage executor, else
 * loop) before sending them from the loop. Package-private: part of the driver.
 */
final class NodeSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSnapshots.class);

    private final RaftNode node;
    private final RaftConfig config;
    private final Storage storage;
    private final StateMachine stateMachine;
    /** Null: write snapshots on the apply executor, read chunks on {@link #chunkReader}. */
    private final Executor snapshotExecutor;
    /** Null: read chunks on the loop. */
    private final Executor chunkReader;

    /** Apply executor only: the term of the last entry applied, and what was applied since the last snapshot. */
    private long appliedTerm;
    private long lastSnapshotIndex;
    private long bytesSinceSnapshot;
    private double stretch = 1 + java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.25);
    private volatile boolean inProgress;

    /** Loop only: each peer's transfer, for the log lines. */
    private final Map<Integer, Transfer> transfers = new HashMap<>();
    /** The chunk reader's: the last snapshot it could not read, so that it says so once. */
    private volatile SnapshotMeta lastUnreadable = SnapshotMeta.NONE;

    NodeSnapshots(RaftNode node, RaftConfig config, Storage storage, StateMachine stateMachine,
                  Executor snapshotExecutor, Executor storageExecutor) {
        this.node = node;
        this.config = config;
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.snapshotExecutor = snapshotExecutor;
        this.chunkReader = snapshotExecutor != null ? snapshotExecutor : storageExecutor;
    }

    // ---- apply executor ------------------------------------------------------------------

    /** The state machine restores {@code snapshot} from storage; returns false if it failed (logged). */
    boolean restore(SnapshotMeta snapshot) {
        try (InputStream in = storage.openSnapshot(snapshot)) {
            stateMachine.restore(snapshot, in);
        } catch (Exception ex) {
            LOG.error("node {}: state machine failed to restore {}; applying stops on this node", node.id(), snapshot, ex);
            return false;
        }
        appliedTerm = snapshot.term();
        lastSnapshotIndex = snapshot.index();
        bytesSinceSnapshot = 0;
        return true;
    }

    /** {@code e} was applied. */
    void applied(LogEntry e) {
        appliedTerm = e.term();
        bytesSinceSnapshot += e.data().length;
    }

    /**
     * After a batch of applies: takes a snapshot if the entries or bytes since the last one pass a
     * threshold. Each node stretches the thresholds by a random factor in [1, 1.25), drawn anew
     * after each snapshot: nodes that apply the same entries would otherwise all snapshot at the
     * same index, at the same moment, and on a machine they share (or in a cluster under one
     * load) the bursts of serializing and writing add up.
     */
    void maybeSnapshot(long appliedIndex) {
        if (config.takesSnapshots() && !inProgress
                && ((config.snapshotEntries() > 0 && appliedIndex - lastSnapshotIndex >= config.snapshotEntries() * stretch)
                    || (config.snapshotBytes() > 0 && bytesSinceSnapshot >= config.snapshotBytes() * stretch))) {
            start(appliedIndex, null);
        }
    }

    /**
     * Captures the state machine's snapshot after {@code appliedIndex}, then stores it on the
     * snapshot executor (inline without one). {@code result}, if not null, learns the outcome.
     */
    void start(long appliedIndex, CompletableFuture<SnapshotMeta> result) {
        if (inProgress || appliedIndex == lastSnapshotIndex) {
            if (result != null) {
                result.completeExceptionally(new IllegalStateException(inProgress ? "a snapshot is already being taken"
                        : "nothing was applied since the snapshot at index " + lastSnapshotIndex));
            }
            return;
        }
        long term = appliedTerm;
        SnapshotWriter writer;
        try {
            writer = stateMachine.snapshot();
        } catch (RuntimeException e) {
            LOG.warn("node {}: the state machine could not take a snapshot at index {}: {}", node.id(), appliedIndex,
                    e.toString());
            if (result != null) {
                result.completeExceptionally(e);
            }
            return;
        }
        inProgress = true;
        lastSnapshotIndex = appliedIndex;
        bytesSinceSnapshot = 0;
        stretch = 1 + java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.25);
        Runnable store = () -> {
            try {
                SnapshotMeta meta = storage.saveSnapshot(appliedIndex, term, writer);
                stored(meta);
                if (result != null) {
                    result.complete(meta);
                }
            } catch (RuntimeException e) {
                LOG.warn("node {}: could not store a snapshot at index {}: {}", node.id(), appliedIndex, e.toString());
                if (result != null) {
                    result.completeExceptionally(e);
                }
            } finally {
                inProgress = false;
            }
        };
        if (snapshotExecutor != null) {
            snapshotExecutor.execute(store);
        } else {
            store.run();
        }
    }

    // ---- any thread ----------------------------------------------------------------------

    /** A snapshot is durable in storage: the core may discard the log it covers. */
    void stored(SnapshotMeta meta) {
        node.onLoop(() -> {
            try {
                node.core().snapshotTaken(meta);
            } catch (IllegalArgumentException e) {
                LOG.error("node {}: {}", node.id(), e.getMessage());
            }
            node.scheduleFlush();
        });
    }

    // ---- loop ----------------------------------------------------------------------------

    /**
     * A leader's snapshot chunks: read off the loop (on the snapshot executor, else the storage
     * executor), then sent from the loop. A chunk that cannot be read (a newer snapshot replaced
     * it) makes the core start that follower over.
     */
    void send(List<SnapshotChunkRequest> requests) {
        for (SnapshotChunkRequest r : requests) {
            logTransfer(r);
            if (chunkReader == null) {
                sendChunk(r, readChunk(r));
            } else {
                chunkReader.execute(() -> {
                    byte[] data = readChunk(r);
                    node.onLoop(() -> sendChunk(r, data));
                });
            }
        }
    }

    /**
     * One line when a transfer starts, when it skips ahead to where the follower's bytes end (a
     * resumed transfer), and when it first goes back to resend unacknowledged chunks after a
     * stall; further resends of one stall, until the transfer gets past where it was, only at
     * debug level.
     */
    private void logTransfer(SnapshotChunkRequest r) {
        Transfer t = transfers.get(r.to());
        long end = r.offset() + r.length();
        if (t == null || !t.snapshot.equals(r.snapshot()) || t.term != r.term()) {
            transfers.put(r.to(), new Transfer(r.snapshot(), r.term(), end, end));
            if (r.offset() == 0) {
                LOG.info("node {}: sending {} to node {} in chunks of up to {} bytes", node.id(), r.snapshot(), r.to(),
                        config.snapshotChunkBytes());
            } else {
                LOG.info("node {}: resuming {} to node {} at offset {}", node.id(), r.snapshot(), r.to(), r.offset());
            }
            return;
        }
        if (r.offset() > t.lastEnd) {
            LOG.info("node {}: resuming {} to node {} at offset {}, where its durable bytes end", node.id(),
                    r.snapshot(), r.to(), r.offset());
            t.stalled = false;
        } else if (r.offset() < t.lastEnd && !t.stalled) {
            t.stalled = true;
            LOG.info("node {}: resending {} to node {} from offset {} (no acknowledgement for a heartbeat interval)",
                    node.id(), r.snapshot(), r.to(), r.offset());
        } else if (r.offset() < t.lastEnd) {
            LOG.debug("node {}: resending {} to node {} from offset {}", node.id(), r.snapshot(), r.to(), r.offset());
        }
        if (end > t.highestEnd) {
            t.highestEnd = end;
            t.stalled = false;
        }
        t.lastEnd = end;
    }

    /** Loop only: what the log lines know of one transfer. */
    private static final class Transfer {
        final SnapshotMeta snapshot;
        final long term;
        long lastEnd;
        long highestEnd;
        boolean stalled;

        Transfer(SnapshotMeta snapshot, long term, long lastEnd, long highestEnd) {
            this.snapshot = snapshot;
            this.term = term;
            this.lastEnd = lastEnd;
            this.highestEnd = highestEnd;
        }
    }

    private byte[] readChunk(SnapshotChunkRequest r) {
        try {
            return storage.readSnapshot(r.snapshot(), r.offset(), r.length());
        } catch (RuntimeException e) {
            if (!r.snapshot().equals(lastUnreadable)) { // one line per snapshot, not per chunk in flight
                lastUnreadable = r.snapshot();
                LOG.info("node {}: cannot read {} for node {} ({}); sending the newest snapshot instead", node.id(),
                        r.snapshot(), r.to(), e.getMessage());
            }
            return null;
        }
    }

    private void sendChunk(SnapshotChunkRequest r, byte[] data) {
        RaftCore core = node.core();
        if (data == null) {
            core.snapshotUnavailable(r.to(), r.snapshot());
            node.scheduleFlush();
        } else if (core.role() == Role.LEADER && core.term() == r.term()) {
            node.transport().send(r.toMessage(data));
        }
    }
}
