package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.RequestVote;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Framing through the full pipeline: frames split anywhere or packed together decode alike,
 * heap or direct; a length prefix out of bounds fails as soon as it is read; the encoder
 * refuses what the decoder would.
 */
@ExtendWith(LeakWatch.class)
class WireCodecFramingTest {

    private static final List<Object> SOME_MESSAGES = List.of(
            new Handshake(1, "kontiki", 1), HandshakeReply.ACCEPTED, Ping.INSTANCE,
            new RequestVote(1, 2, 3, 10, 2),
            new AppendEntries(1, 2, 5, 100, 4, List.of(LogEntry.command(5, 101, new byte[300]), LogEntry.noop(5, 102)), 99),
            Pong.INSTANCE);

    @Test
    void framesFedOneByteAtATimeDecodeToTheSameMessages() {
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf all = sender.encode(SOME_MESSAGES.toArray());
        List<Object> received = new ArrayList<>();
        List<ByteBuf> fed = new ArrayList<>();

        while (all.isReadable()) {
            ByteBuf one = PooledByteBufAllocator.DEFAULT.directBuffer(1).writeByte(all.readByte());
            fed.add(one);
            received.addAll(receiver.feed(one));
        }

        assertEquals(SOME_MESSAGES, received);
        assertTrue(receiver.channel.isOpen());
        assertTrue(fed.stream().allMatch(b -> b.refCnt() == 0), "every one-byte buffer was released");
        all.release();
        sender.finish();
        receiver.finish();
    }

    @Test
    void framesSplitAtRandomPointsDecodeToTheSameMessages() {
        Random random = new Random(3);
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf all = sender.encode(SOME_MESSAGES.toArray());
        List<Object> received = new ArrayList<>();

        while (all.isReadable()) {
            int n = Math.min(all.readableBytes(), 1 + random.nextInt(40));
            received.addAll(receiver.feed(all.readRetainedSlice(n)));
        }

        assertEquals(SOME_MESSAGES, received);
        all.release();
        assertEquals(0, all.refCnt());
        sender.finish();
        receiver.finish();
    }

    @Test
    void manyFramesConcatenatedInOneBufferAllDecodeInOrder() {
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.addAll(SOME_MESSAGES);
        }
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf all = sender.encode(sent.toArray());

        List<Object> received = receiver.feed(all);

        assertEquals(sent, received);
        assertEquals(0, all.refCnt());
        sender.finish();
        receiver.finish();
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void heapAndDirectBuffersDecodeAlike(boolean direct) {
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf heap = sender.encode(SOME_MESSAGES.toArray());
        ByteBuf in = direct ? PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(heap) : heap.retain();
        heap.release();
        assertEquals(direct, in.isDirect());

        assertEquals(SOME_MESSAGES, receiver.feed(in));
        assertEquals(0, in.refCnt());
        sender.finish();
        receiver.finish();
    }

    @Test
    void framesBeforeABadFrameAreDeliveredAndNothingAfterIt() {
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf in = sender.encode(Ping.INSTANCE, Pong.INSTANCE);
        ByteBuf bad = WireBytes.body().classId(99).frame();
        ByteBuf after = sender.encode(Ping.INSTANCE, Ping.INSTANCE);
        in.writeBytes(bad).writeBytes(after);
        bad.release();
        after.release();

        List<Object> received = receiver.feed(in);

        assertEquals(List.of(Ping.INSTANCE, Pong.INSTANCE), received);
        assertFalse(receiver.channel.isOpen());
        assertTrue(receiver.onlyError().contains("unknown class ID 99"));
        assertEquals(0, in.refCnt());
        sender.finish();
        receiver.finish();
    }

    @ParameterizedTest(name = "prefix=0x{0}")
    @ValueSource(strings = {"7fffffff", "01000000", "80000000", "ffffffff", "fffffffc"})
    void outOfBoundsLengthPrefixFailsAsSoonAsThePrefixIsRead(String hex) {
        long prefix = Long.parseLong(hex, 16);
        WireChannel channel = new WireChannel();
        long before = ProtocolErrorHandler.protocolErrorCount();
        // Only the 4 prefix bytes: the decoder must not wait for (or buffer) the body.
        ByteBuf prefixOnly = WireBytes.frameWithPrefix(prefix, new byte[0]);
        ByteBuf tinyBody = Unpooled.wrappedBuffer(new byte[] {14});

        List<Object> delivered = channel.feed(prefixOnly, tinyBody);

        assertEquals(List.of(), delivered);
        assertFalse(channel.channel.isOpen());
        assertInstanceOf(TooLongFrameException.class, channel.errors.get(0));
        assertEquals(before + 1, ProtocolErrorHandler.protocolErrorCount());
        assertEquals(0, prefixOnly.refCnt());
        assertEquals(0, tinyBody.refCnt(), "the byte after the prefix was not read, but released");
        channel.finish();
    }

    @Test
    void oversizedPrefixWithItsTinyBodyInTheSameBufferIsRejected() {
        WireChannel channel = new WireChannel();
        ByteBuf frame = WireBytes.frameWithPrefix(0x7fffffffL, new byte[] {14, 14, 14});

        assertEquals(List.of(), channel.feed(frame));

        assertFalse(channel.channel.isOpen());
        assertTrue(channel.onlyError().contains("exceeds 16777216"), channel::onlyError);
        assertEquals(0, frame.refCnt());
        channel.finish();
    }

    @Test
    void bodyOfExactlyTheLimitIsAcceptedAndOneByteMoreIsRejected() {
        CodecLimits limits = CodecLimits.withMaxFrameBytes(256);
        AppendEntries atLimit = appendEntriesWithBody(limits.maxBodyBytes(), limits);
        WireChannel sender = new WireChannel(limits);
        WireChannel receiver = new WireChannel(limits);
        ByteBuf frame = sender.encode(atLimit);
        assertEquals(256, frame.readableBytes(), "the whole frame, prefix included, is maxFrameBytes");

        assertEquals(List.of(atLimit), receiver.feed(frame));
        assertTrue(receiver.channel.isOpen());

        ByteBuf tooLong = WireBytes.frame(new byte[limits.maxBodyBytes() + 1]);
        assertEquals(List.of(), receiver.feed(tooLong));
        assertFalse(receiver.channel.isOpen());
        assertInstanceOf(TooLongFrameException.class, receiver.errors.get(0));
        assertEquals(0, tooLong.refCnt());
        sender.finish();
        receiver.finish();
    }

    @Test
    void truncatedFrameFollowedByCloseDeliversNothingAndLeaksNothing() {
        WireChannel sender = new WireChannel();
        WireChannel receiver = new WireChannel();
        ByteBuf whole = sender.encode(SOME_MESSAGES.get(4));
        ByteBuf firstHalf = whole.readRetainedSlice(whole.readableBytes() / 2);
        whole.release();

        assertEquals(List.of(), receiver.feed(firstHalf));
        assertTrue(receiver.channel.isOpen(), "waiting for the rest of the frame");
        receiver.channel.close();

        assertEquals(List.of(), receiver.drainInbound());
        assertTrue(receiver.errors.isEmpty(), "a peer hanging up mid-frame is not a protocol error");
        assertEquals(0, whole.refCnt(), "the buffered half frame was released");
        sender.finish();
        receiver.finish();
    }

    @Test
    void encoderRefusesAMessageAboveTheFrameLimitAndKeepsTheChannelOpen() {
        CodecLimits limits = CodecLimits.withMaxFrameBytes(256);
        WireChannel sender = new WireChannel(limits);
        AppendEntries tooBig = new AppendEntries(1, 2, 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[300])), 0);

        ChannelFuture write = sender.channel.writeOneOutbound(tooBig);
        sender.channel.flushOutbound();

        assertTrue(write.isDone());
        assertInstanceOf(EncoderException.class, write.cause());
        assertTrue(ProtocolErrorHandler.describe(write.cause()).contains("exceeds"), () -> "" + write.cause());
        assertNull(sender.channel.readOutbound(), "nothing was written");
        assertTrue(sender.channel.isOpen());
        sender.finish();
    }

    @Test
    void encoderRefusesAnInvalidMessageAndANonWireObjectAndKeepsTheChannelOpen() {
        WireChannel sender = new WireChannel();
        AppendEntries gap = new AppendEntries(1, 2, 5, 10, 5, List.of(LogEntry.noop(5, 12)), 0);

        ChannelFuture invalid = sender.channel.writeOneOutbound(gap);
        ChannelFuture foreign = sender.channel.writeOneOutbound("hello");
        sender.channel.flushOutbound();

        assertInstanceOf(ProtocolException.class, invalid.cause().getCause());
        assertTrue(invalid.cause().getCause().getMessage().contains("consecutive"));
        assertInstanceOf(IllegalArgumentException.class, foreign.cause().getCause());
        assertNull(sender.channel.readOutbound());
        assertTrue(sender.channel.isOpen());
        sender.finish();
    }

    @Test
    void rawByteBufWrittenOutboundIsFramedAsItIs() {
        WireChannel sender = new WireChannel();
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

        ByteBuf out = sender.encode(raw);

        assertEquals(7, out.readableBytes());
        assertEquals(3, out.readInt());
        assertEquals(1, out.readByte());
        out.release();
        assertEquals(0, raw.refCnt());
        sender.finish();
    }

    @Test
    void encodedBufferIsAllocatedAtItsExactSize() {
        WireChannel sender = new WireChannel();
        sender.channel.writeOutbound(new RequestVote(1, 2, 3, 10, 2));

        ByteBuf prefix = sender.channel.readOutbound();
        ByteBuf body = sender.channel.readOutbound();

        assertNotNull(body);
        assertEquals(6, body.readableBytes());
        assertEquals(6, body.capacity());
        prefix.release();
        body.release();
        sender.finish();
    }

    /** An AppendEntries with one entry whose data makes the frame body exactly {@code bodyBytes}. */
    private static AppendEntries appendEntriesWithBody(int bodyBytes, CodecLimits limits) {
        KryoCodec codec = new KryoCodec(limits);
        byte[] scratch = new byte[bodyBytes];
        for (int data = bodyBytes; data >= 0; data--) {
            AppendEntries m = new AppendEntries(1, 2, 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[data])), 0);
            try {
                if (codec.encode(m, scratch) == bodyBytes) {
                    return m;
                }
            } catch (RuntimeException tooBig) {
                // try one byte less
            }
        }
        throw new AssertionError("no AppendEntries encodes to " + bodyBytes + " bytes");
    }
}
