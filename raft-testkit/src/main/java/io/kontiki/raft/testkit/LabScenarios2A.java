package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabHarness.ELECTION_TIMEOUT_MILLIS;

/**
 * The MIT Raft lab's part 2A tests (leader election, spec §5.1), written once against
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
public final class LabScenarios2A {

    private LabScenarios2A() {
    }

    /** TestInitialElection2A. */
    public static void initialElection2A(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2A): initial election");

            // is a leader elected?
            cfg.checkOneLeader();

            // sleep a bit to avoid racing with followers learning of the election,
            // then check that all peers agree on the term.
            cfg.sleep(50);
            long term1 = cfg.checkTerms();
            if (term1 < 1) {
                cfg.fail("term is " + term1 + ", but should be at least 1");
            }

            // does the leader+term stay the same if there is no network failure?
            cfg.sleep(2 * ELECTION_TIMEOUT_MILLIS);
            long term2 = cfg.checkTerms();
            if (term1 != term2) {
                cfg.note("warning: term changed even though there were no failures");
            }

            // there should still be a leader.
            cfg.checkOneLeader();
            cfg.end();
        }
    }

    /** TestReElection2A. */
    public static void reElection2A(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2A): election after network failure");

            int leader1 = cfg.checkOneLeader();

            // if the leader disconnects, a new one should be elected.
            cfg.disconnect(leader1);
            cfg.checkOneLeader();

            // if the old leader rejoins, that shouldn't disturb the new leader.
            // and the old leader should switch to follower.
            cfg.connect(leader1);
            int leader2 = cfg.checkOneLeader();

            // if there's no quorum, no new leader should be elected.
            cfg.disconnect(leader2);
            cfg.disconnect((leader2 + 1) % servers);
            cfg.sleep(2 * ELECTION_TIMEOUT_MILLIS);

            // check that the one connected server does not think it is the leader.
            cfg.checkNoLeader();

            // if a quorum arises, it should elect a leader.
            cfg.connect((leader2 + 1) % servers);
            cfg.checkOneLeader();

            // re-join of last node shouldn't prevent leader from existing.
            cfg.connect(leader2);
            cfg.checkOneLeader();
            cfg.end();
        }
    }

    /** TestManyElections2A. */
    public static void manyElections2A(LabClusterFactory factory) {
        int servers = 7;
        try (LabHarness cfg = LabHarness.make(factory, servers, false)) {
            cfg.begin("Test (2A): multiple elections");

            cfg.checkOneLeader();

            int iters = 10;
            for (int ii = 1; ii < iters; ii++) {
                // disconnect three nodes
                int i1 = cfg.randBelow(servers);
                int i2 = cfg.randBelow(servers);
                int i3 = cfg.randBelow(servers);
                cfg.disconnect(i1);
                cfg.disconnect(i2);
                cfg.disconnect(i3);

                // either the current leader should still be alive,
                // or the remaining four should elect a new one.
                cfg.checkOneLeader();

                cfg.connect(i1);
                cfg.connect(i2);
                cfg.connect(i3);
            }

            cfg.checkOneLeader();
            cfg.end();
        }
    }
}
