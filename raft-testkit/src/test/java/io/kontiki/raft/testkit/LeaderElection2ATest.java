package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabScenario.INITIAL_ELECTION_2A;
import static io.kontiki.raft.testkit.LabScenario.MANY_ELECTIONS_2A;
import static io.kontiki.raft.testkit.LabScenario.RE_ELECTION_2A;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's part 2A, leader election (§5.2 of the Raft paper), on the simulator, once per seed
 * (see {@link LabSeeds}). The scenarios are in {@link LabScenarios2A}.
 */
class LeaderElection2ATest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void initialElection2A(long seed, TestInfo info) {
        LabRuns.run(INITIAL_ELECTION_2A, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void reElection2A(long seed, TestInfo info) {
        LabRuns.run(RE_ELECTION_2A, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void manyElections2A(long seed, TestInfo info) {
        LabRuns.run(MANY_ELECTIONS_2A, seed, info);
    }
}
