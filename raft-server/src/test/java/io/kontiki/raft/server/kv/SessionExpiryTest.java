package io.kontiki.raft.server.kv;

import static io.kontiki.raft.server.kv.KvResult.Status.OK;
import static io.kontiki.raft.server.kv.KvResult.Status.SESSION_EXPIRED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Session expiry: driven by the commands' stamps (the log's clock), the same on every replica,
 * and never at the price of re-applying a write.
 */
class SessionExpiryTest {

    private static final long A = 1001;
    private static final long B = 2002;
    private static final long TIMEOUT = 1_000;
    private static final KvResult EXPIRED = new KvResult(SESSION_EXPIRED, null, KvResult.UNKNOWN_INDEX);

    private final List<KvResult> results = new ArrayList<>();
    private final KvStateMachine kv = new KvStateMachine((i, t, r) -> results.add(r), Duration.ofMillis(TIMEOUT));

    private KvResult apply(KvCommand command) {
        kv.apply(LogEntry.command(1, kv.lastAppliedIndex() + 1, command.encode()));
        return results.get(results.size() - 1);
    }

    private static KvCommand put(long client, long sequence, long stamp, String key, String value) {
        return new KvCommand.Put(client, sequence, stamp, key, b(value));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSessionIdlePastTheTimeoutIsDroppedAndItsRetryIsRefusedNotReapplied() {
        apply(put(A, 1, 10_000, "k", "a1"));
        KvCommand second = put(A, 2, 10_100, "k", "a2");
        assertEquals(KvResult.ok(2), apply(second));
        apply(put(B, 1, 10_100 + TIMEOUT + 1, "k", "b"));
        assertEquals(1, kv.sessionCount(), "A's session was dropped when the clock passed its last write + timeout");

        assertEquals(EXPIRED, apply(second), "a retry after expiry");
        assertArrayEquals(b("b"), kv.get("k"), "was not applied again over B's later write");
        assertEquals(1, kv.sessionCount(), "and opened no session");
    }

    @Test
    void aSessionIdleForExactlyTheTimeoutIsKept() {
        KvCommand first = put(A, 1, 5_000, "k", "v");
        apply(first);
        apply(put(B, 1, 5_000 + TIMEOUT, "other", "x"));
        assertEquals(KvResult.ok(1), apply(first), "still recognised as a retry");
        assertEquals(2, kv.sessionCount());
    }

    @Test
    void aNewClientsFirstWriteOpensASessionAfterAnExpiredOne() {
        apply(put(A, 1, 0, "k", "old session"));
        apply(put(B, 1, TIMEOUT + 1, "x", "x"));
        assertEquals(EXPIRED, apply(put(A, 2, TIMEOUT + 2, "k", "late")));
        long fresh = 3003; // what the client does on SESSION_EXPIRED: a new id, numbering from 1
        assertEquals(KvResult.ok(4), apply(put(fresh, 1, TIMEOUT + 3, "k", "late")));
        assertEquals(KvResult.ok(5), apply(put(fresh, 2, TIMEOUT + 4, "k", "later")));
        assertArrayEquals(b("later"), kv.get("k"));
        assertEquals(2, kv.sessionCount());
    }

    @Test
    void expiryFollowsTheStampsNotTheWallClock() {
        // Stamps from 1970 with an hour's timeout: by the wall clock every session would be
        // decades old; by the log's clock they are seconds old.
        KvStateMachine store = new KvStateMachine();
        KvCommand first = put(A, 1, 1_000, "k", "v");
        store.apply(LogEntry.command(1, 1, first.encode()));
        store.apply(LogEntry.command(1, 2, put(B, 1, 2_000, "k2", "v").encode()));
        assertEquals(2, store.sessionCount());
        long hour = KvStateMachine.DEFAULT_SESSION_TIMEOUT.toMillis();
        store.apply(LogEntry.command(1, 3, put(B, 2, 1_000 + hour + 1, "k2", "w").encode()));
        assertEquals(1, store.sessionCount(), "A expires when the stamps say an hour has passed");
    }

    @Test
    void aStampThatGoesBackDoesNotMoveTheClockBack() {
        apply(put(A, 1, 10_000, "k", "v"));
        apply(put(A, 2, 5_000, "k", "w")); // a leader whose clock is behind
        assertEquals(10_000, kv.clockMillis());
        apply(put(B, 1, 10_000 + TIMEOUT, "x", "x"));
        assertEquals(2, kv.sessionCount(), "A's last write counted at the clock (10,000), not at its stamp");
        apply(put(B, 2, 10_000 + TIMEOUT + 1, "x", "y"));
        assertEquals(1, kv.sessionCount());
    }

    @Test
    void retriesKeepASessionAliveButGetsAndNoopsDoNot() {
        apply(put(A, 1, 0, "k", "v"));
        KvCommand second = put(A, 2, 0, "k", "w");
        apply(second);
        apply(new KvCommand.Get(A, 0, 900, "k"));
        kv.apply(LogEntry.noop(2, kv.lastAppliedIndex() + 1));
        assertEquals(KvResult.ok(2), apply(second), "a retry, counted at the clock: 900");
        apply(new KvCommand.Get(A, 0, 900 + TIMEOUT, "k"));
        assertEquals(1, kv.sessionCount(), "the retry at 900 kept it");
        apply(new KvCommand.Get(A, 0, 900 + TIMEOUT + 1, "k"));
        assertEquals(0, kv.sessionCount(), "GETs advance the clock but are not writes");
        assertEquals(EXPIRED, apply(second));
    }

    @Test
    void sessionsExpireOldestFirstWhateverTheirIds() {
        long t = 0;
        for (long client = 50; client >= 1; client--) {
            apply(put(client, 1, t++, "k" + client, "v"));
        }
        apply(put(60, 1, 24 + TIMEOUT + 1, "x", "x")); // clients written at 0..24 are past the timeout
        assertEquals(26, kv.sessionCount());
        for (long client = 50; client >= 1; client--) {
            KvResult answer = apply(put(client, 2, 24 + TIMEOUT + 1, "k" + client, "w"));
            assertEquals(client <= 25 ? OK : SESSION_EXPIRED, answer.status(), "client " + client);
        }
    }

    @Test
    void twoStoresFedTheSameEntriesExpireTheSameSessions() {
        for (long seed = 1; seed <= 10; seed++) {
            List<KvResult> first = new ArrayList<>();
            List<KvResult> second = new ArrayList<>();
            KvStateMachine one = new KvStateMachine((i, t, r) -> first.add(r), Duration.ofMillis(TIMEOUT));
            KvStateMachine two = new KvStateMachine((i, t, r) -> second.add(r), Duration.ofMillis(TIMEOUT));
            int expired = 0;
            for (LogEntry e : workload(seed)) {
                one.apply(e);
                two.apply(e);
                assertEquals(first.get(first.size() - 1), second.get(second.size() - 1), "seed " + seed + " at " + e);
                assertEquals(one.sessionCount(), two.sessionCount(), "seed " + seed + " at " + e);
                KvResult r = first.get(first.size() - 1);
                expired += r != null && r.status() == SESSION_EXPIRED ? 1 : 0;
            }
            assertTrue(expired > 0, "seed " + seed + ": the workload exercises expiry");
        }
    }

    /** Clients that write in bursts and fall silent, under leaders whose clocks disagree a little. */
    private static List<LogEntry> workload(long seed) {
        Random random = new Random(seed);
        List<LogEntry> entries = new ArrayList<>();
        long[] next = new long[40];
        long clock = 1_000_000;
        for (int i = 1; i <= 5_000; i++) {
            clock += random.nextInt(40);
            long stamp = Math.max(0, clock + random.nextInt(200) - 100);
            int client = random.nextInt(next.length);
            if (random.nextInt(20) == 0) {
                entries.add(LogEntry.noop(1, i));
                continue;
            }
            long sequence = next[client] == 0 ? 1 + random.nextInt(2) : next[client] - random.nextInt(2);
            next[client] = Math.max(next[client], sequence + 1);
            entries.add(LogEntry.command(1, i, put(client, Math.max(1, sequence), stamp, "k" + client % 7, "v" + i)
                    .encode()));
        }
        return entries;
    }

    @Test
    void aTimeoutBelowOneMillisecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KvStateMachine(ApplyListener.NONE, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new KvStateMachine(ApplyListener.NONE, Duration.ofNanos(999_999)));
    }
}
