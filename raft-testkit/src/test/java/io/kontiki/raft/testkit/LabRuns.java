package io.kontiki.raft.testkit;

import org.junit.jupiter.api.TestInfo;

/** Runs a lab scenario for a JUnit test, with a rerun hint naming that test. */
final class LabRuns {

    /** The source of seeds for {@code @MethodSource}. */
    static final String SEEDS = "io.kontiki.raft.testkit.LabSeeds#seeds";

    private LabRuns() {
    }

    static LabRunResult run(LabScenario scenario, long seed, TestInfo info) {
        String test = info.getTestClass().map(Class::getSimpleName).orElse("*")
                + "#" + info.getTestMethod().map(m -> m.getName()).orElse(scenario.method());
        return SimulatedLab.run(scenario, seed, "mvn -B test -pl raft-testkit -Dtest='" + test + "'");
    }
}
