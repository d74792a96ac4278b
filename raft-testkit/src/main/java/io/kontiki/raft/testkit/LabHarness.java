package io.kontiki.raft.testkit;

import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MIT Raft lab's test harness ({@code config.go}, spec §4) over any {@link LabCluster}: the
 * checks and helpers every lab scenario is written with, with the lab's exact constants.
 *
 * <p>A scenario reads like its Go original:
 * <pre>{@code
 * try (LabHarness cfg = LabHarness.make(factory, 3, false)) {
 *     cfg.begin("Test (2B): basic agreement");
 *     long index = cfg.one(100, 3, false);
 *     cfg.end();
 * }
 * }</pre>
 * {@link #make} is {@code make_config} (every server started and connected); {@link #close()}
 * is {@code cleanup}. The lab's {@code rafts[i].Start(cmd)} is {@link #start(int, LabValue)},
 * {@code rafts[i].GetState()} is {@link #getState(int)}, {@code wait} is {@link #waitFor}.
 *
 * <p>A failed check throws {@link LabFailure}, the equivalent of {@code t.Fatalf}.
 *
 * <p><b>Threads:</b> call from the scenario's threads (see {@link LabCluster}); {@code one},
 * {@code nCommitted} and {@code waitFor} may run in several scenario threads at once.
 */
public final class LabHarness implements AutoCloseable {

    /** The lab's {@code RaftElectionTimeout}: the unit of the tests' own sleeps. */
    public static final long ELECTION_TIMEOUT_MILLIS = 1000;
    /** The lab's per-test limit, from {@code make_config} to {@code end}. */
    public static final long TEST_TIME_LIMIT_MILLIS = 120_000;

    private final LabCluster cluster;
    private final AppliedLogs logs;
    private final int n;
    private volatile boolean finished;

    private String description = "";
    private long t0;
    private long rpcs0;
    private long bytes0;
    private long maxIndex0;

    private LabHarness(LabCluster cluster, AppliedLogs logs) {
        this.cluster = cluster;
        this.logs = logs;
        this.n = cluster.servers();
    }

    /**
     * The lab's {@code make_config(n, unreliable)}: creates the cluster with the plain applier
     * (§4.7), starts every server, then connects every server.
     */
    public static LabHarness make(LabClusterFactory factory, int servers, boolean unreliable) {
        return make(factory, servers, unreliable, new AppliedLogs(servers));
    }

    /**
     * The lab's {@code make_config(n, unreliable, snapshot)}: with {@code snapshot}, the snapshot
     * applier (§4.8) instead of the plain one.
     */
    public static LabHarness make(LabClusterFactory factory, int servers, boolean unreliable, boolean snapshot) {
        return make(factory, servers, unreliable, snapshot ? AppliedLogs.withSnapshots(servers, 0) : new AppliedLogs(servers));
    }

    /** {@code make_config} with the given applier (for scenarios beyond the lab, e.g. padded snapshots). */
    public static LabHarness make(LabClusterFactory factory, int servers, boolean unreliable, AppliedLogs logs) {
        LabCluster cluster = factory.create(servers, unreliable, logs);
        LabHarness cfg = new LabHarness(cluster, logs);
        try {
            for (int i = 0; i < servers; i++) {
                cluster.start(i);
            }
            for (int i = 0; i < servers; i++) {
                cluster.connect(i);
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cfg;
    }

    public LabCluster cluster() {
        return cluster;
    }

    /** The record of what every server applied (and, with the snapshot applier, snapshotted). */
    public AppliedLogs logs() {
        return logs;
    }

    public int servers() {
        return n;
    }

    // ---- begin / end / cleanup (§4.14) -----------------------------------------------------

    /** Starts a test: remembers its title and the counters, for {@link #end()}. */
    public void begin(String description) {
        this.description = description;
        cluster.note("begin: " + description);
        t0 = cluster.nowMillis();
        rpcs0 = cluster.rpcTotal();
        bytes0 = cluster.bytesTotal();
        maxIndex0 = logs.maxIndex();
    }

    /**
     * Ends a test: checks the 120 s limit and reports the lab's summary line,
     * {@code "  ... Passed --  <seconds>  <peers>  <rpcs>  <bytes>  <commits>"}, plus the seed.
     */
    public void end() {
        checkTimeout();
        double seconds = (cluster.nowMillis() - t0) / 1000.0;
        long rpcs = cluster.rpcTotal() - rpcs0;
        long bytes = cluster.bytesTotal() - bytes0;
        long commits = logs.maxIndex() - maxIndex0;
        cluster.report(String.format(Locale.ROOT, "%-62s  ... Passed --  %4.1f  %d %4d %7d %4d  seed=%d",
                description, seconds, n, rpcs, bytes, commits, cluster.seed()));
    }

    /** The lab's {@code cleanup}: marks the test finished and stops every node and thread. */
    @Override
    public void close() {
        finished = true;
        cluster.close();
    }

    private void checkTimeout() {
        if (cluster.nowMillis() > TEST_TIME_LIMIT_MILLIS) {
            fail("test took longer than 120 seconds");
        }
    }

    // ---- checks (§4.9–4.13) ----------------------------------------------------------------

    /**
     * Up to 10 times: sleeps 450–549 ms, then asks every connected server for its state. Fails
     * if a term has more than one leader; returns the leader of the highest term as soon as
     * there is one; fails if none appeared in 10 rounds.
     */
    public int checkOneLeader() {
        for (int iters = 0; iters < 10; iters++) {
            sleep(450 + cluster.random().nextInt(100));
            Map<Long, List<Integer>> leaders = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                if (cluster.isConnected(i)) {
                    NodeStatus s = cluster.status(i);
                    if (s != null && s.isLeader()) {
                        leaders.computeIfAbsent(s.term(), t -> new ArrayList<>()).add(i);
                    }
                }
            }
            long lastTermWithLeader = -1;
            for (Map.Entry<Long, List<Integer>> e : leaders.entrySet()) {
                if (e.getValue().size() > 1) {
                    fail("term " + e.getKey() + " has " + e.getValue().size() + " (>1) leaders");
                }
                lastTermWithLeader = Math.max(lastTermWithLeader, e.getKey());
            }
            if (!leaders.isEmpty()) {
                int leader = leaders.get(lastTermWithLeader).get(0);
                cluster.note("checkOneLeader: leader " + leader + " in term " + lastTermWithLeader);
                return leader;
            }
        }
        fail("expected one leader, got none");
        return -1;
    }

    /** Every connected server must report the same term; returns it, or -1 if none is connected. */
    public long checkTerms() {
        long term = -1;
        for (int i = 0; i < n; i++) {
            if (cluster.isConnected(i)) {
                long xterm = cluster.status(i).term();
                if (term == -1) {
                    term = xterm;
                } else if (term != xterm) {
                    fail("servers disagree on term");
                }
            }
        }
        return term;
    }

    /** No connected server may claim to be leader. */
    public void checkNoLeader() {
        for (int i = 0; i < n; i++) {
            if (cluster.isConnected(i)) {
                NodeStatus s = cluster.status(i);
                if (s != null && s.isLeader()) {
                    fail("expected no leader among connected servers, but " + i + " claims to be leader");
                }
            }
        }
    }

    /** How many servers (running or not) applied a value at {@code index}, and which. */
    public AppliedLogs.Committed nCommitted(long index) {
        return logs.nCommitted(index);
    }

    /**
     * The lab's {@code wait(index, n, startTerm)}: up to 30 polls, sleeping 10, 20, 40 … ms,
     * capped at 1280 ms, until at least {@code n} servers applied {@code index}. If
     * {@code startTerm > -1} and any running server's term passes it, returns
     * {@link LabValue#TERMS_MOVED_ON} (the lab's {@code -1}) at once. Fails if fewer than
     * {@code n} applied it in the end.
     */
    public LabValue waitFor(long index, int n, long startTerm) {
        long to = 10;
        for (int iters = 0; iters < 30; iters++) {
            if (nCommitted(index).count() >= n) {
                break;
            }
            sleep(to);
            if (to < 1000) {
                to *= 2;
            }
            if (startTerm > -1) {
                for (int i = 0; i < this.n; i++) {
                    NodeStatus s = cluster.status(i);
                    if (s != null && s.term() > startTerm) {
                        return LabValue.TERMS_MOVED_ON;
                    }
                }
            }
        }
        AppliedLogs.Committed c = nCommitted(index);
        if (c.count() < n) {
            fail("only " + c.count() + " decided for index " + index + "; wanted " + n);
        }
        return c.value();
    }

    /**
     * The lab's {@code one(cmd, expectedServers, retry)}: full agreement on one command. For up
     * to 10 s: offers {@code cmd} to the connected servers round robin (starting at server 1,
     * later rounds continuing where the last stopped) until one accepts; then polls every 20 ms
     * for up to 2 s until at least {@code expectedServers} servers applied {@code cmd} at that
     * index. Without {@code retry}, a first failed attempt fails the test; with it, the command
     * is offered again (so duplicates in the log are allowed). Backs off 50 ms when no server
     * accepts. Returns the index; returns -1 quietly once the test is {@linkplain #close()
     * finished}.
     */
    public long one(LabValue cmd, int expectedServers, boolean retry) {
        long t0 = cluster.nowMillis();
        int starts = 0;
        while (cluster.nowMillis() - t0 < 10_000 && !finished) {
            long index = -1;
            for (int si = 0; si < n; si++) {
                starts = (starts + 1) % n;
                if (cluster.isConnected(starts) && cluster.isRunning(starts)) {
                    ProposeResult r = cluster.propose(starts, cmd.bytes());
                    if (r.isLeader()) {
                        index = r.index();
                        break;
                    }
                }
            }
            if (index != -1) {
                long at = index;
                if (cluster.awaitCondition(() -> {
                    AppliedLogs.Committed c = nCommitted(at);
                    return c.count() > 0 && c.count() >= expectedServers && cmd.equals(c.value());
                }, 2_000, 20)) {
                    return index;
                }
                if (!retry) {
                    fail("one(" + cmd + ") failed to reach agreement");
                }
            } else {
                sleep(50);
            }
        }
        if (!finished) {
            fail("one(" + cmd + ") failed to reach agreement");
        }
        return -1;
    }

    public long one(long cmd, int expectedServers, boolean retry) {
        return one(LabValue.of(cmd), expectedServers, retry);
    }

    public long one(String cmd, int expectedServers, boolean retry) {
        return one(LabValue.of(cmd), expectedServers, retry);
    }

    // ---- servers and network (§4.3–4.5, 4.14) ----------------------------------------------

    /** The lab's {@code start1(i)}: restart from persisted state, not connected. */
    public void start1(int i) {
        cluster.start(i);
    }

    /** The lab's {@code crash1(i)}. */
    public void crash1(int i) {
        cluster.crash(i);
    }

    public void connect(int i) {
        cluster.connect(i);
    }

    public void disconnect(int i) {
        cluster.disconnect(i);
    }

    public boolean isConnected(int i) {
        return cluster.isConnected(i);
    }

    /** The lab's {@code rafts[i] != nil}. */
    public boolean hasRaft(int i) {
        return cluster.isRunning(i);
    }

    /** The lab's {@code rafts[i].Start(cmd)}; a server that is not running rejects it. */
    public ProposeResult start(int i, LabValue cmd) {
        return cluster.propose(i, cmd.bytes());
    }

    public ProposeResult start(int i, long cmd) {
        return start(i, LabValue.of(cmd));
    }

    /** The lab's {@code rafts[i].GetState()}: the node's status, or null if it is not running. */
    public NodeStatus getState(int i) {
        return cluster.status(i);
    }

    public void setUnreliable(boolean unreliable) {
        cluster.setReliable(!unreliable);
    }

    public void setLongReordering(boolean on) {
        cluster.setLongReordering(on);
    }

    public long rpcCount(int i) {
        return cluster.rpcCount(i);
    }

    public long rpcTotal() {
        return cluster.rpcTotal();
    }

    public long bytesTotal() {
        return cluster.bytesTotal();
    }

    public long logSize() {
        return cluster.logSize();
    }

    // ---- time, threads, randomness ---------------------------------------------------------

    public void sleep(long millis) {
        cluster.sleep(millis);
    }

    public LabThread spawn(String name, Runnable body) {
        return cluster.spawn(name, body);
    }

    /** Go's {@code rand.Int()}: a non-negative 63-bit integer. */
    public long randInt() {
        return cluster.random().nextLong() & Long.MAX_VALUE;
    }

    /** Go's {@code rand.Int31()}: a non-negative 31-bit integer. */
    public long randInt31() {
        return cluster.random().nextInt() & Integer.MAX_VALUE;
    }

    /** A uniform integer in {@code [0, bound)}, for the lab's {@code rand.Int() % bound}. */
    public int randBelow(int bound) {
        return cluster.random().nextInt(bound);
    }

    /** The lab's {@code randstring(n)}: {@code n} characters of the base64-URL alphabet. */
    public String randString(int length) {
        byte[] b = new byte[2 * length];
        cluster.random().nextBytes(b);
        return Base64.getUrlEncoder().encodeToString(b).substring(0, length);
    }

    /** Fails the test, like Go's {@code t.Fatalf}. */
    public void fail(String message) {
        cluster.note("FAILED: " + message);
        throw new LabFailure(message);
    }

    /** Notes something in the run's trace. */
    public void note(String event) {
        cluster.note(event);
    }

    @Override
    public String toString() {
        return "LabHarness[" + n + " servers, seed " + cluster.seed() + "]";
    }
}
