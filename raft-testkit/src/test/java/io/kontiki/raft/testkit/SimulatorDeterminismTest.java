package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Same seed, same run, bit for bit: the whole trace (through its fingerprint), the counters,
 * the virtual time and the summary are identical — including for scenarios with concurrent
 * scenario threads, an unreliable network, long reordering and crashes, and when the two runs
 * execute at the same time on different threads.
 */
class SimulatorDeterminismTest {

    @ParameterizedTest
    @EnumSource(value = LabScenario.class, names = {"CONCURRENT_STARTS_2B", "FIGURE8_2C", "UNRELIABLE_AGREE_2C",
        "FIGURE8_UNRELIABLE_2C", "UNRELIABLE_CHURN_2C"})
    void sameSeedSameRun(LabScenario scenario) {
        long seed = 7;
        LabRunResult first = SimulatedLab.run(scenario, seed, null);
        CompletableFuture<LabRunResult> other = CompletableFuture.supplyAsync(() -> SimulatedLab.run(scenario, seed, null));
        LabRunResult second = SimulatedLab.run(scenario, seed, null);
        assertEquals(first, second);
        assertEquals(first, other.join());
        assertEquals(first.trace(), second.trace());
    }

    @ParameterizedTest
    @EnumSource(value = LabScenario.class, names = {"INITIAL_ELECTION_2A", "UNRELIABLE_CHURN_2C"})
    void differentSeedsTakeDifferentCourses(LabScenario scenario) {
        LabRunResult a = SimulatedLab.run(scenario, 1, null);
        LabRunResult b = SimulatedLab.run(scenario, 2, null);
        assertNotEquals(a.fingerprint(), b.fingerprint());
    }
}
