package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin driver that binds one {@link RaftCore} to one {@link LoopExecutor}. It is the only
 * part of raft-core that knows about threads.
 *
 * <p>Every input — a message from the transport, a tick, a proposal — hops onto the loop
 * ({@code inLoop() ? run : execute}). After the inputs of one loop turn, one flush task
 * collects the core's {@link Ready}, persists it with one {@link Storage#sync} (group commit),
 * then sends its messages and hands committed entries to the apply executor (persist-then-send).
 * The state machine runs on the apply executor, never on the loop.
 *
 * <p><b>Snapshots.</b> A node that starts with a snapshot first restores the state machine from
 * it. When the entries applied since the last snapshot pass {@code RaftConfig.snapshotEntries} or
 * {@code snapshotBytes}, the node asks the state machine for a snapshot ({@link
 * StateMachine#snapshot()}, on the apply executor), has it written to storage on the snapshot
 * executor (never on the loop or the apply executor, when one is given), and then lets the log
 * before it be discarded; {@link #snapshot(long, long, SnapshotWriter)} does the same at the
 * application's request. A leader's snapshot chunks are read from storage on the snapshot
 * executor too, so neither taking, sending nor installing a snapshot delays a heartbeat or a vote.
 *
 * <p>Public methods are thread-safe. {@link #propose} returns at once when called on the loop,
 * and otherwise waits only for the loop to take the proposal (never for replication or disk).
 */
public final class RaftNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    private static final int MAX_READY_ROUNDS_PER_FLUSH = 64;
    private static final long PROPOSE_HANDOFF_TIMEOUT_MILLIS = 10_000;

    private final RaftCore core;
    private final LoopExecutor loop;
    private final Transport transport;
    private final Storage storage;
    private final StateMachine stateMachine;
    private final Executor applyExecutor;
    /** Null: persist synchronously on the loop (in-memory storage). */
    private final Executor storageExecutor;
    private final RaftObserver observer;
    private final NodeSnapshots snapshots;
    private final long tickMillis;
    /** The next tick; re-armed by each tick (fixed delay: a stalled loop does not replay missed ticks). */
    private volatile LoopExecutor.Cancellable ticker;

    /** Loop-confined: whether a flush task is queued for this turn. */
    private boolean flushScheduled;
    /** Loop-confined: a Ready is being persisted on the storage executor. */
    private boolean persisting;
    private volatile boolean closed;
    private volatile NodeStatus status;
    private volatile long appliedIndex;
    private volatile boolean applyFailed;

    private RaftNode(Builder b) {
        this.loop = b.loop;
        this.transport = b.transport;
        this.storage = b.storage;
        this.stateMachine = b.stateMachine;
        this.applyExecutor = b.applyExecutor;
        this.storageExecutor = b.storageExecutor;
        this.observer = b.observer;
        this.snapshots = new NodeSnapshots(this, b.config, storage, stateMachine, b.snapshotExecutor, storageExecutor);
        PersistentState persisted = storage.load();
        this.core = new RaftCore(b.config, b.random, persisted, observer);
        if (!persisted.snapshot().isNone()) {
            SnapshotMeta snapshot = persisted.snapshot();
            applyExecutor.execute(() -> restore(snapshot));
        }
        if (persisted.receiving() != null) {
            LOG.info("node {}: holds {} of the {} bytes of {} from an interrupted transfer; the transfer resumes there",
                    core.id(), persisted.receiving().bytes(), persisted.receiving().snapshot().size(),
                    persisted.receiving().snapshot());
        }
        publishStatus();
        this.tickMillis = b.config.tickMillis();
        this.ticker = loop.schedule(this::onTick, tickMillis);
    }

    public static Builder builder(RaftConfig config) {
        return new Builder(config);
    }

    public int id() {
        return core.id();
    }

    /**
     * Proposes a command, as the lab's {@code Start()}: returns the index it will have if it
     * commits, the term, and whether this node is the leader. Never waits for replication.
     * Thread-safe; on another thread it waits (at most 10 s) for the loop to take the proposal.
     */
    public ProposeResult propose(byte[] command) {
        Objects.requireNonNull(command, "command");
        if (closed) {
            return ProposeResult.rejected(status.term(), RaftConfig.NO_NODE);
        }
        if (loop.inLoop()) {
            return proposeOnLoop(command);
        }
        try {
            return proposeAsync(command).get(PROPOSE_HANDOFF_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProposeResult.rejected(status.term(), RaftConfig.NO_NODE);
        } catch (ExecutionException | TimeoutException e) {
            return ProposeResult.rejected(status.term(), RaftConfig.NO_NODE);
        }
    }

    /** Like {@link #propose} but never blocks: the future completes on the loop. */
    public CompletableFuture<ProposeResult> proposeAsync(byte[] command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<ProposeResult> result = new CompletableFuture<>();
        onLoop(() -> result.complete(proposeOnLoop(command)));
        if (closed) {
            result.complete(ProposeResult.rejected(status.term(), RaftConfig.NO_NODE));
        }
        return result;
    }

    private ProposeResult proposeOnLoop(byte[] command) {
        if (closed) {
            return ProposeResult.rejected(core.term(), RaftConfig.NO_NODE);
        }
        ProposeResult r = core.propose(command);
        scheduleFlush();
        return r;
    }

    /** The node's state as of its last loop turn. Never blocks. */
    public NodeStatus status() {
        return status.with(appliedIndex, closed);
    }

    /**
     * The application stored a snapshot of its state after applying entry {@code term/index}: it
     * is written to storage on the calling thread (blocking), and then the log before it may be
     * discarded. The lab's {@code Snapshot(index, bytes)}. Typically called on the apply executor,
     * from {@link StateMachine#apply}; thread-safe.
     *
     * @return the stored snapshot's metadata
     * @throws java.io.UncheckedIOException if storage fails to store it (nothing changes)
     * @throws IllegalArgumentException     if the entry at {@code index} is not committed here or
     *                                      has another term (reported on the loop, logged)
     */
    public SnapshotMeta snapshot(long index, long term, SnapshotWriter writer) {
        Objects.requireNonNull(writer, "writer");
        SnapshotMeta meta = storage.saveSnapshot(index, term, writer);
        snapshots.stored(meta);
        return meta;
    }

    /**
     * Asks the state machine for a snapshot now, whatever the thresholds say, and stores it as the
     * thresholds would. The future completes with the stored snapshot (or exceptionally, also when
     * a snapshot is already being taken or nothing was applied since the last one). Thread-safe;
     * never blocks.
     */
    public CompletableFuture<SnapshotMeta> takeSnapshot() {
        CompletableFuture<SnapshotMeta> result = new CompletableFuture<>();
        applyExecutor.execute(() -> {
            if (closed || applyFailed) {
                result.completeExceptionally(new IllegalStateException("node is stopped"));
            } else {
                snapshots.start(appliedIndex, result);
            }
        });
        return result;
    }

    /** Delivers a message from the network. Thread-safe; never blocks. */
    public void receive(RaftMessage message) {
        onLoop(() -> {
            core.step(message);
            scheduleFlush();
        });
    }

    /** Stops ticking and ignores every later input. Idempotent, thread-safe, never blocks. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.cancel();
        status = status.with(appliedIndex, true);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * One tick, then the next one a tick later. Fixed delay rather than fixed rate: after a
     * stall (GC, an overloaded machine) a fixed-rate timer runs every missed tick back to back,
     * so a follower would time out and campaign through several terms in a few milliseconds.
     */
    private void onTick() {
        if (closed) {
            return;
        }
        core.tick();
        scheduleFlush();
        ticker = loop.schedule(this::onTick, tickMillis);
    }

    void onLoop(Runnable task) {
        if (closed) {
            return;
        }
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.execute(() -> {
                if (!closed) {
                    task.run();
                }
            });
        }
    }

    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flush);
        }
    }

    /**
     * One turn's outputs: persist, then send, then apply (see {@link Ready}). With a storage
     * executor the persisting (and its fsync) runs there, never on the loop; the loop keeps
     * taking inputs meanwhile, and whatever they produce waits for the next Ready, which then
     * shares one sync (group commit). Only a leader's AppendEntries and a candidate's
     * RequestVotes leave before the persist completes ({@link Ready#maySendBeforePersist} says
     * why that is safe); the next Ready is handed out only once this one is durable.
     */
    private void flush() {
        flushScheduled = false;
        if (closed || persisting) {
            return;
        }
        for (int round = 0; round < MAX_READY_ROUNDS_PER_FLUSH && core.hasReady(); round++) {
            Ready ready = core.ready();
            observer.onReady(core, ready);
            snapshots.send(ready.snapshotSends());
            if (storageExecutor != null && (ready.mustPersist() || ready.installSnapshot() != null)) {
                persistAsync(ready);
                publishStatus();
                return;
            }
            Boolean installed = persist(ready);
            complete(ready, false, installed);
        }
        if (core.hasReady()) {
            scheduleFlush();
        }
        publishStatus();
    }

    private void persistAsync(Ready ready) {
        persisting = true;
        for (RaftMessage m : ready.messages()) {
            if (Ready.maySendBeforePersist(m)) {
                transport.send(m);
            }
        }
        storageExecutor.execute(() -> {
            Boolean installed;
            try {
                installed = persist(ready);
            } catch (RuntimeException e) {
                loop.execute(() -> storageFailed(e));
                return;
            }
            loop.execute(() -> {
                persisting = false;
                if (!closed) {
                    complete(ready, true, installed);
                    if (core.hasReady()) {
                        scheduleFlush();
                    }
                    publishStatus();
                }
            });
        });
    }

    /**
     * The Ready is durable: release its messages, the snapshot to restore and the committed entries,
     * advance the core, and report the outcome of its snapshot install ({@code installed}, null if
     * it had none).
     */
    private void complete(Ready ready, boolean earlyMessagesSent, Boolean installed) {
        observer.onPersisted(core, ready);
        for (RaftMessage m : ready.messages()) {
            if (!(earlyMessagesSent && Ready.maySendBeforePersist(m))) {
                transport.send(m);
            }
        }
        if (ready.restoreSnapshot() != null) {
            SnapshotMeta snapshot = ready.restoreSnapshot();
            applyExecutor.execute(() -> restore(snapshot));
        }
        if (!ready.committedEntries().isEmpty()) {
            List<LogEntry> batch = ready.committedEntries();
            applyExecutor.execute(() -> applyAll(batch));
        }
        core.advance(ready);
        if (installed != null) {
            if (installed) {
                LOG.info("node {}: installed {} received from the leader", core.id(), ready.installSnapshot());
            } else {
                LOG.warn("node {}: the {} received from the leader did not verify; it is sent again",
                        core.id(), ready.installSnapshot());
            }
            core.snapshotInstalled(ready.installSnapshot(), installed);
        }
    }

    /** Storage failed: the state on disk is unknown, so the node stops rather than acknowledge anything. */
    private void storageFailed(RuntimeException e) {
        persisting = false;
        LOG.error("node {}: storage failed, stopping the node: {}", core.id(), e.toString());
        close();
    }

    /** Carries out a Ready's storage duties; returns the outcome of its snapshot install, null if none. */
    private Boolean persist(Ready ready) {
        if (ready.mustPersist()) {
            if (ready.hardState() != null) {
                storage.saveHardState(ready.hardState());
            }
            List<LogEntry> entries = ready.entries();
            if (!entries.isEmpty()) {
                long first = entries.get(0).index();
                if (first <= storage.lastIndex()) {
                    storage.truncateSuffix(first);
                }
                storage.append(entries);
            }
            for (var chunk : ready.snapshotChunks()) {
                storage.writeSnapshotChunk(chunk.snapshot(), chunk.offset(), chunk.data());
            }
            if (ready.compactTo() > 0) {
                storage.compact(ready.compactTo());
            }
            storage.sync();
        }
        return ready.installSnapshot() == null ? null : storage.installSnapshot(ready.installSnapshot());
    }

    private void applyAll(List<LogEntry> entries) {
        for (LogEntry e : entries) {
            if (closed || applyFailed) {
                return;
            }
            if (e.index() <= appliedIndex) {
                continue; // handed out before a snapshot that covers it was restored
            }
            try {
                stateMachine.apply(e);
                appliedIndex = e.index();
                snapshots.applied(e);
            } catch (RuntimeException ex) {
                applyFailed = true;
                LOG.error("node {}: state machine failed to apply entry {}; applying stops on this node",
                        core.id(), e.id(), ex);
                return;
            }
        }
        snapshots.maybeSnapshot(appliedIndex);
    }

    /** On the apply executor: the state machine restores {@code snapshot} from storage. */
    private void restore(SnapshotMeta snapshot) {
        if (closed || applyFailed) {
            return;
        }
        if (snapshots.restore(snapshot)) {
            appliedIndex = snapshot.index();
        } else {
            applyFailed = true;
        }
    }

    // ---- for NodeSnapshots -----------------------------------------------------------------

    RaftCore core() {
        return core;
    }

    Transport transport() {
        return transport;
    }

    private void publishStatus() {
        status = new NodeStatus(core.id(), core.role(), core.term(), core.leaderId(),
                core.commitIndex(), core.lastIndex(), appliedIndex, closed, core.snapshot().index(),
                core.firstIndex());
    }

    /** Assembles a node. Every part but the observer is required. */
    public static final class Builder {
        private final RaftConfig config;
        private LoopExecutor loop;
        private Transport transport;
        private Storage storage;
        private StateMachine stateMachine;
        private Executor applyExecutor;
        private Executor storageExecutor;
        private Executor snapshotExecutor;
        private Random random;
        private RaftObserver observer = RaftObserver.NONE;

        private Builder(RaftConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder loop(LoopExecutor v) {
            loop = v;
            return this;
        }

        public Builder transport(Transport v) {
            transport = v;
            return this;
        }

        public Builder storage(Storage v) {
            storage = v;
            return this;
        }

        public Builder stateMachine(StateMachine v) {
            stateMachine = v;
            return this;
        }

        /** A single-threaded (or otherwise ordered) executor that is not the loop. */
        public Builder applyExecutor(Executor v) {
            applyExecutor = v;
            return this;
        }

        /**
         * Where to persist (and fsync) each Ready, off the event loop: a single-threaded
         * executor (one Ready at a time is in flight). Optional: without it the loop persists
         * synchronously, which suits in-memory storage.
         */
        public Builder storageExecutor(Executor v) {
            storageExecutor = v;
            return this;
        }

        /**
         * Where to write the application's snapshots and read the chunks a leader sends: an
         * executor that is neither the loop nor the apply executor (several threads are fine).
         * Optional: without it snapshots are written on the apply executor and chunks read on the
         * storage executor (or the loop, when there is none — right for in-memory storage).
         */
        public Builder snapshotExecutor(Executor v) {
            snapshotExecutor = v;
            return this;
        }

        /** The source of election-timeout randomness; seed it for reproducible runs. */
        public Builder random(Random v) {
            random = v;
            return this;
        }

        public Builder observer(RaftObserver v) {
            observer = v;
            return this;
        }

        /** Builds the node, loads its storage and starts ticking. */
        public RaftNode start() {
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(stateMachine, "stateMachine");
            Objects.requireNonNull(applyExecutor, "applyExecutor");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(observer, "observer");
            return new RaftNode(this);
        }
    }
}
