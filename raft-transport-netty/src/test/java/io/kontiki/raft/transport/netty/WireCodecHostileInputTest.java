package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.transport.netty.RaftKryoRegistry.APPEND_ENTRIES_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.APPEND_ENTRIES_RESPONSE_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.HANDSHAKE_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.HANDSHAKE_REPLY_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.INSTALL_SNAPSHOT_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.INSTALL_SNAPSHOT_RESPONSE_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.PING_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.REQUEST_VOTE_ID;
import static io.kontiki.raft.transport.netty.RaftKryoRegistry.REQUEST_VOTE_RESPONSE_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each hostile frame closes the connection through {@link ProtocolErrorHandler} with a
 * {@link ProtocolException} naming what was wrong: nothing is delivered, no exception escapes
 * the pipeline, the frame is released and no buffer leaks.
 */
@ExtendWith(LeakWatch.class)
class WireCodecHostileInputTest {

    /** AppendEntries header: from 1, to 2, term 5, prevLogIndex 100, prevLogTerm 4, leaderCommit 99. */
    private static WireBytes appendEntriesHeader() {
        return WireBytes.body().classId(APPEND_ENTRIES_ID).nodeId(1).nodeId(2).varLong(5).varLong(100).varLong(4)
                .varLong(99);
    }

    /** InstallSnapshot header: from 1, to 2, term 5. */
    private static WireBytes installSnapshotHeader() {
        return WireBytes.body().classId(INSTALL_SNAPSHOT_ID).nodeId(1).nodeId(2).varLong(5);
    }

    /** InstallSnapshot up to the offset: the header, then snapshot 4/100 of {@code size} bytes, checksum 0. */
    private static WireBytes installSnapshotOfSize(long size) {
        return installSnapshotHeader().varLong(100).varLong(4).varLong(size).bytes(0, 0, 0, 0);
    }

    /** The empty first chunk of an empty snapshot {@code snapshotTerm/index}, in term 5. */
    private static byte[] emptyChunkOf(long index, long snapshotTerm) {
        return installSnapshotHeader().varLong(index).varLong(snapshotTerm).varLong(0).bytes(0, 0, 0, 0).varLong(0)
                .varInt(0).toBytes();
    }

    /** InstallSnapshotResponse header: from 2, to 1, term 5. */
    private static WireBytes installSnapshotResponseHeader() {
        return WireBytes.body().classId(INSTALL_SNAPSHOT_RESPONSE_ID).nodeId(2).nodeId(1).varLong(5);
    }

    static Stream<Arguments> hostileBodies() {
        return Stream.of(
                // Not our protocol at all.
                Arguments.of("garbage bytes", bytes(0xde, 0xad, 0xbe, 0xef, 0x00, 0x13, 0x37), "unknown class ID"),
                Arguments.of("HTTP request", WireBytes.body().ascii("GET / HTTP/1.1\r\n\r\n").toBytes(),
                        "unknown class ID"),
                Arguments.of("unknown class ID 99", WireBytes.body().classId(99).toBytes(), "unknown class ID 99"),
                Arguments.of("class ID of Kryo's built-in String, with a huge length",
                        WireBytes.body().classId(1).varInt(Integer.MAX_VALUE).toBytes(), "unknown class ID 1"),
                Arguments.of("null object", bytes(0), "null message"),
                Arguments.of("class given by name", WireBytes.body().varInt(1).varInt(0).string("java.lang.Runtime")
                        .toBytes(), "class named on the wire"),
                Arguments.of("class ID varint running off the frame", bytes(0x80, 0x80), "truncated"),
                // Absurd lengths and counts: rejected before any allocation.
                Arguments.of("entry count 2^31-1 in a tiny frame", appendEntriesHeader().varInt(Integer.MAX_VALUE)
                        .toBytes(), "entry count 2147483647 exceeds limit 65536"),
                Arguments.of("entry count within the limit but beyond the frame", appendEntriesHeader().varInt(1000)
                        .bytes(1, 101, 0, 0).toBytes(), "entry count 1000 needs at least 4000 bytes"),
                Arguments.of("entry data length 2^31-1", appendEntriesHeader().varInt(1).varLong(5).varLong(101)
                        .bytes(0).varInt(Integer.MAX_VALUE).toBytes(), "data length 2147483647 exceeds limit"),
                Arguments.of("entry data length beyond the frame", appendEntriesHeader().varInt(1).varLong(5)
                        .varLong(101).bytes(0).varInt(1_000_000).bytes(1, 2, 3).toBytes(),
                        "data length 1000000 needs at least 1000000 bytes but the frame has 3 left"),
                Arguments.of("snapshot chunk length 2^31-1", installSnapshotOfSize(Long.MAX_VALUE).varLong(0)
                        .varInt(Integer.MAX_VALUE).toBytes(), "InstallSnapshot: data length 2147483647 exceeds limit"),
                Arguments.of("snapshot chunk length within the limit but beyond the frame",
                        installSnapshotOfSize(10_000_000).varLong(0).varInt(1_000_000).bytes(1, 2, 3).toBytes(),
                        "InstallSnapshot: data length 1000000 needs at least 1000000 bytes but the frame has 3 left"),
                Arguments.of("cluster id length 2^31-1", WireBytes.body().classId(HANDSHAKE_ID).magic().varInt(1)
                        .varInt(Integer.MAX_VALUE).toBytes(), "clusterId length 2147483647 exceeds limit 1024"),
                Arguments.of("cluster id length just above the limit", WireBytes.body().classId(HANDSHAKE_ID).magic()
                        .varInt(1).string("c".repeat(1025)).nodeId(1).toBytes(), "clusterId length 1025 exceeds limit 1024"),
                Arguments.of("reason length beyond the frame", WireBytes.body().classId(HANDSHAKE_REPLY_ID).bytes(0)
                        .varInt(1000).ascii("no").toBytes(), "reason length 1000 needs at least 1000 bytes"),
                // Values out of range.
                Arguments.of("negative term", WireBytes.body().classId(REQUEST_VOTE_ID).nodeId(1).nodeId(2).varLong(-1)
                        .varLong(0).varLong(0).toBytes(), "RequestVote: term -1 is negative"),
                Arguments.of("negative snapshot size", installSnapshotOfSize(-1).varLong(0).varInt(0).toBytes(),
                        "InstallSnapshot: snapshot size -1 is negative"),
                Arguments.of("negative snapshot offset", installSnapshotOfSize(10).varLong(-1).varInt(0).toBytes(),
                        "InstallSnapshot: offset -1 is negative"),
                Arguments.of("negative install snapshot term", WireBytes.body().classId(INSTALL_SNAPSHOT_ID).nodeId(1)
                        .nodeId(2).varLong(-5).toBytes(), "InstallSnapshot: term -5 is negative"),
                Arguments.of("snapshotIndex 0 in a response", installSnapshotResponseHeader().varLong(0).varLong(0)
                        .bytes(0).toBytes(), "InstallSnapshotResponse: snapshotIndex 0 is below 1"),
                Arguments.of("negative snapshotIndex in a response", installSnapshotResponseHeader().varLong(-100)
                        .varLong(0).bytes(0).toBytes(), "InstallSnapshotResponse: snapshotIndex -100 is below 1"),
                Arguments.of("negative nextOffset", installSnapshotResponseHeader().varLong(100).varLong(-1).bytes(0)
                        .toBytes(), "InstallSnapshotResponse: nextOffset -1 is negative"),
                Arguments.of("installed byte 2", installSnapshotResponseHeader().varLong(100).varLong(0).bytes(2)
                        .toBytes(), "InstallSnapshotResponse: installed byte 2 is neither 0 nor 1"),
                Arguments.of("negative prevLogIndex", WireBytes.body().classId(APPEND_ENTRIES_ID).nodeId(1).nodeId(2)
                        .varLong(5).varLong(Long.MIN_VALUE).varLong(4).varLong(0).varInt(0).toBytes(),
                        "prevLogIndex -9223372036854775808 is negative"),
                Arguments.of("negative conflict index", WireBytes.body().classId(APPEND_ENTRIES_RESPONSE_ID).nodeId(2)
                        .nodeId(1).varLong(5).bytes(0).varLong(100).varLong(3).varLong(-7).toBytes(),
                        "conflictIndex -7 is negative"),
                Arguments.of("node id below -1", WireBytes.body().classId(REQUEST_VOTE_RESPONSE_ID).nodeId(-2).nodeId(1)
                        .varLong(3).bytes(1).toBytes(), "from -2 is below -1"),
                Arguments.of("boolean byte 2", WireBytes.body().classId(REQUEST_VOTE_RESPONSE_ID).nodeId(2).nodeId(1)
                        .varLong(3).bytes(2).toBytes(), "granted byte 2 is neither 0 nor 1"),
                Arguments.of("negative protocol version", WireBytes.body().classId(HANDSHAKE_ID).magic().varInt(-1)
                        .string("c").nodeId(1).toBytes(), "version -1 is negative"),
                // Entries that are not a leader's log.
                Arguments.of("entry term 0", appendEntriesHeader().varInt(1).varLong(0).varLong(101).bytes(0).varInt(0)
                        .toBytes(), "entry 0 term 0 is below 1"),
                Arguments.of("entry term negative", appendEntriesHeader().varInt(1).varLong(-5).varLong(101).bytes(0)
                        .varInt(0).toBytes(), "entry 0 term -5 is below 1"),
                Arguments.of("entry index negative", appendEntriesHeader().varInt(1).varLong(5).varLong(-1).bytes(0)
                        .varInt(0).toBytes(), "entry 0 index -1 is below 1"),
                Arguments.of("first entry not at prevLogIndex + 1", appendEntriesHeader().varInt(1).varLong(5)
                        .varLong(100).bytes(0).varInt(0).toBytes(), "entry 0 index 100 is not 101"),
                Arguments.of("entries not consecutive", appendEntriesHeader().varInt(2)
                        .varLong(5).varLong(101).bytes(0).varInt(0)
                        .varLong(5).varLong(103).bytes(0).varInt(0).toBytes(), "entry 1 index 103 is not 102"),
                Arguments.of("entries repeating an index", appendEntriesHeader().varInt(2)
                        .varLong(5).varLong(101).bytes(0).varInt(0)
                        .varLong(5).varLong(101).bytes(0).varInt(0).toBytes(), "entry 1 index 101 is not 102"),
                Arguments.of("entry term above the message's term", appendEntriesHeader().varInt(1).varLong(6)
                        .varLong(101).bytes(0).varInt(0).toBytes(), "term 6 is above the message's term 5"),
                Arguments.of("entry terms decreasing", appendEntriesHeader().varInt(2)
                        .varLong(5).varLong(101).bytes(0).varInt(0)
                        .varLong(4).varLong(102).bytes(0).varInt(0).toBytes(), "entry 1 term 4 is below the term before it, 5"),
                Arguments.of("first entry term below prevLogTerm", appendEntriesHeader().varInt(1).varLong(3)
                        .varLong(101).bytes(0).varInt(0).toBytes(), "entry 0 term 3 is below the term before it, 4"),
                Arguments.of("unknown entry type", appendEntriesHeader().varInt(1).varLong(5).varLong(101).bytes(7)
                        .varInt(0).toBytes(), "unknown type ordinal 7"),
                Arguments.of("negative entry type byte", appendEntriesHeader().varInt(1).varLong(5).varLong(101)
                        .bytes(0xff).varInt(0).toBytes(), "unknown type ordinal 255"),
                Arguments.of("NOOP carrying data", appendEntriesHeader().varInt(1).varLong(5).varLong(101).bytes(1)
                        .varInt(3).bytes(1, 2, 3).toBytes(), "NOOP entry 0 carries 3 bytes"),
                // Snapshot chunks no leader would send.
                Arguments.of("snapshot index 0", emptyChunkOf(0, 0), "InstallSnapshot: snapshot index 0 is below 1"),
                Arguments.of("snapshot index negative", emptyChunkOf(-3, 4),
                        "InstallSnapshot: snapshot index -3 is below 1"),
                Arguments.of("snapshot term 0", emptyChunkOf(100, 0), "InstallSnapshot: snapshot term 0 is below 1"),
                Arguments.of("snapshot term above the message's term", emptyChunkOf(100, 6),
                        "InstallSnapshot: snapshot term 6 is above the message's term 5"),
                Arguments.of("snapshot chunk past the snapshot's end", installSnapshotOfSize(10).varLong(8).varInt(3)
                        .bytes(1, 2, 3).toBytes(), "InstallSnapshot: a chunk of 3 bytes at offset 8 ends past the "
                        + "snapshot's size 10"),
                Arguments.of("snapshot chunk of an empty snapshot", installSnapshotOfSize(0).varLong(0).varInt(1)
                        .bytes(1).toBytes(), "InstallSnapshot: a chunk of 1 bytes at offset 0 ends past"),
                Arguments.of("empty snapshot chunk past the snapshot's end", installSnapshotOfSize(10).varLong(11)
                        .varInt(0).toBytes(), "InstallSnapshot: a chunk of 0 bytes at offset 11 ends past"),
                Arguments.of("snapshot chunk whose end overflows", installSnapshotOfSize(Long.MAX_VALUE)
                        .varLong(Long.MAX_VALUE).varInt(1).bytes(1).toBytes(),
                        "InstallSnapshot: a chunk of 1 bytes at offset 9223372036854775807 ends past"),
                // Bytes missing or left over.
                Arguments.of("trailing byte after a ping", WireBytes.body().classId(PING_ID).bytes(0).toBytes(),
                        "Ping: 1 trailing bytes"),
                Arguments.of("trailing bytes after an append entries", appendEntriesHeader().varInt(0).bytes(1, 2, 3)
                        .toBytes(), "AppendEntries: 3 trailing bytes"),
                Arguments.of("two messages in one frame", WireBytes.body().classId(PING_ID).classId(PING_ID).toBytes(),
                        "Ping: 1 trailing bytes"),
                Arguments.of("frame ending inside a field", WireBytes.body().classId(REQUEST_VOTE_ID).nodeId(1).nodeId(2)
                        .bytes(0x80, 0x80).toBytes(), "RequestVote: truncated"),
                Arguments.of("frame ending inside an entry", appendEntriesHeader().varInt(1).varLong(5).varLong(101)
                        .bytes(0).bytes(0x80).toBytes(), "AppendEntries: truncated"),
                Arguments.of("frame ending inside a snapshot checksum", installSnapshotHeader().varLong(100).varLong(4)
                        .varLong(10).bytes(0, 0).toBytes(), "InstallSnapshot: truncated"),
                Arguments.of("frame ending before a snapshot chunk's length", installSnapshotOfSize(10).varLong(0)
                        .toBytes(), "InstallSnapshot: truncated"),
                Arguments.of("frame ending inside a snapshot chunk", installSnapshotOfSize(10).varLong(0).varInt(5)
                        .bytes(1, 2).toBytes(), "data length 5 needs at least 5 bytes but the frame has 2 left"),
                Arguments.of("trailing bytes after an install snapshot", installSnapshotOfSize(10).varLong(0)
                        .varInt(2).bytes(1, 2, 3, 4).toBytes(), "InstallSnapshot: 2 trailing bytes"),
                Arguments.of("frame ending before installed", installSnapshotResponseHeader().varLong(100).varLong(0)
                        .toBytes(), "InstallSnapshotResponse: truncated"),
                Arguments.of("empty frame", new byte[0], "empty frame"),
                // A foreign protocol that happens to start with the right class ID.
                Arguments.of("handshake with a foreign magic", WireBytes.body().classId(HANDSHAKE_ID).ascii("HTTP")
                        .varInt(1).string("c").nodeId(1).toBytes(), "bad magic 0x48545450"),
                Arguments.of("handshake too short for the magic", WireBytes.body().classId(HANDSHAKE_ID).ascii("KN")
                        .toBytes(), "too short for the magic"),
                Arguments.of("cluster id not UTF-8", WireBytes.body().classId(HANDSHAKE_ID).magic().varInt(1).varInt(2)
                        .bytes(0xc3, 0x28).nodeId(1).toBytes(), "clusterId is not valid UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void hostileFrameClosesTheChannelAndDeliversNothing(String name, byte[] body, String expected) {
        WireChannel channel = new WireChannel();
        long before = ProtocolErrorHandler.protocolErrorCount();
        ByteBuf frame = WireBytes.frame(body);

        List<Object> delivered = channel.feed(frame);

        assertEquals(List.of(), delivered);
        assertFalse(channel.channel.isOpen(), "closed by the ProtocolErrorHandler");
        String error = channel.onlyError();
        assertTrue(error.contains(expected), () -> "expected '" + expected + "' in: " + error);
        assertTrue(channel.errors.get(0) instanceof ProtocolException, () -> "type: " + channel.errors.get(0));
        assertEquals(before + 1, ProtocolErrorHandler.protocolErrorCount());
        assertEquals(0, frame.refCnt(), "the frame was released");
        channel.finish();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void hostileFrameIsRejectedByTheStandaloneCodecToo(String name, byte[] body, String expected) {
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
        ProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                () -> codec.decode(body, body.length));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    private static byte[] bytes(int... values) {
        return WireBytes.body().bytes(values).toBytes();
    }
}
