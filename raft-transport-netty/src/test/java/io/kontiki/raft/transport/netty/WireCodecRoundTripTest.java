package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message type survives the full pipeline: written to one {@link WireChannel}, its bytes
 * fed to another, it comes out equal, alone, with no error and no leak.
 */
@ExtendWith(LeakWatch.class)
class WireCodecRoundTripTest {

    static Stream<Arguments> messages() {
        Random random = new Random(7);
        return Stream.of(
                Arguments.of("handshake", new Handshake(Handshake.PROTOCOL_VERSION, "kontiki-prod", 3)),
                Arguments.of("handshake, unicode cluster id, node -1", new Handshake(1, "clüster-ünïcode-✓", -1)),
                Arguments.of("handshake, empty cluster id", new Handshake(0, "", 0)),
                Arguments.of("handshake, longest cluster id", new Handshake(1, "c".repeat(1024), 1)),
                Arguments.of("handshake reply, accepted", HandshakeReply.ACCEPTED),
                Arguments.of("handshake reply, refused", new HandshakeReply(false, "unknown node id 9")),
                Arguments.of("ping", Ping.INSTANCE),
                Arguments.of("pong", Pong.INSTANCE),
                Arguments.of("request vote", new RequestVote(1, 2, 3, 10, 2)),
                Arguments.of("request vote, extremes", new RequestVote(Integer.MAX_VALUE, -1, Long.MAX_VALUE,
                        Long.MAX_VALUE, Long.MAX_VALUE)),
                Arguments.of("request vote response, granted", new RequestVoteResponse(2, 1, 3, true)),
                Arguments.of("request vote response, rejected", new RequestVoteResponse(2, 1, 0, false)),
                Arguments.of("append entries, heartbeat", new AppendEntries(1, 2, 5, 100, 4, List.of(), 99)),
                Arguments.of("append entries, heartbeat at the start", new AppendEntries(1, 2, 1, 0, 0, List.of(), 0)),
                Arguments.of("append entries, 1 entry", new AppendEntries(1, 2, 5, 100, 4,
                        List.of(LogEntry.command(5, 101, new byte[] {1, 2, 3})), 100)),
                Arguments.of("append entries, 10 entries", appendEntries(10, 64, random)),
                Arguments.of("append entries, NOOP entries", new AppendEntries(1, 2, 6, 7, 5,
                        List.of(LogEntry.noop(6, 8), LogEntry.command(6, 9, new byte[] {9}), LogEntry.noop(6, 10)), 7)),
                Arguments.of("append entries, empty data", new AppendEntries(1, 2, 2, 0, 0,
                        List.of(LogEntry.command(1, 1, new byte[0]), LogEntry.command(2, 2, new byte[0])), 0)),
                Arguments.of("append entries, 1 MiB entry", new AppendEntries(1, 2, 3, 41, 3,
                        List.of(LogEntry.command(3, 42, bytes(1 << 20, random))), 41)),
                Arguments.of("append entries, 8 MiB in 2 entries", new AppendEntries(1, 2, 3, 41, 3,
                        List.of(LogEntry.command(3, 42, bytes(4 << 20, random)),
                                LogEntry.command(3, 43, bytes(4 << 20, random))), 41)),
                Arguments.of("append entries, 1000 small entries", appendEntries(1000, 8, random)),
                Arguments.of("append entries, huge indexes", new AppendEntries(0, 1, Long.MAX_VALUE,
                        Long.MAX_VALUE - 2, Long.MAX_VALUE, List.of(LogEntry.noop(Long.MAX_VALUE, Long.MAX_VALUE - 1),
                        LogEntry.noop(Long.MAX_VALUE, Long.MAX_VALUE)), Long.MAX_VALUE)),
                Arguments.of("append entries response, accept", AppendEntriesResponse.accept(2, 1, 5, 102)),
                Arguments.of("append entries response, reject", AppendEntriesResponse.reject(2, 1, 5, 100, 3, 57)),
                Arguments.of("install snapshot, first chunk", new InstallSnapshot(1, 2, 5, snapshot(3 << 20), 0,
                        bytes(1 << 20, random))),
                Arguments.of("install snapshot, middle chunk", new InstallSnapshot(1, 2, 5, snapshot(3 << 20),
                        1 << 20, bytes(1 << 20, random))),
                Arguments.of("install snapshot, last chunk, shorter", new InstallSnapshot(1, 2, 5, snapshot(3 << 20),
                        (3 << 20) - 17, bytes(17, random))),
                Arguments.of("install snapshot, the one chunk of a small snapshot", new InstallSnapshot(1, 2, 5,
                        snapshot(3), 0, new byte[] {1, 2, 3})),
                Arguments.of("install snapshot, empty chunk of an empty snapshot", new InstallSnapshot(1, 2, 5,
                        snapshot(0), 0, new byte[0])),
                Arguments.of("install snapshot, empty last chunk", new InstallSnapshot(1, 2, 5, snapshot(3 << 20),
                        3 << 20, new byte[0])),
                Arguments.of("install snapshot, snapshot term equal to the message's", new InstallSnapshot(1, 2, 4,
                        snapshot(3), 0, new byte[] {1, 2, 3})),
                Arguments.of("install snapshot, 8 MiB chunk", new InstallSnapshot(1, 2, 5, snapshot(8 << 20), 0,
                        bytes(8 << 20, random))),
                Arguments.of("install snapshot, extremes", new InstallSnapshot(Integer.MAX_VALUE, -1, Long.MAX_VALUE,
                        new SnapshotMeta(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE),
                        Long.MAX_VALUE - 2, new byte[] {-1, 0})),
                Arguments.of("install snapshot response, resume", new InstallSnapshotResponse(2, 1, 5, 100, 1 << 20,
                        false)),
                Arguments.of("install snapshot response, start over", new InstallSnapshotResponse(2, 1, 5, 100, 0,
                        false)),
                Arguments.of("install snapshot response, installed", new InstallSnapshotResponse(2, 1, 5, 100, 3 << 20,
                        true)),
                Arguments.of("install snapshot response, extremes", new InstallSnapshotResponse(Integer.MAX_VALUE, -1,
                        Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, true)));
    }

    /** A snapshot of {@code size} bytes covering the entries up to 4/100. */
    private static SnapshotMeta snapshot(long size) {
        return new SnapshotMeta(100, 4, size, 0x5eed1234);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void messageComesOutOfThePeersPipelineEqual(String name, Object msg) {
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf frames = sender.encode(msg);
        assertTrue(frames.readableBytes() > WireCodec.LENGTH_PREFIX_BYTES);
        assertEquals(frames.readableBytes() - 4, frames.getInt(0), "length prefix counts the bytes after it");

        List<Object> received = receiver.feed(frames);

        assertEquals(List.of(MessageContent.of(msg)), MessageContent.ofAll(received));
        assertEquals(0, frames.refCnt(), "the frame buffer was released");
        assertTrue(receiver.channel.isOpen());
        assertTrue(receiver.errors.isEmpty(), () -> "errors: " + receiver.errors);
        sender.finish();
        receiver.finish();
    }

    @Test
    void aThousandRandomMessagesComeOutEqualAndInOrder() {
        RandomMessages random = new RandomMessages(new Random(42));
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(random.any());
        }
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();

        List<Object> received = receiver.feed(sender.encode(sent.toArray()));

        assertEquals(MessageContent.ofAll(sent), MessageContent.ofAll(received));
        assertTrue(receiver.channel.isOpen());
        sender.finish();
        receiver.finish();
    }

    private static AppendEntries appendEntries(int n, int dataBytes, Random random) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(LogEntry.command(7, 501 + i, bytes(dataBytes, random)));
        }
        return new AppendEntries(1, 2, 7, 500, 6, entries, 480);
    }

    private static byte[] bytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
