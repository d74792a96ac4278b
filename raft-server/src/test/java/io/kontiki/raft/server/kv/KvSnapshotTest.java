package io.kontiki.raft.server.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The store's snapshot: a round trip keeps keys, sessions and the digest; bad bytes change nothing. */
class KvSnapshotTest {

    private static final long A = 7;
    private static final long B = 8;

    private final List<KvResult> results = new ArrayList<>();

    private KvStateMachine store() {
        return new KvStateMachine((i, t, r) -> results.add(r));
    }

    private KvResult apply(KvStateMachine kv, KvCommand c) {
        kv.apply(LogEntry.command(2, kv.lastAppliedIndex() + 1, c.encode()));
        return results.get(results.size() - 1);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] snapshotOf(KvStateMachine kv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.snapshot().writeTo(out);
        return out.toByteArray();
    }

    /** A store with a few keys and two clients, one of them with a gap in its sequences. */
    private KvStateMachine filled() {
        KvStateMachine kv = store();
        apply(kv, new KvCommand.Put(A, 1, 1000, "a", b("1")));
        apply(kv, new KvCommand.Put(A, 2, 1000, "b", b("2")));
        apply(kv, new KvCommand.Cas(A, 3, 1000, "a", b("x"), b("y"))); // fails: recorded as CAS_FAILED
        apply(kv, new KvCommand.Put(B, 1, 1000, "c", b("3")));
        apply(kv, new KvCommand.Put(B, 3, 1000, "d", b("4")));          // sequence 2 is a gap
        apply(kv, new KvCommand.Delete(A, 4, 1000, "b"));
        return kv;
    }

    @Test
    void aRestoredStoreHoldsTheSameKeysDigestAndSessions() throws IOException {
        KvStateMachine kv = filled();
        byte[] bytes = snapshotOf(kv);

        KvStateMachine copy = store();
        copy.restore(new SnapshotMeta(6, 2, bytes.length, 0), new ByteArrayInputStream(bytes));

        assertEquals(6, copy.lastAppliedIndex());
        assertEquals(3, copy.size());
        assertArrayEquals(b("1"), copy.get("a"));
        assertNull(copy.get("b"));
        assertEquals(kv.digest(), copy.digest());
        assertEquals(2, copy.sessionCount());
        assertEquals(kv.clockMillis(), copy.clockMillis());

        // The retry of A's last write answers the recorded result and is not applied again.
        assertEquals(new KvResult(KvResult.Status.OK, null, 6), apply(copy, new KvCommand.Delete(A, 4, 1000, "b")));
        // A's failed CAS is still remembered as failed, without re-applying it.
        assertEquals(KvResult.Status.CAS_FAILED, apply(copy, new KvCommand.Cas(A, 3, 1000, "a", b("x"), b("y"))).status());
        // B's sequence 2 was never applied: it is applied now.
        assertEquals(KvResult.Status.OK, apply(copy, new KvCommand.Put(B, 2, 1000, "e", b("5"))).status());
        assertArrayEquals(b("5"), copy.get("e"));
        assertEquals(9, copy.lastAppliedIndex(), "applying goes on after the snapshot's index");
    }

    @Test
    void theSnapshotIsOfTheStateWhenItWasTakenNotWhenItIsWritten() throws IOException {
        KvStateMachine kv = filled();
        var writer = kv.snapshot();
        apply(kv, new KvCommand.Put(A, 5, 1000, "a", b("later")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);

        KvStateMachine copy = store();
        copy.restore(new SnapshotMeta(6, 2, out.size(), 0), new ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(b("1"), copy.get("a"));
        assertNotEquals(kv.digest(), copy.digest());
    }

    @Test
    void theDigestDependsOnTheContentsNotOnTheirHistory() {
        KvStateMachine one = store();
        apply(one, new KvCommand.Put(A, 1, 0, "x", b("1")));
        apply(one, new KvCommand.Put(A, 2, 0, "y", b("2")));
        KvStateMachine two = store();
        apply(two, new KvCommand.Put(B, 1, 0, "y", b("9")));
        apply(two, new KvCommand.Put(B, 2, 0, "x", b("1")));
        assertNotEquals(one.digest(), two.digest());
        apply(two, new KvCommand.Put(B, 3, 0, "y", b("2")));
        assertEquals(one.digest(), two.digest());
        apply(two, new KvCommand.Delete(B, 4, 0, "y"));
        apply(one, new KvCommand.Delete(A, 3, 0, "y"));
        assertEquals(one.digest(), two.digest());
    }

    @ParameterizedTest(name = "cut at byte {0} of the snapshot")
    @ValueSource(ints = {0, 3, 8, 20, 30, 60, -9, -1})
    void aTruncatedSnapshotIsRefusedAndTheStoreUnchanged(int cut) throws IOException {
        byte[] bytes = snapshotOf(filled());
        int at = cut < 0 ? bytes.length + cut : cut;
        KvStateMachine target = store();
        apply(target, new KvCommand.Put(A, 1, 0, "keep", b("me")));
        long digest = target.digest();
        IOException e = assertThrows(IOException.class, () -> target.restore(new SnapshotMeta(6, 2, at, 0),
                new ByteArrayInputStream(Arrays.copyOf(bytes, at))));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        assertArrayEquals(b("me"), target.get("keep"));
        assertEquals(digest, target.digest());
        assertEquals(1, target.lastAppliedIndex());
    }

    @Test
    void corruptSnapshotsAreRefusedWithAMessage() throws IOException {
        byte[] good = snapshotOf(filled());
        assertRefused(flip(good, 0), "not a key-value snapshot");
        assertRefused(ByteBuffer.wrap(good.clone()).putInt(4, 99).array(), "version 99");
        assertRefused(flip(good, good.length - 1), "digest mismatch");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertRefused(longer, "bytes after the digest");
        KvStateMachine kv = store();
        IOException wrongIndex = assertThrows(IOException.class,
                () -> kv.restore(new SnapshotMeta(7, 2, good.length, 0), new ByteArrayInputStream(good)));
        assertTrue(wrongIndex.getMessage().contains("stored as"), wrongIndex.getMessage());
    }

    @Test
    void anAbsurdLengthIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] good = snapshotOf(filled());
        int keyCountAt = 4 + 4 + 8 + 8 + 4 + ByteBuffer.wrap(good).getInt(24);
        assertRefused(ByteBuffer.wrap(good.clone()).putLong(keyCountAt, Long.MAX_VALUE).array(), "bad key count");
        assertRefused(ByteBuffer.wrap(good.clone()).putInt(keyCountAt + 8, Integer.MAX_VALUE).array(), "key 0 has length");
        assertRefused(ByteBuffer.wrap(good.clone()).putInt(24, -5).array(), "bad session table length");
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] b = bytes.clone();
        b[at] ^= 0x40;
        return b;
    }

    private void assertRefused(byte[] bytes, String message) {
        KvStateMachine kv = store();
        IOException e = assertThrows(IOException.class,
                () -> kv.restore(new SnapshotMeta(6, 2, bytes.length, 0), new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(0, kv.size());
    }
}
