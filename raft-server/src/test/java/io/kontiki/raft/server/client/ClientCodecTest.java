package io.kontiki.raft.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.transport.netty.ProtocolErrorHandler;
import io.kontiki.raft.transport.netty.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client wire codec on {@link EmbeddedChannel}s: round trips, the pinned layout, and hostile
 * frames, each of which closes the connection with a one-line {@link ProtocolException},
 * delivers nothing and leaks no buffer (checked by reference count, with Netty's leak detector
 * at PARANOID besides).
 */
class ClientCodecTest {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private static final int MAX_FRAME = ClientCodec.DEFAULT_MAX_FRAME_BYTES;

    /** Records what passes the decoder: messages and exceptions. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.fireExceptionCaught(cause);
        }
    }

    private static EmbeddedChannel channel(Recorder recorder, int maxFrame) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ClientPipeline.install(ch.pipeline(), maxFrame, recorder);
        return ch;
    }

    private static ByteBuf frame(byte[] body) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(4 + body.length);
        return buf.writeInt(body.length).writeBytes(body);
    }

    static Stream<Object> messages() {
        byte[] big = new byte[1 << 20];
        big[7] = 7;
        return Stream.of(
                ClientRequest.put(1, 42, 1, "k", new byte[] {1, 2}),
                ClientRequest.put(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, "κλειδί", big),
                ClientRequest.get(2, -1, ""),
                ClientRequest.delete(3, 0, 9, "d"),
                ClientRequest.cas(4, 42, 2, "c", null, new byte[0]),
                ClientRequest.cas(5, 42, 3, "c", new byte[0], big),
                ClientRequest.status(6),
                ClientRequest.snapshot(7),
                ClientResponse.ok(1, null),
                ClientResponse.ok(2, big),
                new ClientResponse(3, ClientResponse.Status.NOT_FOUND, null, -1, ""),
                new ClientResponse(4, ClientResponse.Status.CAS_FAILED, new byte[] {3}, -1, ""),
                ClientResponse.notLeader(5, 3),
                ClientResponse.unknownOutcome(6, "leadership lost at index 12"),
                ClientResponse.error(7, "too many requests in flight (limit 4096) ✓"),
                ClientResponse.sessionExpired(8),
                new StatusResponse(1, 3, "LEADER", 7, 3, 100, 99, 0),
                new StatusResponse(Long.MAX_VALUE, -1, "FOLLOWER", Long.MAX_VALUE, -1, 0, 0, -1),
                new StatusResponse(2, 1, "FOLLOWER", 4, 2, 5000, 4999, 12, 4000, 1200, 9_000_000, 4_000_000, 4999,
                        0x8000_0000_0000_0001L));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesTheCodec(Object message) {
        ClientCodec codec = new ClientCodec(MAX_FRAME);
        byte[] body = codec.encode(message);
        assertEquals(message, codec.decode(body, 0, body.length));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageCrossesTwoPipelinesInPieces(Object message) {
        EmbeddedChannel sender = channel(new Recorder(), MAX_FRAME);
        Recorder received = new Recorder();
        EmbeddedChannel receiver = channel(received, MAX_FRAME);
        assertTrue(sender.writeOutbound(message));
        ByteBuf wire = PooledByteBufAllocator.DEFAULT.heapBuffer();
        for (ByteBuf b; (b = sender.readOutbound()) != null; ) {
            wire.writeBytes(b);
            b.release();
        }
        // Byte by byte through the headers, then in odd-sized chunks (1 MiB byte by byte takes minutes).
        while (wire.isReadable()) {
            int chunk = wire.readerIndex() < 64 ? 1 : 8191;
            receiver.writeInbound(wire.readRetainedSlice(Math.min(chunk, wire.readableBytes())));
        }
        wire.release();
        assertEquals(List.of(message), received.messages);
        assertTrue(receiver.isOpen());
        assertFalse(sender.finishAndReleaseAll());
        assertFalse(receiver.finishAndReleaseAll());
    }

    @Test
    void theLayoutIsTheOneDrawnInThePackageDocumentation() {
        EmbeddedChannel ch = channel(new Recorder(), MAX_FRAME);
        ch.writeOutbound(ClientRequest.get(1, 42, "k"));
        ByteBuf wire = PooledByteBufAllocator.DEFAULT.heapBuffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            wire.writeBytes(b);
            b.release();
        }
        assertEquals("0000000f" + "2a" + "01" + "2a00000000000000" + "00" + "01" + "00" + "016b", ByteBufUtil.hexDump(wire));
        wire.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void statusCodesAreTheDocumentedOnesAppendedNeverRenumbered() {
        assertEquals(List.of("OK", "NOT_FOUND", "CAS_FAILED", "NOT_LEADER", "UNKNOWN_OUTCOME", "ERROR", "SESSION_EXPIRED"),
                Stream.of(ClientResponse.Status.values()).map(Enum::name).toList());
        byte[] body = new ClientCodec(MAX_FRAME).encode(new ClientResponse(8, ClientResponse.Status.SESSION_EXPIRED,
                null, -1, "x"));
        assertEquals("2b" + "08" + "06" + "01" + "00" + "0178", ByteBufUtil.hexDump(body));
    }

    static Stream<Arguments> hostileBodies() {
        int max = Integer.MAX_VALUE;
        return Stream.of(
                Arguments.of("garbage", WireBody.raw(0xde, 0xad, 0xbe, 0xef, 0x13, 0x37), "unknown class ID"),
                Arguments.of("HTTP", new WireBody().ascii("GET / HTTP/1.1\r\n\r\n"), "unknown class ID 69"),
                Arguments.of("a peer's Handshake", WireBody.classId(10).ascii("KNTK").uvarint(1).string("c").bytes(2),
                        "unknown class ID 10 on the client port"),
                Arguments.of("null object", WireBody.raw(0), "null message"),
                Arguments.of("class by name", WireBody.raw(1).string("java.lang.Runtime"), "class named on the wire"),
                Arguments.of("key length 2^31-1 in a tiny frame", WireBody.request(0, 1, 0).uvarint(max),
                        "key length 2147483647 exceeds limit 1024"),
                Arguments.of("key length 2^32-1 in a tiny frame", WireBody.request(0, 1, 0)
                        .bytes(0xff, 0xff, 0xff, 0xff, 0x0f), "key length 4294967295 exceeds limit 1024"),
                Arguments.of("value length 2^31-1", WireBody.request(1, 0, 0x01).string("k").uvarint(max),
                        "value length 2147483647 exceeds limit 1048576"),
                Arguments.of("value length 1 MiB beyond the frame", WireBody.request(1, 0, 0x01).string("k")
                        .uvarint(1 << 20).bytes(1, 2, 3), "value length 1048576 needs at least 1048576 bytes but the frame has 3 left"),
                Arguments.of("expected length beyond the frame", WireBody.request(1, 3, 0x03).string("k").uvarint(1)
                        .bytes(1).uvarint(1000).bytes(1), "expected length 1000 needs at least 1000 bytes"),
                Arguments.of("message length 2^31-1", WireBody.classId(41).uvarlong(1).bytes(0).zvarlong(-1).bytes(0)
                        .uvarint(max), "message length 2147483647 exceeds limit 1024"),
                Arguments.of("unknown op", WireBody.request(1, 9, 0), "unknown op 9"),
                Arguments.of("unknown status", WireBody.classId(41).uvarlong(1).bytes(7), "unknown status 7"),
                Arguments.of("unknown flag bits", WireBody.request(1, 0, 0x81), "unknown flag bits 0x80"),
                Arguments.of("PUT without a value", WireBody.request(1, 0, 0).string("k"), "ClientRequest: PUT needs a value"),
                Arguments.of("GET with a value", WireBody.request(0, 1, 0x01).string("k").uvarint(1).bytes(1),
                        "ClientRequest: GET carries no value"),
                Arguments.of("write with sequence 0", WireBody.request(0, 2, 0).string("k"), "DELETE sequence 0 is below 1"),
                Arguments.of("CAS with expected and expectAbsent", WireBody.request(1, 3, 0x07).string("k").uvarint(1)
                        .bytes(1).uvarint(1).bytes(2), "exactly one of an expected value and expectAbsent"),
                Arguments.of("STATUS with a key", WireBody.request(0, 4, 0).string("k"), "STATUS carries no key"),
                Arguments.of("negative request id", WireBody.classId(40).uvarlong(-1), "requestId -1 is negative"),
                Arguments.of("leader hint below -1", WireBody.classId(41).uvarlong(1).bytes(3).zvarlong(-2),
                        "leaderHint -2 is below -1"),
                Arguments.of("node id beyond an int", WireBody.classId(43).uvarlong(1).zvarlong(1L << 40),
                        "nodeId 1099511627776 is not an int"),
                Arguments.of("malformed UTF-8 key", WireBody.request(0, 1, 0).uvarint(2).bytes(0xc3, 0x28),
                        "key is not valid UTF-8"),
                Arguments.of("UTF-8 encoded surrogate", WireBody.request(0, 1, 0).uvarint(3).bytes(0xed, 0xa0, 0x80),
                        "key is not valid UTF-8"),
                Arguments.of("trailing bytes", WireBody.request(0, 1, 0).string("k").bytes(0),
                        "ClientRequest: 1 trailing bytes"),
                Arguments.of("cut inside the client id", WireBody.classId(40).uvarlong(1).bytes(1, 2, 3), "truncated"),
                Arguments.of("empty frame", new WireBody(), "empty frame"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void aHostileFrameClosesTheConnectionDeliversNothingAndLeaksNothing(String name, WireBody body, String expected) {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(recorder, MAX_FRAME);
        long errorsBefore = ProtocolErrorHandler.protocolErrorCount();
        ByteBuf bad = frame(body.toBytes());
        ByteBuf after = frame(new ClientCodec(MAX_FRAME).encode(ClientRequest.get(9, 1, "after")));
        ByteBuf both = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bad).writeBytes(after);
        bad.release();
        after.release();
        ch.writeInbound(both);
        assertFalse(ch.isOpen(), "connection left open");
        assertEquals(List.of(), recorder.messages, "nothing is delivered, not even the valid frame after");
        assertEquals(1, recorder.errors.size());
        Throwable error = recorder.errors.get(0);
        assertInstanceOf(ProtocolException.class, error);
        assertTrue(error.getMessage().contains(expected), () -> "message: " + error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error::getMessage);
        assertEquals(errorsBefore + 1, ProtocolErrorHandler.protocolErrorCount());
        ch.finishAndReleaseAll();
        assertEquals(0, both.refCnt(), "the frame leaked");
    }

    @Test
    void absurdLengthsInTinyFramesAreRefusedWithoutLargeAllocation() {
        ClientCodec codec = new ClientCodec(MAX_FRAME);
        codec.decode(new byte[] {(byte) (ClientKryoRegistry.CLIENT_REQUEST_ID + 2), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0},
                0, 14); // warm up: the codec's own buffers
        hostileBodies().forEach(args -> {
            byte[] body = ((WireBody) args.get()[1]).toBytes();
            long before = allocatedBytes();
            try {
                codec.decode(body, 0, body.length);
            } catch (ProtocolException expected) {
                // refused, as it should be
            }
            long allocated = allocatedBytes() - before;
            if (before >= 0) {
                assertTrue(allocated < 64 * 1024, () -> args.get()[0] + ": " + allocated + " bytes allocated");
            }
        });
    }

    private static long allocatedBytes() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled()) {
            return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    @ParameterizedTest(name = "length prefix {0}")
    @MethodSource("oversizedPrefixes")
    void anOversizedLengthPrefixClosesTheConnectionBeforeTheBodyArrives(long prefix) {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(recorder, 1024);
        ByteBuf head = PooledByteBufAllocator.DEFAULT.directBuffer().writeInt((int) prefix).writeBytes(new byte[16]);
        ch.writeInbound(head);
        assertFalse(ch.isOpen());
        assertTrue(recorder.messages.isEmpty());
        ch.finishAndReleaseAll();
        assertEquals(0, head.refCnt());
    }

    static Stream<Long> oversizedPrefixes() {
        return Stream.of(1021L, 1L << 20, 0x7fffffffL, 0x80000000L, 0xffffffffL);
    }

    @Test
    void aFrameExactlyAtTheLimitIsAccepted() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(recorder, 1024);
        ClientRequest put = ClientRequest.put(1, 42, 1, "k", new byte[0]);
        int overhead = new ClientCodec(1024).encode(put).length;
        ClientRequest exact = ClientRequest.put(1, 42, 1, "k", new byte[1020 - overhead - 1]); // 2-byte length varint
        byte[] body = new ClientCodec(1024).encode(exact);
        assertEquals(1020, body.length);
        ch.writeInbound(frame(body));
        assertEquals(List.of(exact), recorder.messages);
        assertTrue(ch.isOpen());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aMessageTooLargeForTheFrameFailsItsWriteAndTheConnectionStays() {
        EmbeddedChannel ch = channel(new Recorder(), ClientCodec.MIN_FRAME_BYTES);
        ChannelFuture write = ch.writeAndFlush(ClientRequest.put(1, 42, 1, "k", new byte[100]));
        assertFalse(write.isSuccess());
        // The transport's KryoMessageEncoder wraps it, as on a peer port; the client unwraps it.
        assertInstanceOf(EncoderException.class, write.cause());
        Throwable cause = ClientPipeline.writeFailure(write.cause());
        assertInstanceOf(ProtocolException.class, cause);
        assertTrue(cause.getMessage().contains("exceeds the frame body limit of 60 bytes"), cause::getMessage);
        assertTrue(ch.isOpen());
        assertTrue(ch.writeAndFlush(ClientRequest.get(2, 42, "k")).isSuccess());
        assertTrue(ch.finishAndReleaseAll());
    }

    @Test
    void theServerClosesAConnectionThatSendsItAResponse() {
        InMemoryKvService service = new InMemoryKvService(1);
        EmbeddedChannel ch = new EmbeddedChannel();
        ClientPipeline.install(ch.pipeline(), MAX_FRAME, new ServerRequestHandler(service, 16));
        ch.writeInbound(frame(new ClientCodec(MAX_FRAME).encode(ClientResponse.ok(1, null))));
        assertFalse(ch.isOpen());
        assertTrue(service.received.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void theServerAnswersPipelinedRequestsInOneFlushPerTurn() {
        InMemoryKvService service = new InMemoryKvService(1);
        EmbeddedChannel ch = new EmbeddedChannel();
        ClientPipeline.install(ch.pipeline(), MAX_FRAME, new ServerRequestHandler(service, 16));
        ClientCodec codec = new ClientCodec(MAX_FRAME);
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer();
        for (int i = 1; i <= 3; i++) {
            ByteBuf f = frame(codec.encode(ClientRequest.put(i, 42, i, "k" + i, new byte[] {(byte) i})));
            in.writeBytes(f);
            f.release();
        }
        ch.writeInbound(in);
        ch.runPendingTasks();
        List<Object> responses = new ArrayList<>();
        Recorder decoded = new Recorder();
        EmbeddedChannel client = channel(decoded, MAX_FRAME);
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            client.writeInbound(b);
        }
        responses.addAll(decoded.messages);
        assertEquals(List.of(ClientResponse.ok(1, null), ClientResponse.ok(2, null), ClientResponse.ok(3, null)),
                responses);
        assertFalse(ch.finishAndReleaseAll());
        assertFalse(client.finishAndReleaseAll());
    }
}
