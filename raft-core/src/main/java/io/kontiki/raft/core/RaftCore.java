package io.kontiki.raft.core;

import io.kontiki.raft.core.log.EntryId;
import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.RaftLog;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import io.kontiki.raft.core.progress.Progress;
import io.kontiki.raft.core.quorum.MajorityConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * The Raft protocol of the extended paper's Figure 2 as a pure, single-threaded state machine.
 *
 * <p>Inputs: {@link #step} (a message arrived), {@link #tick} (time advanced one tick),
 * {@link #propose} (a client command), and the driver's reports on snapshots
 * ({@link #snapshotTaken}, {@link #snapshotInstalled}, {@link #snapshotUnavailable}). Outputs: {@link #ready()} collects what the inputs
 * produced — hard state and entries to persist, messages to send after persisting, committed
 * entries to apply — and {@link #advance} tells the core the driver carried it out. One
 * {@code Ready} at a time: call {@code advance} before the next {@code ready}.
 *
 * <p>It never blocks, sleeps, locks or reads a clock; time is ticks and randomness comes from
 * the injected {@link Random}. Same seed, same inputs: same outputs. Not thread-safe: the
 * driver confines it to one event loop.
 *
 * <p>Role logic lives in {@link Election} (§5.2, §5.4.1), {@link Replication} (§5.3,
 * §5.4.2) and {@link Snapshots} (§7); this class holds the state, reconciles terms and dispatches.
 */
public final class RaftCore {

    private static final int MAX_COMMITTED_PER_READY = 4096;

    final RaftConfig config;
    final int id;
    final Random random;
    final RaftObserver observer;
    final MajorityConfig voters;
    final List<Integer> peers;
    final RaftLog log;
    final Election election;
    final Replication replication;
    final Snapshots snapshots;

    long term;
    int votedFor;
    int leaderId = RaftConfig.NO_NODE;
    Role role = Role.FOLLOWER;
    long commitIndex;
    /** The highest index handed to the application through a Ready. */
    long handedOutIndex;

    long tickCount;
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;

    /** Leader only: one Progress per peer. */
    final TreeMap<Integer, Progress> progress = new TreeMap<>();
    /** Leader only: proposals arrived since the last Ready; replicate them when it is built. */
    boolean broadcastPending;

    final List<RaftMessage> outbox = new ArrayList<>();
    /** The newest snapshot, as stored (NONE if none). */
    SnapshotMeta snapshot;
    /** For the next Ready: received chunks to write, a snapshot to install, compaction, a restore, chunks to send. */
    final List<InstallSnapshot> chunksToWrite = new ArrayList<>();
    SnapshotMeta installToStart;
    long compactPending;
    SnapshotMeta restorePending;
    final List<SnapshotChunkRequest> chunkSends = new ArrayList<>();
    private HardState persistedHardState;
    private EntryId lastHandedOutEntry;

    public RaftCore(RaftConfig config, Random random, PersistentState persisted, RaftObserver observer) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.id = config.nodeId();
        this.voters = new MajorityConfig(config.voters());
        this.peers = config.voters().stream().filter(v -> v != id).toList();
        this.log = new RaftLog(persisted.snapshot(), persisted.entries());
        this.commitIndex = persisted.snapshot().index();
        this.handedOutIndex = persisted.snapshot().index();
        this.term = persisted.hardState().term();
        this.votedFor = persisted.hardState().votedFor();
        this.persistedHardState = persisted.hardState();
        this.snapshot = persisted.snapshot();
        this.election = new Election(this);
        this.replication = new Replication(this);
        this.snapshots = new Snapshots(this, persisted.receiving());
        resetElectionTimer();
    }

    // ---- inputs ------------------------------------------------------------------------

    /** Handles a message from a peer: reconcile the term once (§5.1), then dispatch by type. */
    public void step(RaftMessage m) {
        if (m.to() != id || m.from() == id || !voters.contains(m.from())) {
            return;
        }
        if (m.term() > term) {
            int leader = m instanceof AppendEntries || m instanceof InstallSnapshot ? m.from() : RaftConfig.NO_NODE;
            // A vote request alone must not reset the election timer (Figure 2: only a granted
            // vote or the current leader does). Otherwise candidates with stale logs, which can
            // never win, keep an up-to-date follower from ever campaigning.
            boolean resetTimer = !(m instanceof RequestVote);
            becomeFollower(m.term(), leader, "saw term " + m.term() + " from node " + m.from(), resetTimer);
        } else if (m.term() < term) {
            answerStale(m);
            return;
        }
        if (m instanceof AppendEntries ae) {
            replication.onAppendEntries(ae);
        } else if (m instanceof AppendEntriesResponse r) {
            replication.onAppendResponse(r);
        } else if (m instanceof RequestVote rv) {
            election.onRequestVote(rv);
        } else if (m instanceof RequestVoteResponse r) {
            election.onVoteResponse(r);
        } else if (m instanceof InstallSnapshot is) {
            snapshots.onInstallSnapshot(is);
        } else if (m instanceof InstallSnapshotResponse r) {
            snapshots.onInstallSnapshotResponse(r);
        } else {
            throw new IllegalArgumentException("unknown message type " + m.getClass().getName());
        }
    }

    /**
     * Advances time by one tick: election timeout for followers and candidates, heartbeats for
     * leaders, and a candidate's retry of unanswered vote requests every heartbeat interval.
     */
    public void tick() {
        tickCount++;
        if (role == Role.LEADER) {
            if (++heartbeatElapsed >= config.heartbeatTicks()) {
                heartbeatElapsed = 0;
                replication.heartbeat();
            }
        } else if (++electionElapsed >= randomizedElectionTimeout && !snapshots.isInstalling()) {
            // (Not while a received snapshot is being installed: the log is about to change.)
            election.campaign("election timeout after " + electionElapsed + " ticks");
        } else if (role == Role.CANDIDATE && electionElapsed % config.heartbeatTicks() == 0) {
            election.retryVoteRequests();
        }
    }

    /** Appends a client command if this node leads (§5.3); replication happens when the Ready is built. */
    public ProposeResult propose(byte[] command) {
        Objects.requireNonNull(command, "command");
        if (role != Role.LEADER) {
            return ProposeResult.rejected(term, leaderId);
        }
        long index = log.append(term, EntryType.COMMAND, command);
        broadcastPending = true;
        return new ProposeResult(index, term, true, id);
    }

    // ---- outputs -----------------------------------------------------------------------

    public boolean hasReady() {
        return broadcastPending
                || !outbox.isEmpty()
                || log.stableIndex() < log.lastIndex()
                || !currentHardState().equals(persistedHardState)
                || Math.min(commitIndex, log.lastIndex()) > handedOutIndex
                || !chunksToWrite.isEmpty() || installToStart != null || compactPending > 0
                || restorePending != null || !chunkSends.isEmpty();
    }

    /** Collects everything produced since the last Ready. See {@link Ready} for the driver's duties. */
    public Ready ready() {
        if (broadcastPending) {
            broadcastPending = false;
            replication.broadcastAppend();
        }
        HardState hs = currentHardState();
        List<LogEntry> unstable = List.copyOf(log.unstableEntries());
        long applyTo = Math.min(Math.min(commitIndex, log.lastIndex()), handedOutIndex + MAX_COMMITTED_PER_READY);
        List<LogEntry> committed = applyTo > handedOutIndex
                ? List.copyOf(log.slice(handedOutIndex + 1, applyTo, Integer.MAX_VALUE, Long.MAX_VALUE))
                : List.of();
        Ready ready = new Ready(hs.equals(persistedHardState) ? null : hs, unstable,
                new ArrayList<>(outbox), committed, chunksToWrite, installToStart, compactPending,
                restorePending, chunkSends);
        outbox.clear();
        chunksToWrite.clear();
        installToStart = null;
        compactPending = 0;
        restorePending = null;
        chunkSends.clear();
        handedOutIndex = applyTo > handedOutIndex ? applyTo : handedOutIndex;
        lastHandedOutEntry = unstable.isEmpty() ? null : unstable.get(unstable.size() - 1).id();
        return ready;
    }

    /** The driver persisted the Ready, sent its messages and handed its entries to the application. */
    public void advance(Ready ready) {
        if (ready.hardState() != null) {
            persistedHardState = ready.hardState();
        }
        if (lastHandedOutEntry != null) {
            log.stableTo(lastHandedOutEntry);
            lastHandedOutEntry = null;
            if (role == Role.LEADER) {
                replication.maybeCommit();
            }
        }
        snapshots.maybeCompact();
    }

    /**
     * The application stored a snapshot of its state after entry {@code meta.index()}, durably
     * (the lab's {@code Snapshot(index, bytes)}): the log may discard what it covers. A snapshot
     * older than the newest known is ignored.
     *
     * @throws IllegalArgumentException if the snapshot is of an entry that is not committed here,
     *                                  or has another term than the log's entry at its index
     */
    public void snapshotTaken(SnapshotMeta meta) {
        snapshots.snapshotTaken(meta);
    }

    /**
     * The driver carried out a Ready's {@link Ready#installSnapshot}: {@code installed} is what
     * {@link Storage#installSnapshot} returned (false: the bytes did not verify).
     */
    public void snapshotInstalled(SnapshotMeta meta, boolean installed) {
        snapshots.snapshotInstalled(meta, installed);
    }

    /** The driver could not read a chunk of {@code meta} for {@code peer} (a newer snapshot replaced it). */
    public void snapshotUnavailable(int peer, SnapshotMeta meta) {
        snapshots.snapshotUnavailable(peer, meta);
    }

    // ---- read-only view, for the driver and observers -----------------------------------

    public int id() {
        return id;
    }

    public RaftConfig config() {
        return config;
    }

    public long term() {
        return term;
    }

    public Role role() {
        return role;
    }

    public int leaderId() {
        return leaderId;
    }

    public int votedFor() {
        return votedFor;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** The index of the first entry the log holds (entries before it are compacted). */
    public long firstIndex() {
        return log.firstIndex();
    }

    /** The newest snapshot this node knows of, as stored; {@link SnapshotMeta#NONE} if none. */
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    public long lastTerm() {
        return log.lastTerm();
    }

    /** The term of the entry at {@code index}; 0 for index 0; -1 if absent or compacted. */
    public long termAt(long index) {
        return log.termAt(index);
    }

    public LogEntry entryAt(long index) {
        return log.entryAt(index);
    }

    /** The leader's view of a peer's progress, for diagnostics; null when not leader. */
    public String progressOf(int peer) {
        Progress p = progress.get(peer);
        return p == null ? null : p.toString();
    }

    // ---- role transitions (shared by Election and Replication) --------------------------

    void becomeFollower(long newTerm, int leader, String cause) {
        becomeFollower(newTerm, leader, cause, true);
    }

    void becomeFollower(long newTerm, int leader, String cause, boolean resetTimer) {
        Role previousRole = role;
        long previousTerm = term;
        if (newTerm > term) {
            term = newTerm;
            votedFor = RaftConfig.NO_NODE;
        }
        role = Role.FOLLOWER;
        leaderId = leader;
        progress.clear();
        broadcastPending = false;
        if (resetTimer || previousRole == Role.LEADER) {
            resetElectionTimer();
        }
        if (previousRole != Role.FOLLOWER || previousTerm != term) {
            observer.onRoleChange(this, previousRole, previousTerm, cause);
        }
    }

    void becomeCandidate(String cause) {
        Role previousRole = role;
        long previousTerm = term;
        term++;
        votedFor = id;
        role = Role.CANDIDATE;
        leaderId = RaftConfig.NO_NODE;
        resetElectionTimer();
        observer.onRoleChange(this, previousRole, previousTerm, cause);
    }

    void becomeLeader(String cause) {
        Role previousRole = role;
        role = Role.LEADER;
        leaderId = id;
        heartbeatElapsed = 0;
        progress.clear();
        for (int peer : peers) {
            progress.put(peer, new Progress(log.lastIndex() + 1, config.maxInflightAppends()));
        }
        if (config.noopOnElection()) {
            log.append(term, EntryType.NOOP, new byte[0]);
        }
        observer.onRoleChange(this, previousRole, term, cause);
        broadcastPending = true;
        replication.maybeCommit();
    }

    void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    void send(RaftMessage m) {
        outbox.add(m);
    }

    HardState currentHardState() {
        return new HardState(term, votedFor);
    }

    /** A request from an older term gets our term back, so its sender steps down (§5.1). */
    private void answerStale(RaftMessage m) {
        if (m instanceof RequestVote rv) {
            send(new RequestVoteResponse(id, rv.from(), term, false));
        } else if (m instanceof AppendEntries ae) {
            send(AppendEntriesResponse.reject(id, ae.from(), term, ae.prevLogIndex(), 0, 0));
        } else if (m instanceof InstallSnapshot is) {
            send(new InstallSnapshotResponse(id, is.from(), term, is.snapshot().index(), 0, false));
        }
    }
}
