package io.kontiki.raft.server.kv;

import static io.kontiki.raft.server.kv.KvResult.Status.CAS_FAILED;
import static io.kontiki.raft.server.kv.KvResult.Status.NOT_FOUND;
import static io.kontiki.raft.server.kv.KvResult.Status.OK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The store's semantics, its session table, and its contract with the apply thread. */
class KvStateMachineTest {

    private static final long A = 1001;
    private static final long B = 2002;

    /** One applied entry as the listener saw it. */
    record Applied(long index, long term, KvResult result) {
    }

    private final List<Applied> applied = new ArrayList<>();
    private final KvStateMachine kv = new KvStateMachine((i, t, r) -> applied.add(new Applied(i, t, r)));
    private long term = 1;

    private KvResult apply(KvCommand command) {
        kv.apply(LogEntry.command(term, kv.lastAppliedIndex() + 1, command.encode()));
        return applied.get(applied.size() - 1).result();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KvResult result(KvResult.Status status, String value, long index) {
        return new KvResult(status, value == null ? null : b(value), index);
    }

    @Test
    void putGetDeleteCasFollowTheSemanticsTable() {
        long seq = 0;
        assertEquals(result(NOT_FOUND, null, 1), apply(new KvCommand.Get(A, 0, 0, "k")));
        assertEquals(result(OK, null, 2), apply(new KvCommand.Put(A, ++seq, 0, "k", b("v1"))));
        assertEquals(result(OK, "v1", 3), apply(new KvCommand.Get(A, 0, 0, "k")));
        assertEquals(result(OK, null, 4), apply(new KvCommand.Put(A, ++seq, 0, "k", b("v2"))));
        assertEquals(result(CAS_FAILED, "v2", 5), apply(new KvCommand.Cas(A, ++seq, 0, "k", b("v1"), b("v3"))));
        assertEquals(result(CAS_FAILED, "v2", 6), apply(new KvCommand.Cas(A, ++seq, 0, "k", null, b("v3"))));
        assertEquals(result(OK, null, 7), apply(new KvCommand.Cas(A, ++seq, 0, "k", b("v2"), b("v3"))));
        assertEquals(result(OK, "v3", 8), apply(new KvCommand.Get(A, 0, 0, "k")));
        assertEquals(result(OK, null, 9), apply(new KvCommand.Delete(A, ++seq, 0, "k")));
        assertEquals(result(NOT_FOUND, null, 10), apply(new KvCommand.Delete(A, ++seq, 0, "k")));
        assertEquals(result(NOT_FOUND, null, 11), apply(new KvCommand.Get(A, 0, 0, "k")));
        assertEquals(result(CAS_FAILED, null, 12), apply(new KvCommand.Cas(A, ++seq, 0, "k", b("v3"), b("v4"))));
        assertEquals(result(OK, null, 13), apply(new KvCommand.Cas(A, ++seq, 0, "k", null, b("v4"))));
        assertEquals(result(OK, null, 14), apply(new KvCommand.Put(A, ++seq, 0, "", new byte[0])));
        assertEquals(result(OK, "", 15), apply(new KvCommand.Get(A, 0, 0, "")));
        assertEquals(result(CAS_FAILED, "", 16), apply(new KvCommand.Cas(A, ++seq, 0, "", null, b("x"))));
        assertEquals(result(OK, null, 17), apply(new KvCommand.Cas(A, ++seq, 0, "", new byte[0], b("x"))));
        assertArrayEquals(b("v4"), kv.get("k"));
        assertArrayEquals(b("x"), kv.get(""));
        assertEquals(2, kv.size());
        assertEquals(17, kv.lastAppliedIndex());
    }

    @Test
    void noopsChangeNothingButAreCountedAndReportedWithANullResult() {
        kv.apply(LogEntry.noop(3, 1));
        apply(new KvCommand.Put(A, 1, 0, "k", b("v")));
        kv.apply(LogEntry.noop(4, 3));
        assertEquals(3, kv.lastAppliedIndex());
        assertEquals(List.of(new Applied(1, 3, null), new Applied(2, 1, result(OK, null, 2)), new Applied(3, 4, null)),
                applied);
    }

    @Test
    void entriesOutOfOrderAreRefusedWithoutChangingTheStore() {
        apply(new KvCommand.Put(A, 1, 0, "k", b("v")));
        IllegalStateException skip = assertThrows(IllegalStateException.class,
                () -> kv.apply(LogEntry.command(1, 3, new KvCommand.Put(A, 2, 0, "k", b("w")).encode())));
        assertTrue(skip.getMessage().contains("applied after index 1"), skip::getMessage);
        assertThrows(IllegalStateException.class, () -> kv.apply(LogEntry.noop(1, 1)));
        assertArrayEquals(b("v"), kv.get("k"));
        assertEquals(1, kv.lastAppliedIndex());
    }

    @Test
    void aRetriedCasDoesNotFailTheSecondTime() {
        apply(new KvCommand.Put(A, 1, 0, "k", b("old")));
        KvCommand.Cas cas = new KvCommand.Cas(A, 2, 0, "k", b("old"), b("new"));
        KvResult first = apply(cas);
        KvResult retry = apply(cas);
        assertEquals(result(OK, null, 2), first);
        assertEquals(first, retry, "the retry answers with the recorded result, original index included");
        assertEquals(3, applied.get(applied.size() - 1).index(), "the listener still sees the retry's own index");
        assertArrayEquals(b("new"), kv.get("k"));
    }

    @Test
    void aRetriedPutDoesNotOverwriteALaterPutOfAnotherClient() {
        KvCommand.Put mine = new KvCommand.Put(A, 1, 0, "k", b("a"));
        apply(mine);
        apply(new KvCommand.Put(B, 1, 0, "k", b("b")));
        assertEquals(result(OK, null, 1), apply(mine));
        assertArrayEquals(b("b"), kv.get("k"));
    }

    @Test
    void aRetriedDeleteAnswersOkAgainAndAFailedCasKeepsItsValueOnRetry() {
        apply(new KvCommand.Put(A, 1, 0, "k", b("v")));
        KvCommand.Delete delete = new KvCommand.Delete(A, 2, 0, "k");
        assertEquals(result(OK, null, 2), apply(delete));
        assertEquals(result(OK, null, 2), apply(delete));
        apply(new KvCommand.Put(B, 1, 0, "k", b("theirs")));
        KvCommand.Cas cas = new KvCommand.Cas(A, 3, 0, "k", null, b("mine"));
        assertEquals(result(CAS_FAILED, "theirs", 5), apply(cas));
        apply(new KvCommand.Delete(B, 2, 0, "k"));
        assertEquals(result(CAS_FAILED, "theirs", 5), apply(cas), "a retry must not apply the CAS now that it could");
        assertNull(kv.get("k"));
    }

    @Test
    void anOlderAppliedWriteIsAnsweredFromTheTableWithoutItsValueAndNotReapplied() {
        apply(new KvCommand.Put(B, 1, 0, "k", b("theirs")));
        KvCommand.Cas failing = new KvCommand.Cas(A, 1, 0, "k", null, b("mine"));
        KvCommand.Put put = new KvCommand.Put(A, 2, 0, "p", b("one"));
        apply(failing);
        apply(put);
        apply(new KvCommand.Put(A, 3, 0, "q", b("x")));
        apply(new KvCommand.Put(B, 2, 0, "p", b("two")));
        assertEquals(result(CAS_FAILED, null, 2), apply(failing));
        assertEquals(result(OK, null, KvResult.UNKNOWN_INDEX), apply(put));
        assertArrayEquals(b("two"), kv.get("p"));
        assertArrayEquals(b("theirs"), kv.get("k"));
    }

    @Test
    void aPipelinedWriteOvertakenByALaterOneIsStillAppliedOnce() {
        apply(new KvCommand.Put(A, 1, 0, "one", b("1")));
        KvCommand.Put five = new KvCommand.Put(A, 5, 0, "five", b("5"));
        apply(new KvCommand.Put(A, 6, 0, "six", b("6")));
        assertEquals(result(OK, null, 3), apply(five));
        assertArrayEquals(b("5"), kv.get("five"));
        apply(new KvCommand.Delete(B, 1, 0, "five"));
        assertEquals(result(OK, null, KvResult.UNKNOWN_INDEX), apply(five), "applied once only");
        assertNull(kv.get("five"));
    }

    @Test
    void onlyAClientsFirstWriteOpensItsSession() {
        assertEquals(new KvResult(KvResult.Status.SESSION_EXPIRED, null, KvResult.UNKNOWN_INDEX),
                apply(new KvCommand.Put(A, 2, 0, "k", b("second"))));
        assertNull(kv.get("k"), "not applied");
        assertEquals(0, kv.sessionCount(), "and no session opened");
        assertEquals(result(OK, null, 2), apply(new KvCommand.Put(A, 1, 0, "k", b("first"))));
        assertEquals(result(OK, null, 3), apply(new KvCommand.Put(A, 2, 0, "k", b("second"))));
        assertArrayEquals(b("second"), kv.get("k"));
    }

    @Test
    void aWriteFarBelowTheWindowIsAnsweredAsAStaleDuplicateAndNotApplied() {
        long highest = 10 + KvStateMachine.SESSION_WINDOW;
        apply(new KvCommand.Put(A, 1, 0, "k", b("first")));
        apply(new KvCommand.Put(A, highest, 0, "k", b("new")));
        assertEquals(result(OK, null, KvResult.UNKNOWN_INDEX), apply(new KvCommand.Put(A, 10, 0, "k", b("stale"))));
        assertArrayEquals(b("new"), kv.get("k"));
        assertEquals(result(OK, null, 4), apply(new KvCommand.Put(A, 11, 0, "k", b("in window"))),
                "the lowest sequence inside the window is still a gap");
    }

    @Test
    void getsBypassTheSessionTable() {
        apply(new KvCommand.Put(A, 1, 0, "k", b("v1")));
        apply(new KvCommand.Get(A, 0, 0, "k"));
        apply(new KvCommand.Put(A, 2, 0, "k", b("v2")));
        assertEquals(result(OK, "v2", 4), apply(new KvCommand.Get(A, 0, 0, "k")));
        assertEquals(result(OK, "v2", 5), apply(new KvCommand.Get(A, 2, 0, "k")), "a GET's sequence is ignored");
        assertEquals(1, kv.sessionCount());
    }

    @Test
    void anUndecodableEntryIsSkippedWithANullResultAndApplicationGoesOn() {
        kv.apply(LogEntry.command(1, 1, new byte[] {9, 9, 9}));
        assertEquals(new Applied(1, 1, null), applied.get(0));
        assertEquals(result(OK, null, 2), apply(new KvCommand.Put(A, 1, 0, "k", b("v"))));
    }

    @Test
    void aFailingListenerDoesNotStopTheStore() {
        KvStateMachine store = new KvStateMachine((i, t, r) -> {
            throw new IllegalStateException("listener bug");
        });
        store.apply(LogEntry.command(1, 1, new KvCommand.Put(A, 1, 0, "k", b("v")).encode()));
        store.apply(LogEntry.noop(1, 2));
        assertEquals(2, store.lastAppliedIndex());
        assertArrayEquals(b("v"), store.get("k"));
    }

    @Test
    void getReturnsACopy() {
        apply(new KvCommand.Put(A, 1, 0, "k", b("v")));
        kv.get("k")[0] = 'x';
        assertArrayEquals(b("v"), kv.get("k"));
    }

    @Test
    void readersOnOtherThreadsSeeAMonotonicStoreWhileEntriesApply() throws Exception {
        KvStateMachine store = new KvStateMachine();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long lastSeen = -1;
            while (!done.get()) {
                long applied = store.lastAppliedIndex();
                byte[] v = store.get("counter");
                long seen = v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
                // lastApplied is published after the entry's write: a reader that saw it sees the write.
                if (seen < lastSeen || seen < applied) {
                    problem.set("saw " + seen + " after " + lastSeen + " with lastApplied " + applied);
                }
                lastSeen = seen;
            }
        });
        reader.start();
        for (long i = 1; i <= 20_000; i++) {
            store.apply(LogEntry.command(1, i, new KvCommand.Put(A, i, 0, "counter", b(Long.toString(i))).encode()));
        }
        done.set(true);
        reader.join();
        assertNull(problem.get());
        assertEquals(20_000, store.lastAppliedIndex());
    }
}
