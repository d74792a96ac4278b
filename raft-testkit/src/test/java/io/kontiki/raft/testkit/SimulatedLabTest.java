package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run reports: the summary line on success; seed, rerun command and trace on failure. */
class SimulatedLabTest {

    @Test
    void aPassedRunReportsTheLabSummaryLine() {
        LabRunResult r = SimulatedLab.run(LabScenario.BASIC_AGREE_2B, 3, null);
        assertTrue(r.summary().matches("Test \\(2B\\): basic agreement +\\.\\.\\. Passed -- +\\d+\\.\\d  3 +\\d+ +\\d+ +3  seed=3"),
                r.summary());
        assertEquals("basicAgree2B", r.scenario());
        assertTrue(r.rpcTotal() > 0 && r.bytesTotal() > 0 && r.virtualMillis() > 0);
    }

    @Test
    void aFailedRunReportsItsSeedHowToRerunItAndTheTrace() {
        LabRunFailure f = assertThrows(LabRunFailure.class, () -> SimulatedLab.run("deliberatelyFailing", factory -> {
            try (LabHarness cfg = LabHarness.make(factory, 3, false)) {
                cfg.begin("Test: impossible");
                int leader = cfg.checkOneLeader();
                cfg.disconnect(leader);
                cfg.one(42, 3, false);
            }
        }, 42, "mvn -B test -pl raft-testkit -Dtest='X#y'"));
        String m = f.getMessage();
        assertTrue(m.startsWith("deliberatelyFailing FAILED with seed 42 at t="), m);
        assertTrue(m.contains("one(42) failed to reach agreement"), m);
        assertTrue(m.contains("rerun this seed: mvn -B test -pl raft-testkit -Dtest='X#y' -Dkontiki.seed=42"), m);
        assertTrue(m.contains(" trace lines (t = virtual ms):"), m);
        assertTrue(m.contains("AppendEntries term="), m);
        assertTrue(m.contains("propose 42 on "), m);
        assertInstanceOf(LabFailure.class, f.getCause());
    }

    @Test
    void aFailureInAScenarioThreadFailsTheRun() {
        LabRunFailure f = assertThrows(LabRunFailure.class, () -> SimulatedLab.run("deliberatelyFailingThread", factory -> {
            try (LabHarness cfg = LabHarness.make(factory, 3, false)) {
                cfg.spawn("failing", () -> {
                    cfg.sleep(300);
                    cfg.fail("boom from a thread");
                });
                cfg.sleep(10_000);
            }
        }, 5, null));
        assertTrue(f.getMessage().contains("at t=300 ms: " + LabFailure.class.getName() + ": boom from a thread"),
                f.getMessage());
    }

    @Test
    void aRunMayNotExceedTheLabsTimeLimit() {
        LabRunFailure f = assertThrows(LabRunFailure.class, () -> SimulatedLab.run("deliberatelyTooSlow", factory -> {
            try (LabHarness cfg = LabHarness.make(factory, 3, false)) {
                cfg.sleep(LabHarness.TEST_TIME_LIMIT_MILLIS + 1);
            }
        }, 5, null));
        assertInstanceOf(SimulationLimitExceeded.class, f.getCause());
    }

    @Test
    void seedsComeFromSystemProperties() {
        String seed = System.getProperty("kontiki.seed");
        List<Long> seeds = LabSeeds.seeds();
        if (seed == null || seed.isBlank()) {
            assertEquals(Integer.getInteger("kontiki.seeds", 20), seeds.size());
            assertEquals(Long.getLong("kontiki.firstSeed", 1), seeds.get(0));
        } else {
            assertEquals(List.of(Long.parseLong(seed.trim())), seeds);
        }
    }
}
