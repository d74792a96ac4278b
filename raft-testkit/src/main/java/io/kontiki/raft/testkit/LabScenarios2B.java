package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabHarness.ELECTION_TIMEOUT_MILLIS;

import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The MIT Raft lab's part 2B tests (log agreement, spec §5.2), written once against
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
public final class LabScenarios2B {

    private LabScenarios2B() {
    }

    /** TestBasicAgree2B. */
    public static void basicAgree2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): basic agreement");

            int iters = 3;
            for (int index = 1; index < iters + 1; index++) {
                if (cfg.nCommitted(index).count() > 0) {
                    cfg.fail("some have committed before Start()");
                }
                long xindex = cfg.one(index * 100L, servers, false);
                if (xindex != index) {
                    cfg.fail("got index " + xindex + " but expected " + index);
                }
            }
            cfg.end();
        }
    }

    /** TestRPCBytes2B: each command should be sent to each peer just once. */
    public static void rpcBytes2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): RPC byte count");

            cfg.one(99, servers, false);
            long bytes0 = cfg.bytesTotal();

            int iters = 10;
            long sent = 0;
            for (int index = 2; index < iters + 2; index++) {
                String cmd = cfg.randString(5000);
                long xindex = cfg.one(cmd, servers, false);
                if (xindex != index) {
                    cfg.fail("got index " + xindex + " but expected " + index);
                }
                sent += cmd.length();
            }

            long bytes1 = cfg.bytesTotal();
            long got = bytes1 - bytes0;
            long expected = servers * sent;
            if (got > expected + 50_000) {
                cfg.fail("too many RPC bytes; got " + got + ", expected " + expected);
            }
            cfg.end();
        }
    }

    /** TestFollowerFailure2B: test just failure of followers. */
    public static void followerFailure2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): test progressive failure of followers");

            cfg.one(101, servers, false);

            // disconnect one follower from the network.
            int leader1 = cfg.checkOneLeader();
            cfg.disconnect((leader1 + 1) % servers);

            // the leader and remaining follower should be
            // able to agree despite the disconnected follower.
            cfg.one(102, servers - 1, false);
            cfg.sleep(ELECTION_TIMEOUT_MILLIS);
            cfg.one(103, servers - 1, false);

            // disconnect the remaining follower
            int leader2 = cfg.checkOneLeader();
            cfg.disconnect((leader2 + 1) % servers);
            cfg.disconnect((leader2 + 2) % servers);

            // submit a command.
            ProposeResult r = cfg.start(leader2, 104);
            if (!r.isLeader()) {
                cfg.fail("leader rejected Start()");
            }
            if (r.index() != 4) {
                cfg.fail("expected index 4, got " + r.index());
            }

            cfg.sleep(2 * ELECTION_TIMEOUT_MILLIS);

            // check that command 104 did not commit.
            int n = cfg.nCommitted(r.index()).count();
            if (n > 0) {
                cfg.fail(n + " committed but no majority");
            }
            cfg.end();
        }
    }

    /** TestLeaderFailure2B: test just failure of leaders. */
    public static void leaderFailure2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): test failure of leaders");

            cfg.one(101, servers, false);

            // disconnect the first leader.
            int leader1 = cfg.checkOneLeader();
            cfg.disconnect(leader1);

            // the remaining followers should elect
            // a new leader.
            cfg.one(102, servers - 1, false);
            cfg.sleep(ELECTION_TIMEOUT_MILLIS);
            cfg.one(103, servers - 1, false);

            // disconnect the new leader.
            int leader2 = cfg.checkOneLeader();
            cfg.disconnect(leader2);

            // submit a command to each server.
            for (int i = 0; i < servers; i++) {
                cfg.start(i, 104);
            }

            cfg.sleep(2 * ELECTION_TIMEOUT_MILLIS);

            // check that command 104 did not commit.
            int n = cfg.nCommitted(4).count();
            if (n > 0) {
                cfg.fail(n + " committed but no majority");
            }
            cfg.end();
        }
    }

    /** TestFailAgree2B: a follower participates first, then disconnects and reconnects. */
    public static void failAgree2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): agreement after follower reconnects");

            cfg.one(101, servers, false);

            // disconnect one follower from the network.
            int leader = cfg.checkOneLeader();
            cfg.disconnect((leader + 1) % servers);

            // the leader and remaining follower should be
            // able to agree despite the disconnected follower.
            cfg.one(102, servers - 1, false);
            cfg.one(103, servers - 1, false);
            cfg.sleep(ELECTION_TIMEOUT_MILLIS);
            cfg.one(104, servers - 1, false);
            cfg.one(105, servers - 1, false);

            // re-connect
            cfg.connect((leader + 1) % servers);

            // the full set of servers should preserve
            // previous agreements, and be able to agree
            // on new commands.
            cfg.one(106, servers, true);
            cfg.sleep(ELECTION_TIMEOUT_MILLIS);
            cfg.one(107, servers, true);
            cfg.end();
        }
    }

    /** TestFailNoAgree2B. */
    public static void failNoAgree2B(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): no agreement if too many followers disconnect");

            cfg.one(10, servers, false);

            // 3 of 5 followers disconnect
            int leader = cfg.checkOneLeader();
            cfg.disconnect((leader + 1) % servers);
            cfg.disconnect((leader + 2) % servers);
            cfg.disconnect((leader + 3) % servers);

            ProposeResult r = cfg.start(leader, 20);
            if (!r.isLeader()) {
                cfg.fail("leader rejected Start()");
            }
            if (r.index() != 2) {
                cfg.fail("expected index 2, got " + r.index());
            }

            cfg.sleep(2 * ELECTION_TIMEOUT_MILLIS);

            int n = cfg.nCommitted(r.index()).count();
            if (n > 0) {
                cfg.fail(n + " committed but no majority");
            }

            // repair
            cfg.connect((leader + 1) % servers);
            cfg.connect((leader + 2) % servers);
            cfg.connect((leader + 3) % servers);

            // the disconnected majority may have chosen a leader from
            // among their own ranks, forgetting index 2.
            int leader2 = cfg.checkOneLeader();
            ProposeResult r2 = cfg.start(leader2, 30);
            if (!r2.isLeader()) {
                cfg.fail("leader2 rejected Start()");
            }
            if (r2.index() < 2 || r2.index() > 3) {
                cfg.fail("unexpected index " + r2.index());
            }

            cfg.one(1000, servers, true);
            cfg.end();
        }
    }

    /** TestConcurrentStarts2B. */
    public static void concurrentStarts2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): concurrent Start()s");

            boolean success = false;
            attempts:
            for (int attempt = 0; attempt < 5; attempt++) {
                if (attempt > 0) {
                    // give solution some time to settle
                    cfg.sleep(3000);
                }

                int leader = cfg.checkOneLeader();
                ProposeResult first = cfg.start(leader, 1);
                if (!first.isLeader()) {
                    // leader moved on really quickly
                    continue;
                }
                long term = first.term();

                int iters = 5;
                List<Long> is = Collections.synchronizedList(new ArrayList<>());
                List<LabThread> threads = new ArrayList<>();
                for (int ii = 0; ii < iters; ii++) {
                    int i = ii;
                    threads.add(cfg.spawn("start-" + i, () -> {
                        ProposeResult r = cfg.start(leader, 100 + i);
                        if (r.term() != term || !r.isLeader()) {
                            return;
                        }
                        is.add(r.index());
                    }));
                }
                for (LabThread t : threads) {
                    t.join();
                }

                for (int j = 0; j < servers; j++) {
                    NodeStatus s = cfg.getState(j);
                    if (s.term() != term) {
                        // term changed -- can't expect low RPC counts
                        continue attempts;
                    }
                }

                List<Long> cmds = new ArrayList<>();
                for (long index : is) {
                    LabValue cmd = cfg.waitFor(index, servers, term);
                    if (!cmd.isInt()) {
                        cfg.fail("value " + cmd + " is not an int");
                    }
                    if (cmd.asLong() == -1) {
                        // peers have moved on to later terms
                        // so we can't expect all Start()s to
                        // have succeeded
                        continue attempts;
                    }
                    cmds.add(cmd.asLong());
                }

                for (int ii = 0; ii < iters; ii++) {
                    long x = 100 + ii;
                    if (!cmds.contains(x)) {
                        cfg.fail("cmd " + x + " missing in " + cmds);
                    }
                }

                success = true;
                break;
            }

            if (!success) {
                cfg.fail("term changed too often");
            }
            cfg.end();
        }
    }

    /** TestRejoin2B. */
    public static void rejoin2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): rejoin of partitioned leader");

            cfg.one(101, servers, true);

            // leader network failure
            int leader1 = cfg.checkOneLeader();
            cfg.disconnect(leader1);

            // make old leader try to agree on some entries
            cfg.start(leader1, 102);
            cfg.start(leader1, 103);
            cfg.start(leader1, 104);

            // new leader commits, also for index=2
            cfg.one(103, 2, true);

            // new leader network failure
            int leader2 = cfg.checkOneLeader();
            cfg.disconnect(leader2);

            // old leader connected again
            cfg.connect(leader1);

            cfg.one(104, 2, true);

            // all together now
            cfg.connect(leader2);

            cfg.one(105, servers, true);
            cfg.end();
        }
    }

    /** TestBackup2B: the leader backs up quickly over incorrect follower logs. */
    public static void backup2B(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): leader backs up quickly over incorrect follower logs");

            cfg.one(cfg.randInt(), servers, true);

            // put leader and one follower in a partition
            int leader1 = cfg.checkOneLeader();
            cfg.disconnect((leader1 + 2) % servers);
            cfg.disconnect((leader1 + 3) % servers);
            cfg.disconnect((leader1 + 4) % servers);

            // submit lots of commands that won't commit
            for (int i = 0; i < 50; i++) {
                cfg.start(leader1, cfg.randInt());
            }

            cfg.sleep(ELECTION_TIMEOUT_MILLIS / 2);

            cfg.disconnect((leader1 + 0) % servers);
            cfg.disconnect((leader1 + 1) % servers);

            // allow other partition to recover
            cfg.connect((leader1 + 2) % servers);
            cfg.connect((leader1 + 3) % servers);
            cfg.connect((leader1 + 4) % servers);

            // lots of successful commands to new group.
            for (int i = 0; i < 50; i++) {
                cfg.one(cfg.randInt(), 3, true);
            }

            // now another partitioned leader and one follower
            int leader2 = cfg.checkOneLeader();
            int other = (leader1 + 2) % servers;
            if (leader2 == other) {
                other = (leader2 + 1) % servers;
            }
            cfg.disconnect(other);

            // lots more commands that won't commit
            for (int i = 0; i < 50; i++) {
                cfg.start(leader2, cfg.randInt());
            }

            cfg.sleep(ELECTION_TIMEOUT_MILLIS / 2);

            // bring original leader back to life,
            for (int i = 0; i < servers; i++) {
                cfg.disconnect(i);
            }
            cfg.connect((leader1 + 0) % servers);
            cfg.connect((leader1 + 1) % servers);
            cfg.connect(other);

            // lots of successful commands to new group.
            for (int i = 0; i < 50; i++) {
                cfg.one(cfg.randInt(), 3, true);
            }

            // now everyone
            for (int i = 0; i < servers; i++) {
                cfg.connect(i);
            }
            cfg.one(cfg.randInt(), servers, true);
            cfg.end();
        }
    }

    /** TestCount2B: RPC counts aren't too high. */
    public static void count2B(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2B): RPC counts aren't too high");

            int leader = cfg.checkOneLeader();

            long total1 = rpcs(cfg);
            if (total1 > 30 || total1 < 1) {
                cfg.fail("too many or few RPCs (" + total1 + ") to elect initial leader");
            }

            long total2 = 0;
            boolean success = false;
            attempts:
            for (int attempt = 0; attempt < 5; attempt++) {
                if (attempt > 0) {
                    // give solution some time to settle
                    cfg.sleep(3000);
                }

                leader = cfg.checkOneLeader();
                total1 = rpcs(cfg);

                int iters = 10;
                ProposeResult start = cfg.start(leader, 1);
                if (!start.isLeader()) {
                    // leader moved on really quickly
                    continue;
                }
                long starti = start.index();
                long term = start.term();
                List<Long> cmds = new ArrayList<>();
                for (int i = 1; i < iters + 2; i++) {
                    long x = cfg.randInt31();
                    cmds.add(x);
                    ProposeResult r = cfg.start(leader, x);
                    if (r.term() != term) {
                        // Term changed while starting
                        continue attempts;
                    }
                    if (!r.isLeader()) {
                        // No longer the leader, so term has changed
                        continue attempts;
                    }
                    if (starti + i != r.index()) {
                        cfg.fail("Start() failed");
                    }
                }

                for (int i = 1; i < iters + 1; i++) {
                    LabValue cmd = cfg.waitFor(starti + i, servers, term);
                    if (!cmd.isInt(cmds.get(i - 1))) {
                        if (cmd.isInt(-1)) {
                            // term changed -- try again
                            continue attempts;
                        }
                        cfg.fail("wrong value " + cmd + " committed for index " + (starti + i)
                                + "; expected " + cmds);
                    }
                }

                boolean failed = false;
                total2 = 0;
                for (int j = 0; j < servers; j++) {
                    if (cfg.getState(j).term() != term) {
                        // term changed -- can't expect low RPC counts
                        // need to keep going to update total2
                        failed = true;
                    }
                    total2 += cfg.rpcCount(j);
                }

                if (failed) {
                    continue;
                }

                if (total2 - total1 > (iters + 1 + 3) * 3) {
                    cfg.fail("too many RPCs (" + (total2 - total1) + ") for " + iters + " entries");
                }

                success = true;
                break;
            }

            if (!success) {
                cfg.fail("term changed too often");
            }

            cfg.sleep(ELECTION_TIMEOUT_MILLIS);

            long total3 = rpcs(cfg);
            if (total3 - total2 > 3 * 20) {
                cfg.fail("too many RPCs (" + (total3 - total2) + ") for 1 second of idleness");
            }
            cfg.end();
        }
    }

    private static long rpcs(LabHarness cfg) {
        long n = 0;
        for (int j = 0; j < cfg.servers(); j++) {
            n += cfg.rpcCount(j);
        }
        return n;
    }
}
