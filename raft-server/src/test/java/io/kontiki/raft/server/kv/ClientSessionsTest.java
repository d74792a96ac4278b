package io.kontiki.raft.server.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The session table against a model that remembers everything: inside the window the two must
 * agree on whether a sequence was applied and with which status; below it the table answers OK.
 */
class ClientSessionsTest {

    /** What an applied write can have produced (SESSION_EXPIRED is never applied). */
    private static final KvResult.Status[] STATUSES = {KvResult.Status.OK, KvResult.Status.NOT_FOUND,
        KvResult.Status.CAS_FAILED};

    @Test
    void agreesWithAModelThatForgetsNothing() {
        for (long seed = 1; seed <= 20; seed++) {
            check(seed);
        }
    }

    private static void check(long seed) {
        Random random = new Random(seed);
        ClientSessions table = new ClientSessions(Long.MAX_VALUE);
        Map<Long, KvResult> model = new HashMap<>();
        assertNull(table.previous(7, 1), "a first write opens the session");
        table.record(7, 1, KvResult.ok(1));
        model.put(1L, KvResult.ok(1));
        long highest = 1;
        long index = 1;
        for (int step = 0; step < 20_000; step++) {
            // Mostly new sequences a little above the highest, sometimes retries and stragglers.
            long seq = random.nextInt(4) == 0
                    ? Math.max(1, highest - random.nextInt(2 * ClientSessions.WINDOW))
                    : highest + 1 + random.nextInt(random.nextInt(10) == 0 ? 50 : 2);
            KvResult answer = table.previous(7, seq);
            KvResult known = model.get(seq);
            String where = "seed " + seed + ", step " + step + ", sequence " + seq + ", highest " + highest;
            if (seq <= highest - ClientSessions.WINDOW) {
                assertEquals(KvResult.ok(KvResult.UNKNOWN_INDEX), answer, where);
                continue;
            }
            if (known == null) {
                assertNull(answer, where + ": never applied, must be applied now");
                KvResult result = new KvResult(STATUSES[random.nextInt(STATUSES.length)], null, ++index);
                table.record(7, seq, result);
                model.put(seq, result);
                highest = Math.max(highest, seq);
            } else if (seq == highest) {
                assertEquals(known, answer, where);
            } else {
                KvResult expected = known.status() == KvResult.Status.OK ? KvResult.ok(KvResult.UNKNOWN_INDEX) : known;
                assertEquals(expected, answer, where);
            }
        }
    }
}
