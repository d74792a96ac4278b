package io.kontiki.raft.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes each outbound wire message into one frame body; the {@code LengthFieldPrepender}
 * after it adds the length prefix (see {@link WireCodec}).
 *
 * <p>The message is serialized into the handler's reusable buffer first, so the outbound
 * {@link ByteBuf} is allocated at its exact size: no other allocation per message.
 *
 * <p>A {@link ByteBuf} written to the pipeline passes through untouched and is framed as it
 * is (tests and fault injection use this to put arbitrary bytes in a frame). Any other object
 * that is not a wire class fails its write with an {@link IllegalArgumentException}, and a
 * message the peer would reject ({@link KryoCodec#encode(Object, byte[])}) with a
 * {@link ProtocolException}, wrapped in an {@code EncoderException}; the connection stays up.
 *
 * <p>Owns a {@link KryoCodec}, which is not thread-safe: one instance per channel, never
 * {@code @Sharable}.
 */
public final class KryoMessageEncoder extends MessageToByteEncoder<Object> {

    private final KryoCodec codec;
    /** The length {@link #allocateBuffer} encoded, for the {@link #encode} that follows it. */
    private int encodedLength = -1;

    public KryoMessageEncoder(CodecLimits limits) {
        this(limits, RaftKryoRegistry.REGISTRY);
    }

    /** A handler for the protocol of {@code registry}. */
    public KryoMessageEncoder(CodecLimits limits, WireRegistry registry) {
        super(Object.class, true);
        this.codec = new KryoCodec(limits, registry);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return !(msg instanceof ByteBuf);
    }

    /** Serializes first, so that the buffer is allocated at its final size. */
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        encodedLength = -1;
        int n = codec.encodeToBuffer(msg);
        encodedLength = n;
        return preferDirect ? ctx.alloc().ioBuffer(n, n) : ctx.alloc().heapBuffer(n, n);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        int n = encodedLength;
        encodedLength = -1;
        if (n < 0) {
            throw new IllegalStateException("encode without allocateBuffer");
        }
        out.writeBytes(codec.encodedBytes(), 0, n);
    }
}
