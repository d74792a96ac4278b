package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.kontiki.raft.core.message.RaftMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core reads no clock and draws randomness only from the injected Random: same seed, same inputs, same outputs. */
class DeterminismTest {

    /** Every node ticks; messages are delivered after each tick; a command is proposed wherever a leader is. */
    private static List<String> run(long seed) {
        HandCluster c = HandCluster.lab(5, seed);
        for (int t = 0; t < 300; t++) {
            c.tickAll();
            c.deliverAll();
            for (int id = 1; id <= 5; id++) {
                if (c.core(id).role() == Role.LEADER && t % 7 == 0) {
                    c.propose(id, "t" + t);
                }
            }
        }
        return c.sent.stream().map(RaftMessage::describe).toList();
    }

    @Test
    void theSameSeedGivesTheSameMessagesInTheSameOrder() {
        List<String> first = run(3);
        assertEquals(first, run(3));
        assertNotEquals(List.of(), first);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertNotEquals(run(3), run(4), "the seed drives the election timeouts");
    }
}
