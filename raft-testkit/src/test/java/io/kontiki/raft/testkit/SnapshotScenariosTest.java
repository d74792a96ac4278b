package io.kontiki.raft.testkit;

import java.util.function.Consumer;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshot scenarios beyond the lab ({@link SnapshotScenarios}): interrupted transfers that
 * resume, and snapshots taken while leadership changes, on the simulator, once per seed.
 */
class SnapshotScenariosTest {

    private static void run(String method, Consumer<LabClusterFactory> scenario, long seed) {
        SimulatedLab.run(method, scenario, seed, "mvn -B test -pl raft-testkit -Dtest='SnapshotScenariosTest#" + method + "'",
                SnapshotScenarios.CONFIG);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void transferCutByPartitionResumes(long seed, TestInfo info) {
        run("transferCutByPartitionResumes", SnapshotScenarios::transferCutByPartitionResumes, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void followerRestartedMidInstallResumes(long seed, TestInfo info) {
        run("followerRestartedMidInstallResumes", SnapshotScenarios::followerRestartedMidInstallResumes, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(LabRuns.SEEDS)
    void snapshotWhileLeaderChanges(long seed, TestInfo info) {
        run("snapshotWhileLeaderChanges", SnapshotScenarios::snapshotWhileLeaderChanges, seed);
    }
}
