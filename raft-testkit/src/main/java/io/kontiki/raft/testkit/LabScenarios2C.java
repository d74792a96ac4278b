package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabHarness.ELECTION_TIMEOUT_MILLIS;

import io.kontiki.raft.core.ProposeResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The MIT Raft lab's part 2C tests (persistence, spec §5.3), written once against
 * {@link LabHarness}, so that the same code runs on the simulator and on any other
 * {@link LabClusterFactory} (such as real sockets).
 *
 * <p>Each method is one Go test of the 2023 edition, step for step, with the lab's titles,
 * constants, comments and failure messages. Commands are the lab's ints (8-byte longs) unless
 * noted. A method returns normally when the test passed (having reported the lab's "Passed"
 * line) and throws {@link LabFailure}, {@link InvariantViolation} or
 * {@link SimulationLimitExceeded} otherwise. Data shared between a scenario's threads is
 * thread-safe, so that a real-time cluster can run the same code on truly concurrent threads.
 *
 * <p>{@link LabScenario} lists every scenario, for parameterised runners.
 */
public final class LabScenarios2C {

    private LabScenarios2C() {
    }

    /** TestPersist12C: basic persistence. */
    public static void persist12C(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2C): basic persistence");

            cfg.one(11, servers, true);

            // crash and re-start all
            for (int i = 0; i < servers; i++) {
                cfg.start1(i);
            }
            for (int i = 0; i < servers; i++) {
                cfg.disconnect(i);
                cfg.connect(i);
            }

            cfg.one(12, servers, true);

            int leader1 = cfg.checkOneLeader();
            cfg.disconnect(leader1);
            cfg.start1(leader1);
            cfg.connect(leader1);

            cfg.one(13, servers, true);

            int leader2 = cfg.checkOneLeader();
            cfg.disconnect(leader2);
            cfg.one(14, servers - 1, true);
            cfg.start1(leader2);
            cfg.connect(leader2);

            cfg.waitFor(4, servers, -1); // wait for leader2 to join before killing i3

            int i3 = (cfg.checkOneLeader() + 1) % servers;
            cfg.disconnect(i3);
            cfg.one(15, servers - 1, true);
            cfg.start1(i3);
            cfg.connect(i3);

            cfg.one(16, servers, true);
            cfg.end();
        }
    }

    /** TestPersist22C: more persistence. */
    public static void persist22C(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2C): more persistence");

            int index = 1;
            for (int iters = 0; iters < 5; iters++) {
                cfg.one(10 + index, servers, true);
                index++;

                int leader1 = cfg.checkOneLeader();

                cfg.disconnect((leader1 + 1) % servers);
                cfg.disconnect((leader1 + 2) % servers);

                cfg.one(10 + index, servers - 2, true);
                index++;

                cfg.disconnect((leader1 + 0) % servers);
                cfg.disconnect((leader1 + 3) % servers);
                cfg.disconnect((leader1 + 4) % servers);

                cfg.start1((leader1 + 1) % servers);
                cfg.start1((leader1 + 2) % servers);
                cfg.connect((leader1 + 1) % servers);
                cfg.connect((leader1 + 2) % servers);

                cfg.sleep(ELECTION_TIMEOUT_MILLIS);

                cfg.start1((leader1 + 3) % servers);
                cfg.connect((leader1 + 3) % servers);

                cfg.one(10 + index, servers - 2, true);
                index++;

                cfg.connect((leader1 + 4) % servers);
                cfg.connect((leader1 + 0) % servers);
            }

            cfg.one(1000, servers, true);
            cfg.end();
        }
    }

    /** TestPersist32C: partitioned leader and one follower crash, leader restarts. */
    public static void persist32C(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2C): partitioned leader and one follower crash, leader restarts");

            cfg.one(101, 3, true);

            int leader = cfg.checkOneLeader();
            cfg.disconnect((leader + 2) % servers);

            cfg.one(102, 2, true);

            cfg.crash1((leader + 0) % servers);
            cfg.crash1((leader + 1) % servers);
            cfg.connect((leader + 2) % servers);
            cfg.start1((leader + 0) % servers);
            cfg.connect((leader + 0) % servers);

            cfg.one(103, 2, true);

            cfg.start1((leader + 1) % servers);
            cfg.connect((leader + 1) % servers);

            cfg.one(104, servers, true);
            cfg.end();
        }
    }

    /**
     * TestFigure82C: test the scenarios described in Figure 8 of the extended Raft paper. Each
     * iteration asks a leader, if there is one, to insert a command in the Raft log. If there
     * is a leader, that leader will fail quickly with a high probability (perhaps without
     * committing the command), or crash after a while with low probability (most likely
     * committing the command). If the number of alive servers isn't enough to form a majority,
     * perhaps start a new server. The leader in a new term may try to finish replicating log
     * entries that haven't been committed yet.
     */
    public static void figure82C(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2C): Figure 8");

            cfg.one(cfg.randInt(), 1, true);

            int nup = servers;
            for (int iters = 0; iters < 1000; iters++) {
                int leader = -1;
                for (int i = 0; i < servers; i++) {
                    if (cfg.hasRaft(i)) {
                        if (cfg.start(i, cfg.randInt()).isLeader()) {
                            leader = i;
                        }
                    }
                }

                if (cfg.randBelow(1000) < 100) {
                    cfg.sleep(cfg.randInt() % (ELECTION_TIMEOUT_MILLIS / 2));
                } else {
                    cfg.sleep(cfg.randInt() % 13);
                }

                if (leader != -1) {
                    cfg.crash1(leader);
                    nup -= 1;
                }

                if (nup < 3) {
                    int s = cfg.randBelow(servers);
                    if (!cfg.hasRaft(s)) {
                        cfg.start1(s);
                        cfg.connect(s);
                        nup += 1;
                    }
                }
            }

            for (int i = 0; i < servers; i++) {
                if (!cfg.hasRaft(i)) {
                    cfg.start1(i);
                    cfg.connect(i);
                }
            }

            cfg.one(cfg.randInt(), servers, true);
            cfg.end();
        }
    }

    /** TestUnreliableAgree2C. */
    public static void unreliableAgree2C(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, true)) {
            cfg.begin("Test (2C): unreliable agreement");

            List<LabThread> wg = new ArrayList<>();
            for (int iters = 1; iters < 50; iters++) {
                for (int j = 0; j < 4; j++) {
                    long cmd = (100L * iters) + j;
                    wg.add(cfg.spawn("one-" + cmd, () -> cfg.one(cmd, 1, true)));
                }
                cfg.one(iters, 1, true);
            }

            cfg.setUnreliable(false);

            for (LabThread t : wg) {
                t.join();
            }

            cfg.one(100, servers, true);
            cfg.end();
        }
    }

    /** TestFigure8Unreliable2C. Commands are {@code rand % 10000}. */
    public static void figure8Unreliable2C(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, true)) {
            cfg.begin("Test (2C): Figure 8 (unreliable)");

            cfg.one(cfg.randInt() % 10000, 1, true);

            int nup = servers;
            for (int iters = 0; iters < 1000; iters++) {
                if (iters == 200) {
                    cfg.setLongReordering(true);
                }
                int leader = -1;
                for (int i = 0; i < servers; i++) {
                    boolean ok = cfg.start(i, cfg.randInt() % 10000).isLeader();
                    if (ok && cfg.isConnected(i)) {
                        leader = i;
                    }
                }

                if (cfg.randBelow(1000) < 100) {
                    cfg.sleep(cfg.randInt() % (ELECTION_TIMEOUT_MILLIS / 2));
                } else {
                    cfg.sleep(cfg.randInt() % 13);
                }

                if (leader != -1 && cfg.randBelow(1000) < (int) (ELECTION_TIMEOUT_MILLIS / 2)) {
                    cfg.disconnect(leader);
                    nup -= 1;
                }

                if (nup < 3) {
                    int s = cfg.randBelow(servers);
                    if (!cfg.isConnected(s)) {
                        cfg.connect(s);
                        nup += 1;
                    }
                }
            }

            for (int i = 0; i < servers; i++) {
                if (!cfg.isConnected(i)) {
                    cfg.connect(i);
                }
            }

            cfg.one(cfg.randInt() % 10000, servers, true);
            cfg.end();
        }
    }

    /** TestReliableChurn2C. */
    public static void reliableChurn2C(LabClusterFactory factory) {
        internalChurn(factory, false);
    }

    /** TestUnreliableChurn2C. */
    public static void unreliableChurn2C(LabClusterFactory factory) {
        internalChurn(factory, true);
    }

    /**
     * Three clients keep proposing random commands to every running server while the main
     * thread disconnects, restarts and crashes servers at random for 20 rounds of 700 ms; then
     * every value a client saw committed must be in the final log.
     */
    private static void internalChurn(LabClusterFactory factory, boolean unreliable) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, unreliable)) {
            cfg.begin(unreliable ? "Test (2C): unreliable churn" : "Test (2C): churn");

            AtomicBoolean stop = new AtomicBoolean();
            int ncli = 3;
            AtomicReferenceArray<List<Long>> results = new AtomicReferenceArray<>(ncli);
            List<LabThread> clients = new ArrayList<>();
            for (int i = 0; i < ncli; i++) {
                int me = i;
                // The lab's client reports nil if it ends abnormally; here an abnormal end
                // fails the run at once, with the client's own failure.
                clients.add(cfg.spawn("client-" + me, () -> results.set(me, churnClient(cfg, me, stop))));
            }

            for (int iters = 0; iters < 20; iters++) {
                if (cfg.randBelow(1000) < 200) {
                    int i = cfg.randBelow(servers);
                    cfg.disconnect(i);
                }

                if (cfg.randBelow(1000) < 500) {
                    int i = cfg.randBelow(servers);
                    if (!cfg.hasRaft(i)) {
                        cfg.start1(i);
                    }
                    cfg.connect(i);
                }

                if (cfg.randBelow(1000) < 200) {
                    int i = cfg.randBelow(servers);
                    if (cfg.hasRaft(i)) {
                        cfg.crash1(i);
                    }
                }

                // Make crash/restart infrequent enough that the peers can often
                // keep up, but not so infrequent that everything has settled
                // down from one change to the next. Pick a value smaller than
                // the election timeout, but not hugely smaller.
                cfg.sleep((ELECTION_TIMEOUT_MILLIS * 7) / 10);
            }

            cfg.sleep(ELECTION_TIMEOUT_MILLIS);
            cfg.setUnreliable(false);
            for (int i = 0; i < servers; i++) {
                if (!cfg.hasRaft(i)) {
                    cfg.start1(i);
                }
                cfg.connect(i);
            }

            stop.set(true);

            List<Long> values = new ArrayList<>();
            for (int i = 0; i < ncli; i++) {
                clients.get(i).join();
                List<Long> vv = results.get(i);
                if (vv == null) {
                    cfg.fail("client failed");
                }
                values.addAll(vv);
            }

            cfg.sleep(ELECTION_TIMEOUT_MILLIS);

            long lastIndex = cfg.one(cfg.randInt(), servers, true);

            Set<Long> really = new HashSet<>();
            for (long index = 1; index <= lastIndex; index++) {
                LabValue v = cfg.waitFor(index, servers, -1);
                if (!v.isInt()) {
                    cfg.fail("not an int");
                }
                really.add(v.asLong());
            }

            for (long v1 : values) {
                if (!really.contains(v1)) {
                    cfg.fail("didn't find a value");
                }
            }
            cfg.end();
        }
    }

    /** One churn client: returns the values it saw committed. */
    private static List<Long> churnClient(LabHarness cfg, int me, AtomicBoolean stop) {
        List<Long> values = new ArrayList<>();
        while (!stop.get()) {
            long x = cfg.randInt();
            long index = -1;
            boolean ok = false;
            for (int i = 0; i < cfg.servers(); i++) {
                // try them all, maybe one of them is a leader
                if (cfg.hasRaft(i)) {
                    ProposeResult r = cfg.start(i, x);
                    if (r.isLeader()) {
                        ok = true;
                        index = r.index();
                    }
                }
            }
            if (ok) {
                // maybe leader will commit our value, maybe not.
                // but don't wait forever.
                for (long to : new long[] {10, 20, 50, 100, 200}) {
                    AppliedLogs.Committed c = cfg.nCommitted(index);
                    if (c.count() > 0) {
                        if (!c.value().isInt()) {
                            cfg.fail("wrong command type");
                        }
                        if (c.value().asLong() == x) {
                            values.add(x);
                        }
                        break;
                    }
                    cfg.sleep(to);
                }
            } else {
                cfg.sleep(79 + me * 17L);
            }
        }
        return values;
    }
}
