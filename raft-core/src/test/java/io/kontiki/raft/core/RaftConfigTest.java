package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A configuration is checked once, when it is built; the core assumes it afterwards. */
class RaftConfigTest {

    @ParameterizedTest(name = "heartbeat {0}, election {1}")
    @CsvSource({
        "10, 10",
        "10, 5",
        "0, 5",
    })
    void electionTicksMustExceedHeartbeatTicks(int heartbeatTicks, int electionTicks) {
        assertThrows(IllegalArgumentException.class, () -> RaftConfig.builder(1, List.of(1, 2, 3))
                .heartbeatTicks(heartbeatTicks).electionTicks(electionTicks).build());
    }

    @Test
    void theNodeMustBeOneOfTheVoters() {
        assertThrows(IllegalArgumentException.class, () -> RaftConfig.lab(4, List.of(1, 2, 3)));
    }

    @Test
    void appendLimitsMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> RaftConfig.builder(1, List.of(1)).maxInflightAppends(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> RaftConfig.builder(1, List.of(1)).maxEntriesPerAppend(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> RaftConfig.builder(1, List.of(1)).maxBytesPerAppend(0).build());
    }

    @Test
    void votersAreSortedAndDeduplicated() {
        assertEquals(List.of(1, 2, 3), RaftConfig.lab(2, List.of(3, 1, 2, 3)).voters());
    }

    @Test
    void theLabConfigurationHasNoNoopAndTenHeartbeatsPerSecondAtMost() {
        RaftConfig lab = RaftConfig.lab(1, List.of(1, 2, 3));
        assertFalse(lab.noopOnElection());
        assertEquals(100, lab.heartbeatTicks() * lab.tickMillis(), "ms between heartbeats");
    }
}
