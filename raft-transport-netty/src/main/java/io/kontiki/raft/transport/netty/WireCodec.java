package io.kontiki.raft.transport.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * Puts the wire codec into a pipeline: framing, then serialization, as four named handlers.
 *
 * <pre>
 *   inbound  →  FRAME_DECODER  →  MESSAGE_DECODER  →  (your handlers)  →  PROTOCOL_ERROR_HANDLER
 *   outbound ←  FRAME_ENCODER  ←  MESSAGE_ENCODER  ←  (your handlers)
 * </pre>
 *
 * <p>{@link #install} adds, in this order: {@link #FRAME_DECODER} (a
 * {@link LengthFieldBasedFrameDecoder}), {@link #FRAME_ENCODER} (a {@link LengthFieldPrepender}),
 * {@link #MESSAGE_DECODER} ({@link KryoMessageDecoder}) and {@link #MESSAGE_ENCODER}
 * ({@link KryoMessageEncoder}). Add the transport's own handlers after them and
 * {@link #installProtocolErrorHandler} last, so that it sees every exception.
 *
 * <p>Call it from the channel's initializer: the handlers hold per-channel state, and a fresh
 * set is made on every call.
 */
public final class WireCodec {

    /** The length prefix: a 4-byte big-endian unsigned count of the bytes after it. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String MESSAGE_DECODER = "messageDecoder";
    public static final String MESSAGE_ENCODER = "messageEncoder";
    public static final String PROTOCOL_ERROR_HANDLER = "protocolErrorHandler";

    private WireCodec() {
    }

    /**
     * Adds the frame decoder, the frame encoder, the message decoder and the message encoder,
     * in that order, at the end of {@code p}, bound to {@code limits}.
     */
    public static void install(ChannelPipeline p, CodecLimits limits) {
        install(p, limits, RaftKryoRegistry.REGISTRY);
    }

    /**
     * As {@link #install(ChannelPipeline, CodecLimits)}, for the protocol of {@code registry}
     * (the peer protocol's is {@link RaftKryoRegistry#REGISTRY}).
     */
    public static void install(ChannelPipeline p, CodecLimits limits, WireRegistry registry) {
        p.addLast(FRAME_DECODER, newFrameDecoder(limits));
        p.addLast(FRAME_ENCODER, new LengthFieldPrepender(LENGTH_PREFIX_BYTES));
        p.addLast(MESSAGE_DECODER, new KryoMessageDecoder(limits, registry));
        p.addLast(MESSAGE_ENCODER, new KryoMessageEncoder(limits, registry));
    }

    /** Adds {@link ProtocolErrorHandler#INSTANCE} at the end of {@code p}: call it last. */
    public static void installProtocolErrorHandler(ChannelPipeline p) {
        p.addLast(PROTOCOL_ERROR_HANDLER, ProtocolErrorHandler.INSTANCE);
    }

    /**
     * A frame decoder that strips the 4-byte prefix and fails fast: a prefix announcing more
     * than {@code maxFrameBytes - 4} bytes (which includes every prefix with the top bit set,
     * that a signed reader would see as negative) throws a {@code TooLongFrameException} as soon
     * as the prefix is read, before any of the body is buffered.
     */
    public static LengthFieldBasedFrameDecoder newFrameDecoder(CodecLimits limits) {
        return new LengthFieldBasedFrameDecoder(limits.maxFrameBytes(), 0, LENGTH_PREFIX_BYTES, 0,
                LENGTH_PREFIX_BYTES, true);
    }
}
