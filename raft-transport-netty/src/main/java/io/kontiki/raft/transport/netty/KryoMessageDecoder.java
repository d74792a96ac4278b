package io.kontiki.raft.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Decodes each frame body emitted by the {@code LengthFieldBasedFrameDecoder} before it into
 * one wire message, heap or direct buffer alike, and releases the frame.
 *
 * <p>A frame that is not exactly one valid message ({@link KryoCodec#decode(byte[], int, int)})
 * fires one {@link ProtocolException} down the pipeline, to {@link ProtocolErrorHandler},
 * which closes the channel. From then on this decoder releases and drops every frame still
 * arriving: nothing after a protocol error reaches the handlers behind it, not even frames
 * from the same read. Objects that are not {@link ByteBuf}s pass through.
 *
 * <p>Owns a {@link KryoCodec}, which is not thread-safe: one instance per channel, never
 * {@code @Sharable}.
 */
public final class KryoMessageDecoder extends ChannelInboundHandlerAdapter {

    private final KryoCodec codec;
    private boolean failed;

    public KryoMessageDecoder(CodecLimits limits) {
        this(limits, RaftKryoRegistry.REGISTRY);
    }

    /** A handler for the protocol of {@code registry}. */
    public KryoMessageDecoder(CodecLimits limits, WireRegistry registry) {
        this.codec = new KryoCodec(limits, registry);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Object decoded;
        try {
            if (failed) {
                return;
            }
            decoded = codec.decode(frame);
        } catch (RuntimeException e) {
            failed = true;
            ctx.fireExceptionCaught(e instanceof ProtocolException ? e
                    : new ProtocolException("undecodable frame: " + e, e));
            return;
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(decoded);
    }
}
