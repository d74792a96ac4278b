package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EmbeddedChannel} with the full wire pipeline ({@link WireCodec} and the
 * {@link ProtocolErrorHandler}), plus a handler in between that records every exception on
 * its way to the error handler.
 */
final class WireChannel {

    final EmbeddedChannel channel = new EmbeddedChannel();
    final List<Throwable> errors = new ArrayList<>();

    WireChannel(CodecLimits limits) {
        WireCodec.install(channel.pipeline(), limits);
        channel.pipeline().addLast("errorRecorder", new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
                ctx.fireExceptionCaught(cause);
            }
        });
        WireCodec.installProtocolErrorHandler(channel.pipeline());
    }

    WireChannel() {
        this(CodecLimits.DEFAULTS);
    }

    /** Writes the messages out and returns the frames they became, in one pooled heap buffer. */
    ByteBuf encode(Object... msgs) {
        for (Object m : msgs) {
            channel.writeOutbound(m);
        }
        ByteBuf all = PooledByteBufAllocator.DEFAULT.heapBuffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    /**
     * Feeds the chunks in order, as separate reads, and returns what came out of the pipeline.
     * Once the channel is closed the remaining chunks are released instead of fed: a closed
     * channel reads no more. Any exception escaping the pipeline makes this throw.
     */
    List<Object> feed(ByteBuf... chunks) {
        for (ByteBuf chunk : chunks) {
            if (channel.isOpen()) {
                channel.writeInbound(chunk);
            } else {
                chunk.release();
            }
        }
        return drainInbound();
    }

    List<Object> drainInbound() {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    /** Closes the channel, releases whatever is left in it and checks no exception escaped. */
    void finish() {
        channel.finishAndReleaseAll();
        channel.checkException();
    }

    /** The single exception the pipeline saw, as a one-line description. */
    String onlyError() {
        assertEquals(1, errors.size(), () -> "exceptions: " + errors);
        return ProtocolErrorHandler.describe(errors.get(0));
    }
}
