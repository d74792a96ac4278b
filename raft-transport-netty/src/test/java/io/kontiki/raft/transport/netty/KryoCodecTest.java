package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The standalone codec (used by the handlers and by benchmarks): the byte layouts drawn in the
 * package documentation, and its contract for arrays and buffers.
 */
@ExtendWith(LeakWatch.class)
class KryoCodecTest {

    private final KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
    private final byte[] buffer = new byte[1024];

    private String hex(Object msg) {
        return HexFormat.of().formatHex(buffer, 0, codec.encode(msg, buffer));
    }

    @Test
    void layoutsMatchThePackageDocumentation() {
        assertEquals("0c" + "4b4e544b" + "01" + "07" + "6b6f6e74696b69" + "06",
                hex(new Handshake(1, "kontiki", 3)), "id 10+2, KNTK, version, cluster id, zigzag node id");
        assertEquals("0d" + "01" + "00", hex(HandshakeReply.ACCEPTED));
        assertEquals("0e", hex(Ping.INSTANCE));
        assertEquals("0f", hex(Pong.INSTANCE));
        assertEquals("16" + "02" + "04" + "03" + "0a" + "02", hex(new RequestVote(1, 2, 3, 10, 2)));
        assertEquals("17" + "04" + "02" + "03" + "01", hex(new RequestVoteResponse(2, 1, 3, true)));
        assertEquals("18" + "02" + "04" + "05" + "64" + "04" + "63" + "00",
                hex(new AppendEntries(1, 2, 5, 100, 4, List.of(), 99)), "a heartbeat is 8 bytes");
        assertEquals("18" + "02" + "04" + "05" + "64" + "04" + "63" + "02"
                        + "05" + "65" + "00" + "03" + "010203"
                        + "05" + "66" + "01" + "00",
                hex(new AppendEntries(1, 2, 5, 100, 4,
                        List.of(LogEntry.command(5, 101, new byte[] {1, 2, 3}), LogEntry.noop(5, 102)), 99)));
        assertEquals("19" + "04" + "02" + "05" + "00" + "64" + "03" + "39",
                hex(AppendEntriesResponse.reject(2, 1, 5, 100, 3, 57)));
        assertEquals("1a" + "02" + "04" + "05" + "64" + "04" + "03" + "0d0c0b0a" + "00" + "03" + "010203",
                hex(new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 3, 0x0a0b0c0d), 0, new byte[] {1, 2, 3})),
                "id 24+2, from, to, term, snapshot index, term, size, checksum little-endian, offset, length, data");
        assertEquals("1b" + "04" + "02" + "05" + "64" + "03" + "01",
                hex(new InstallSnapshotResponse(2, 1, 5, 100, 3, true)));
        assertEquals("ffffffff", hex(new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 0, -1), 0, new byte[0]))
                .substring(14, 22), "the checksum is 4 bytes whatever its value");
        assertEquals("01", hex(new RequestVote(-1, 0, 0, 0, 0)).substring(2, 4), "node id -1 is one byte");
    }

    @Test
    void standaloneUsageFromTheDocumentationWorks() {
        // The example in KryoCodec's class documentation, verbatim.
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
        byte[] body = new byte[256];
        int n = codec.encode(new RequestVote(1, 2, 3, 10, 2), body);
        RequestVote back = (RequestVote) codec.decode(body, n);

        assertEquals(new RequestVote(1, 2, 3, 10, 2), back);
        assertEquals(6, n);
    }

    @Test
    void decodesFromAnOffsetInsideALargerArray() {
        RequestVote msg = new RequestVote(1, 2, 3, 10, 2);
        int n = codec.encode(msg, buffer);
        byte[] padded = new byte[n + 20];
        Arrays.fill(padded, (byte) 0x7f);
        System.arraycopy(buffer, 0, padded, 10, n);

        assertEquals(msg, codec.decode(padded, 10, n));
    }

    @Test
    void decodedMessageSharesNoBytesWithTheInput() {
        byte[] data = {1, 2, 3, 4};
        AppendEntries msg = new AppendEntries(1, 2, 1, 0, 0, List.of(LogEntry.command(1, 1, data)), 0);
        int n = codec.encode(msg, buffer);

        AppendEntries decoded = (AppendEntries) codec.decode(buffer, n);
        Arrays.fill(buffer, (byte) 0);

        assertArrayEquals(data, decoded.entries().get(0).data());
    }

    @Test
    void decodesHeapDirectAndCompositeBuffersAlikeWithoutReleasingThem() {
        AppendEntries msg = new AppendEntries(1, 2, 5, 100, 4, List.of(LogEntry.command(5, 101, new byte[5000])), 99);
        byte[] big = new byte[6000];
        byte[] bytes = Arrays.copyOf(big, codec.encode(msg, big));
        int n = bytes.length;
        ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes);
        CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeBuffer()
                .addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes, 0, 10))
                .addComponent(true, PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes, 10, n - 10));

        for (ByteBuf buf : List.of(heap, direct, composite)) {
            assertEquals(msg, codec.decode(buf));
            assertEquals(1, buf.refCnt(), "not released");
            assertEquals(0, buf.readerIndex(), "not moved");
            buf.release();
        }
    }

    @Test
    void encodeIntoAByteBufAppendsTheFrameBody() {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer();
        codec.encode(Ping.INSTANCE, out);
        codec.encode(new RequestVote(1, 2, 3, 10, 2), out);

        assertEquals(7, out.readableBytes());
        assertSame(Ping.INSTANCE, codec.decode(out.readSlice(1)));
        assertEquals(new RequestVote(1, 2, 3, 10, 2), codec.decode(out));
        out.release();
    }

    @Test
    void oneCodecEncodesAndDecodesInterleavedMessagesOfAllTypes() {
        RandomMessages random = new RandomMessages(new Random(11));
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Object msg = random.any();
            sent.add(msg);
            int n = codec.encode(msg, buffer);
            assertEquals(MessageContent.of(msg), MessageContent.of(codec.decode(buffer, n)));
        }
        Set<Class<?>> drawn = sent.stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(RaftKryoRegistry.wireClasses(), drawn, "every type was drawn");
    }

    @Test
    void pingDecodesToTheSingleton() {
        int n = codec.encode(Ping.INSTANCE, buffer);
        assertSame(Ping.INSTANCE, codec.decode(buffer, n));
    }

    @Test
    void encodeIntoAnArrayTooSmallThrowsIllegalArgument() {
        AppendEntries msg = new AppendEntries(1, 2, 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[100])), 0);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(msg, new byte[50]));
    }

    @Test
    void encodeAboveTheFrameLimitThrowsProtocolException() {
        KryoCodec small = new KryoCodec(CodecLimits.withMaxFrameBytes(128));
        AppendEntries msg = new AppendEntries(1, 2, 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[200])), 0);

        ProtocolException inArray = assertThrows(ProtocolException.class, () -> small.encode(msg, new byte[4096]));
        ProtocolException inBuf = assertThrows(ProtocolException.class, () -> small.encodeToBuffer(msg));

        assertTrue(inArray.getMessage().contains("exceeds the frame body limit of 124 bytes"), inArray::getMessage);
        assertTrue(inBuf.getMessage().contains("exceeds the frame body limit of 124 bytes"), inBuf::getMessage);
    }

    @Test
    void encodeChecksWhatDecodeChecks() {
        assertThrows(ProtocolException.class, () -> codec.encode(new RequestVote(1, 2, -1, 0, 0), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new RequestVote(-2, 2, 1, 0, 0), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new Handshake(1, "x".repeat(1025), 1), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new Handshake(1, null, 1), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new AppendEntries(1, 2, 5, 0, 0,
                List.of(LogEntry.command(6, 1, new byte[0])), 0), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new AppendEntries(1, 2, 5, 0, 0,
                List.of(new LogEntry(5, 1, EntryType.NOOP, new byte[1])), 0), buffer));
        SnapshotMeta snapshot = new SnapshotMeta(100, 5, 10, 0);
        assertThrows(ProtocolException.class, () -> codec.encode(new InstallSnapshot(1, 2, 4, snapshot, 0,
                new byte[1]), buffer), "snapshot term above the message's term");
        assertThrows(ProtocolException.class, () -> codec.encode(new InstallSnapshot(1, 2, -1, snapshot, 0,
                new byte[1]), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new InstallSnapshot(-2, 2, 5, snapshot, 0,
                new byte[1]), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new InstallSnapshotResponse(2, 1, -1, 100, 0,
                false), buffer));
        assertThrows(ProtocolException.class, () -> codec.encode(new InstallSnapshotResponse(2, -2, 5, 100, 0,
                false), buffer));
    }

    @Test
    void snapshotChunksAreBoundedByTheEntryLimitOnBothSides() {
        KryoCodec limited = new KryoCodec(new CodecLimits(4096, 16, 1000, 64));
        SnapshotMeta snapshot = new SnapshotMeta(100, 4, 5000, 7);
        InstallSnapshot atLimit = new InstallSnapshot(1, 2, 5, snapshot, 0, new byte[1000]);
        InstallSnapshot aboveLimit = new InstallSnapshot(1, 2, 5, snapshot, 0, new byte[1001]);
        byte[] big = new byte[4096];

        int n = limited.encode(atLimit, big);
        assertEquals(MessageContent.of(atLimit), MessageContent.of(limited.decode(big, n)));
        ProtocolException onWrite = assertThrows(ProtocolException.class, () -> limited.encode(aboveLimit, big));
        assertEquals("InstallSnapshot: data length 1001 exceeds limit 1000", onWrite.getMessage());
        byte[] body = Arrays.copyOf(big, codec.encode(aboveLimit, big));
        ProtocolException onRead = assertThrows(ProtocolException.class, () -> limited.decode(body, body.length));
        assertEquals("InstallSnapshot: data length 1001 exceeds limit 1000", onRead.getMessage());
    }

    @Test
    void aSnapshotChunkWithinTheEntryLimitButAboveTheFrameLimitIsRefused() {
        KryoCodec small = new KryoCodec(CodecLimits.withMaxFrameBytes(128));
        InstallSnapshot chunk = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 120, 7), 0, new byte[120]);
        byte[] body = codec.encode(chunk);

        ProtocolException onWrite = assertThrows(ProtocolException.class, () -> small.encode(chunk, new byte[4096]));
        ProtocolException onRead = assertThrows(ProtocolException.class, () -> small.decode(body, body.length));

        assertEquals(128, small.limits().maxEntryBytes(), "the entry limit alone would allow it");
        assertTrue(onWrite.getMessage().contains("exceeds the frame body limit of 124 bytes"), onWrite::getMessage);
        assertTrue(onRead.getMessage().contains("exceeds limit 124"), onRead::getMessage);
    }

    @Test
    void everyCutOfASnapshotMessageIsRefusedByACheckNamingTheType() {
        List<Object> messages = List.of(
                new InstallSnapshot(1, 2, 300, new SnapshotMeta(1L << 40, 299, 1L << 33, 0x80000001), 1L << 32,
                        new byte[] {1, 2, 3, 4, 5}),
                new InstallSnapshotResponse(2, 1, 300, 1L << 40, 1L << 33, false));
        for (Object msg : messages) {
            byte[] body = codec.encode(msg);
            String type = msg.getClass().getSimpleName() + ": ";
            for (int cut = 1; cut < body.length; cut++) {
                int n = cut;
                ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(body, n));
                assertTrue(e.getMessage().startsWith(type) && !e.getMessage().contains(": invalid: "),
                        () -> "cut at " + n + " of " + body.length + ": " + e.getMessage());
            }
        }
    }

    @Test
    void emptyChunksDecodeToTheLastChunkOfTheirSnapshot() {
        InstallSnapshot emptySnapshot = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 0, 0), 0, new byte[0]);
        InstallSnapshot emptyLast = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 9, 0), 9, new byte[0]);
        InstallSnapshot emptyMiddle = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 9, 0), 4, new byte[0]);

        for (InstallSnapshot m : List.of(emptySnapshot, emptyLast, emptyMiddle)) {
            byte[] body = codec.encode(m);
            InstallSnapshot back = (InstallSnapshot) codec.decode(body, body.length);
            assertEquals(MessageContent.of(m), MessageContent.of(back));
            assertEquals(m.isLast(), back.isLast(), m.describe());
        }
        assertTrue(emptySnapshot.isLast() && emptyLast.isLast() && !emptyMiddle.isLast());
    }

    @Test
    void encodeRejectsNullAndNonWireObjects() {
        assertThrows(IllegalArgumentException.class, () -> codec.encode(null, buffer));
        assertThrows(IllegalArgumentException.class, () -> codec.encode("hello", buffer));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(LogEntry.noop(1, 1), buffer));
    }

    @Test
    void codecStaysUsableAfterEveryKindOfBadInput() {
        RequestVote valid = new RequestVote(1, 2, 3, 10, 2);
        int n = codec.encode(valid, buffer);
        byte[] good = Arrays.copyOf(buffer, n);
        List<byte[]> bad = WireCodecHostileInputTest.hostileBodies().map(a -> (byte[]) a.get()[1]).toList();

        for (byte[] body : bad) {
            assertThrows(ProtocolException.class, () -> codec.decode(body, body.length));
            assertEquals(valid, codec.decode(good, good.length));
        }
        assertTrue(bad.size() >= 30);
    }

    @Test
    void absurdLengthsAndCountsAreRejectedBeforeAnythingIsAllocated() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        List<byte[]> absurd = WireCodecHostileInputTest.hostileBodies()
                .filter(a -> ((String) a.get()[0]).matches(".*(2\\^31-1|beyond the frame|within the limit).*"))
                .map(a -> (byte[]) a.get()[1]).toList();
        assertTrue(absurd.size() >= 6, "cases: " + absurd.size());
        for (int warmUp = 0; warmUp < 2000; warmUp++) {
            for (byte[] body : absurd) {
                assertThrows(ProtocolException.class, () -> codec.decode(body, body.length));
            }
        }

        long tid = Thread.currentThread().getId();
        for (byte[] body : absurd) {
            long before = threads.getThreadAllocatedBytes(tid);
            try {
                codec.decode(body, body.length);
            } catch (ProtocolException expected) {
                // the point
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertTrue(allocated < 4096, () -> allocated + " bytes allocated for " + HexFormat.of().formatHex(body));
        }
    }
}
