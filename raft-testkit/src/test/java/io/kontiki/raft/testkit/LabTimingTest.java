package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.NodeStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's two timing rules for its configuration ({@code RaftConfig.lab}), measured directly
 * on virtual time rather than only through the lab tests that imply them: a leader sends at
 * most 10 heartbeats per second to each peer, and after a leader fails a new one is elected
 * within 5 s while a majority can talk.
 */
class LabTimingTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void anIdleLeaderSendsAtMostTenHeartbeatsPerSecondToEachPeer(long seed) {
        try (LabHarness cfg = LabHarness.make(SimulatedCluster.factory(seed), 3, false)) {
            int leader = cfg.checkOneLeader();
            cfg.sleep(1000); // let the election's own messages settle
            long[] before = new long[3];
            for (int i = 0; i < 3; i++) {
                before[i] = cfg.rpcCount(i);
            }
            cfg.sleep(10_000);
            for (int i = 0; i < 3; i++) {
                if (i == leader) {
                    continue;
                }
                long received = cfg.rpcCount(i) - before[i];
                assertTrue(received <= 101, "follower " + i + " received " + received
                        + " requests in 10 idle seconds (seed " + seed + ")");
                assertTrue(received >= 50, "follower " + i + " heard only " + received
                        + " heartbeats in 10 s (seed " + seed + ")");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void aNewLeaderIsElectedWithinFiveSecondsOfALeaderFailure(long seed) {
        try (LabHarness cfg = LabHarness.make(SimulatedCluster.factory(seed), 5, false)) {
            for (int round = 0; round < 3; round++) {
                int leader = cfg.checkOneLeader();
                long oldTerm = cfg.getState(leader).term();
                cfg.crash1(leader);
                long crashedAt = cfg.cluster().nowMillis();
                long electedAt = -1;
                while (cfg.cluster().nowMillis() - crashedAt <= 5_000) {
                    if (hasNewLeader(cfg, oldTerm)) {
                        electedAt = cfg.cluster().nowMillis();
                        break;
                    }
                    cfg.sleep(5);
                }
                assertTrue(electedAt >= 0, "no new leader within 5 s of crashing leader " + leader
                        + " in round " + round + " (seed " + seed + ")");
                cfg.start1(leader);
                cfg.connect(leader);
            }
        }
    }

    private static boolean hasNewLeader(LabHarness cfg, long oldTerm) {
        for (int i = 0; i < cfg.servers(); i++) {
            NodeStatus s = cfg.cluster().status(i);
            if (s != null && cfg.isConnected(i) && s.isLeader() && s.term() > oldTerm) {
                return true;
            }
        }
        return false;
    }
}
