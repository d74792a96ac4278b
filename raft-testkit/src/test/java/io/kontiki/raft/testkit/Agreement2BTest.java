package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabScenario.BACKUP_2B;
import static io.kontiki.raft.testkit.LabScenario.BASIC_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.CONCURRENT_STARTS_2B;
import static io.kontiki.raft.testkit.LabScenario.COUNT_2B;
import static io.kontiki.raft.testkit.LabScenario.FAIL_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FAIL_NO_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FOLLOWER_FAILURE_2B;
import static io.kontiki.raft.testkit.LabScenario.LEADER_FAILURE_2B;
import static io.kontiki.raft.testkit.LabScenario.REJOIN_2B;
import static io.kontiki.raft.testkit.LabScenario.RPC_BYTES_2B;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's part 2B, log agreement (§5.3 of the Raft paper), on the simulator, once per seed (see {@link LabSeeds}). The scenarios are in
 * {@link LabScenarios2B}.
 */
class Agreement2BTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void basicAgree2B(long seed, TestInfo info) {
        LabRuns.run(BASIC_AGREE_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void rpcBytes2B(long seed, TestInfo info) {
        LabRuns.run(RPC_BYTES_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void followerFailure2B(long seed, TestInfo info) {
        LabRuns.run(FOLLOWER_FAILURE_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void leaderFailure2B(long seed, TestInfo info) {
        LabRuns.run(LEADER_FAILURE_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void failAgree2B(long seed, TestInfo info) {
        LabRuns.run(FAIL_AGREE_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void failNoAgree2B(long seed, TestInfo info) {
        LabRuns.run(FAIL_NO_AGREE_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void concurrentStarts2B(long seed, TestInfo info) {
        LabRuns.run(CONCURRENT_STARTS_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void rejoin2B(long seed, TestInfo info) {
        LabRuns.run(REJOIN_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void backup2B(long seed, TestInfo info) {
        LabRuns.run(BACKUP_2B, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void count2B(long seed, TestInfo info) {
        LabRuns.run(COUNT_2B, seed, info);
    }
}
