package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.ProtocolErrorHandler;
import io.kontiki.raft.transport.netty.WireCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.EncoderException;

/**
 * The client protocol's pipeline, on both ends of a connection: the peer protocol's
 * {@link WireCodec} (framing, the transport's {@code KryoMessageDecoder} and
 * {@code KryoMessageEncoder}) bound to {@link ClientKryoRegistry#REGISTRY}, and its error
 * handling:
 * <pre>
 *   inbound  →  frame decoder  →  message decoder  →  (handler)  →  ProtocolErrorHandler
 *   outbound ←  length prepender  ←  message encoder  ←  (handler)
 * </pre>
 * The frame decoder fails fast: a length prefix above the limit (any prefix with the top bit
 * set included) is a protocol error as soon as it is read, before any body is buffered.
 */
final class ClientPipeline {

    static final String HANDLER = "handler";

    private ClientPipeline() {
    }

    /** Adds the codec, then {@code handler}, then the shared {@link ProtocolErrorHandler}. */
    static void install(ChannelPipeline p, int maxFrameBytes, ChannelHandler handler) {
        WireCodec.install(p, ClientCodec.limits(maxFrameBytes), ClientKryoRegistry.REGISTRY);
        p.addLast(HANDLER, handler);
        WireCodec.installProtocolErrorHandler(p);
    }

    /**
     * Why a write failed: the message encoder's own exception (a {@link
     * io.kontiki.raft.transport.netty.ProtocolException} or an {@link IllegalArgumentException})
     * rather than the {@link EncoderException} Netty wraps it in.
     */
    static Throwable writeFailure(Throwable cause) {
        return cause instanceof EncoderException && cause.getCause() != null ? cause.getCause() : cause;
    }
}
