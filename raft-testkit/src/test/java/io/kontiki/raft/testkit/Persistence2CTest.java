package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabScenario.FIGURE8_2C;
import static io.kontiki.raft.testkit.LabScenario.FIGURE8_UNRELIABLE_2C;
import static io.kontiki.raft.testkit.LabScenario.PERSIST1_2C;
import static io.kontiki.raft.testkit.LabScenario.PERSIST2_2C;
import static io.kontiki.raft.testkit.LabScenario.PERSIST3_2C;
import static io.kontiki.raft.testkit.LabScenario.RELIABLE_CHURN_2C;
import static io.kontiki.raft.testkit.LabScenario.UNRELIABLE_AGREE_2C;
import static io.kontiki.raft.testkit.LabScenario.UNRELIABLE_CHURN_2C;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's part 2C, persistence (§5.1, §5.4 and Figure 8 of the Raft paper): crashes,
 * restarts, an unreliable network and long reordering, on the simulator, once per seed (see
 * {@link LabSeeds}). The scenarios are in {@link LabScenarios2C}.
 */
class Persistence2CTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void persist12C(long seed, TestInfo info) {
        LabRuns.run(PERSIST1_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void persist22C(long seed, TestInfo info) {
        LabRuns.run(PERSIST2_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void persist32C(long seed, TestInfo info) {
        LabRuns.run(PERSIST3_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void figure82C(long seed, TestInfo info) {
        LabRuns.run(FIGURE8_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void unreliableAgree2C(long seed, TestInfo info) {
        LabRuns.run(UNRELIABLE_AGREE_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void figure8Unreliable2C(long seed, TestInfo info) {
        LabRuns.run(FIGURE8_UNRELIABLE_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void reliableChurn2C(long seed, TestInfo info) {
        LabRuns.run(RELIABLE_CHURN_2C, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void unreliableChurn2C(long seed, TestInfo info) {
        LabRuns.run(UNRELIABLE_CHURN_2C, seed, info);
    }
}
