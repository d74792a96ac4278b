package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_ALL_CRASH_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_BASIC_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_INIT_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_INSTALL_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_INSTALL_CRASH_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_INSTALL_UNCRASH_2D;
import static io.kontiki.raft.testkit.LabScenario.SNAPSHOT_INSTALL_UNRELIABLE_2D;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's part 2D, snapshots (§7 of the Raft paper): log compaction, InstallSnapshot to
 * followers that were disconnected or crashed, restarts from a snapshot, on the simulator, once
 * per seed (see {@link LabSeeds}). The scenarios are in {@link LabScenarios2D}.
 */
class Snapshots2DTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotBasic2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_BASIC_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotInstall2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_INSTALL_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotInstallUnreliable2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_INSTALL_UNRELIABLE_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotInstallCrash2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_INSTALL_CRASH_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotInstallUnCrash2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_INSTALL_UNCRASH_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotAllCrash2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_ALL_CRASH_2D, seed, info);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotInit2D(long seed, TestInfo info) {
        LabRuns.run(SNAPSHOT_INIT_2D, seed, info);
    }
}
