package io.kontiki.raft.testkit;

import io.kontiki.raft.core.RaftCore;
import io.kontiki.raft.core.RaftObserver;
import io.kontiki.raft.core.Ready;
import io.kontiki.raft.core.Role;
import io.kontiki.raft.core.StateMachine;
import io.kontiki.raft.core.log.EntryId;
import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * Checks Raft's safety properties (Figure 3 of the extended paper) on every step of a run, as
 * a {@link RaftObserver} shared by every node and every incarnation of a cluster.
 *
 * <ul>
 *   <li><b>Election safety:</b> at most one leader per term, over the whole run, crashed
 *       incarnations included.</li>
 *   <li><b>Log matching:</b> checked incrementally on every entry a node persists. For each
 *       entry id {@code term/index} the checker remembers the entry's type and data and the term
 *       of the entry before it in the persisting node's log; any node persisting the same id with
 *       a different content or a different previous term is a violation. By induction, two logs
 *       holding the same id then agree on every earlier entry. Terms must not decrease along a
 *       log.</li>
 *   <li><b>Leader completeness:</b> when a node becomes leader of term T, its log must hold,
 *       with the same term, every entry known committed in a term before T. (An entry is known
 *       committed once any node hands it to its state machine; the term it was committed in is
 *       bounded above by the reporting node's term at that moment, and the check uses the
 *       smallest such bound, so a stale leader of an older term is not blamed.)</li>
 *   <li><b>State machine safety:</b> no two nodes commit or apply different entries at one
 *       index.</li>
 *   <li><b>Applies in order:</b> each incarnation applies indexes 1, 2, 3, … without gaps
 *       (see {@link #checkedStateMachine}).</li>
 * </ul>
 * A snapshot stands for the entries it covers: a leader whose log starts after a snapshot holds
 * the committed entries before it through the snapshot (its own entry at the snapshot's index
 * must still have the committed term); a snapshot may only be restored at an index known
 * committed, with that entry's term, and applying then continues at the index after it; a
 * snapshot a node stores must be of an entry known committed, with its term.
 * The cost is constant per persisted or committed entry, and linear in the committed log per
 * election.
 *
 * <p><b>Failing.</b> A violation is written to the trace, handed to the failure sink (which
 * fails the run even if the caller swallows exceptions) and thrown as an
 * {@link InvariantViolation}.
 *
 * <p><b>Threads:</b> every method is synchronized, so nodes on real threads may share one
 * checker; in the simulator the lock is never contended.
 */
public final class SafetyChecker implements RaftObserver {

    private final Trace trace;
    private final Consumer<Throwable> failureSink;
    private final HashMap<Long, Integer> leaderOfTerm = new HashMap<>();
    private final HashMap<EntryId, Persisted> persisted = new HashMap<>();
    /** Position {@code index - 1}: the entry known committed at {@code index}, or null. */
    private final ArrayList<Committed> committed = new ArrayList<>();

    public SafetyChecker(Trace trace, Consumer<Throwable> failureSink) {
        this.trace = trace;
        this.failureSink = failureSink;
    }

    // ---- RaftObserver ---------------------------------------------------------------------

    @Override
    public synchronized void onRoleChange(RaftCore core, Role previousRole, long previousTerm, String cause) {
        String terms = previousTerm == core.term() ? "term " + previousTerm
                : "term " + previousTerm + "->" + core.term();
        trace.event("node " + core.id() + " " + previousRole + "->" + core.role() + " " + terms
                + " (" + cause + ")");
        if (core.role() == Role.LEADER) {
            leaderElected(core.id(), core.term(), core::termAt, core.firstIndex() - 1, core.lastIndex());
        }
    }

    /**
     * Log matching is checked when a Ready is taken, against the log its entries extend: with
     * persistence off the loop, the log may have moved on (a follower truncating) by the time
     * the Ready is durable.
     */
    @Override
    public synchronized void onReady(RaftCore core, Ready ready) {
        List<LogEntry> entries = ready.entries();
        if (!entries.isEmpty()) {
            long prevTerm = core.termAt(entries.get(0).index() - 1);
            for (LogEntry e : entries) {
                entryPersisted(core.id(), e, prevTerm);
                prevTerm = e.term();
            }
        }
    }

    @Override
    public synchronized void onPersisted(RaftCore core, Ready ready) {
        for (LogEntry e : ready.committedEntries()) {
            entryCommitted(core.id(), core.term(), e);
        }
        if (ready.installSnapshot() != null) {
            snapshotOfCommitted(core.id(), "installs", ready.installSnapshot());
        }
        SnapshotMeta s = core.snapshot();
        if (!s.isNone()) {
            snapshotOfCommitted(core.id(), "holds", s);
        }
    }

    /** A snapshot must be of an entry known committed, with that entry's term. */
    private void snapshotOfCommitted(int node, String what, SnapshotMeta s) {
        int pos = (int) (s.index() - 1);
        Committed c = pos < committed.size() ? committed.get(pos) : null;
        if (c == null) {
            violation("snapshot: node " + node + " " + what + " " + s + ", but no node reported index " + s.index()
                    + " committed");
        } else if (c.term != s.term()) {
            violation("snapshot: node " + node + " " + what + " " + s + ", but " + c.term + "/" + s.index()
                    + " was committed there");
        }
    }

    // ---- the checks, on plain values ------------------------------------------------------

    /**
     * Node {@code node} became leader of {@code term}; its log ends at {@code lastIndex}, and the
     * entries before {@code base} are covered by its snapshot (only {@code base}'s term is known).
     */
    synchronized void leaderElected(int node, long term, LongUnaryOperator termAt, long base, long lastIndex) {
        Integer other = leaderOfTerm.putIfAbsent(term, node);
        if (other != null && other != node) {
            violation("election safety: term " + term + " has two leaders, node " + other + " and node " + node);
        }
        for (int i = 0; i < committed.size(); i++) {
            Committed c = committed.get(i);
            if (c == null || c.reportedTerm >= term) {
                continue;
            }
            long index = i + 1L;
            if (index < base) {
                continue; // covered by the leader's snapshot (checked when the snapshot was made)
            }
            long have = index <= lastIndex ? termAt.applyAsLong(index) : -1;
            if (have != c.term) {
                violation("leader completeness: node " + node + " became leader of term " + term
                        + " but holds " + (have < 0 ? "no entry" : "term " + have) + " at index " + index
                        + ", where " + c.term + "/" + index + " was committed (by term " + c.reportedTerm + ")");
            }
        }
    }

    /** Node {@code node} persisted {@code e}, preceded in its log by an entry of {@code prevTerm}. */
    synchronized void entryPersisted(int node, LogEntry e, long prevTerm) {
        if (prevTerm < 0) {
            violation("log: node " + node + " persisted " + e.id() + " without an entry at index " + (e.index() - 1));
        }
        if (e.term() < prevTerm) {
            violation("log: node " + node + " persisted " + e.id() + " after an entry of term " + prevTerm
                    + "; terms must not decrease along a log");
        }
        EntryId id = e.id();
        Persisted p = persisted.get(id);
        if (p == null) {
            persisted.put(id, new Persisted(prevTerm, e.type(), e.data(), node));
            return;
        }
        if (p.prevTerm != prevTerm) {
            violation("log matching: entry " + id + " follows an entry of term " + prevTerm + " on node " + node
                    + " but one of term " + p.prevTerm + " on node " + p.node);
        }
        if (p.type != e.type() || !Arrays.equals(p.data, e.data())) {
            violation("log matching: entry " + id + " has different contents on node " + node
                    + " and node " + p.node);
        }
    }

    /** Node {@code node}, in {@code nodeTerm}, handed committed entry {@code e} to its state machine. */
    synchronized void entryCommitted(int node, long nodeTerm, LogEntry e) {
        int pos = (int) (e.index() - 1);
        while (committed.size() <= pos) {
            committed.add(null);
        }
        Committed c = committed.get(pos);
        if (c == null) {
            committed.set(pos, new Committed(e.term(), e.type(), e.data(), nodeTerm, node));
            return;
        }
        if (c.term != e.term() || c.type != e.type() || !Arrays.equals(c.data, e.data())) {
            violation("state machine safety: node " + node + " committed " + e.id() + " at index " + e.index()
                    + " but node " + c.node + " committed " + c.term + "/" + e.index() + " there"
                    + (c.term == e.term() ? " with different contents" : ""));
        }
        c.reportedTerm = Math.min(c.reportedTerm, nodeTerm);
    }

    /**
     * Wraps the state machine of one incarnation of {@code node}: checks that it applies
     * indexes 1, 2, 3, … in order, each the entry known committed there, then delegates. An
     * exception from the delegate also goes to the failure sink.
     */
    public StateMachine checkedStateMachine(int node, int incarnation, StateMachine delegate) {
        return new StateMachine() {
            private long lastApplied;

            @Override
            public void restore(SnapshotMeta snapshot, InputStream data) throws IOException {
                synchronized (SafetyChecker.this) {
                    if (snapshot.index() <= lastApplied) {
                        violation("restore: node " + node + " (incarnation " + incarnation + ") restored " + snapshot
                                + " after applying up to " + lastApplied);
                    }
                    snapshotOfCommitted(node, "restores", snapshot);
                    lastApplied = snapshot.index();
                }
                try {
                    delegate.restore(snapshot, data);
                } catch (RuntimeException | Error t) {
                    failureSink.accept(t);
                    throw t;
                }
            }

            @Override
            public void apply(LogEntry e) {
                synchronized (SafetyChecker.this) {
                    if (e.index() != lastApplied + 1) {
                        violation("apply order: node " + node + " (incarnation " + incarnation + ") applied index "
                                + e.index() + " after " + lastApplied);
                    }
                    int pos = (int) (e.index() - 1);
                    Committed c = pos < committed.size() ? committed.get(pos) : null;
                    if (c == null) {
                        violation("state machine safety: node " + node + " applied " + e.id()
                                + ", which no node reported committed");
                    } else if (c.term != e.term() || !Arrays.equals(c.data, e.data())) {
                        violation("state machine safety: node " + node + " applied " + e.id() + " but "
                                + c.term + "/" + e.index() + " was committed there");
                    }
                    lastApplied = e.index();
                }
                try {
                    delegate.apply(e);
                } catch (RuntimeException | Error t) {
                    failureSink.accept(t);
                    throw t;
                }
            }
        };
    }

    private void violation(String message) {
        InvariantViolation v = new InvariantViolation(message);
        trace.event("INVARIANT VIOLATED: " + message);
        failureSink.accept(v);
        throw v;
    }

    private record Persisted(long prevTerm, EntryType type, byte[] data, int node) {
    }

    private static final class Committed {
        final long term;
        final EntryType type;
        final byte[] data;
        final int node;
        long reportedTerm;

        Committed(long term, EntryType type, byte[] data, long reportedTerm, int node) {
            this.term = term;
            this.type = type;
            this.data = data;
            this.reportedTerm = reportedTerm;
            this.node = node;
        }
    }
}
