package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.ProtocolErrorHandler;
import io.kontiki.raft.transport.netty.WireCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * The client protocol's pipeline, on both ends of a connection, with the peer protocol's
 * framing and error handling:
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
        int prefix = WireCodec.LENGTH_PREFIX_BYTES;
        p.addLast(WireCodec.FRAME_DECODER, new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, prefix, 0, prefix, true));
        p.addLast(WireCodec.FRAME_ENCODER, new LengthFieldPrepender(prefix));
        p.addLast(WireCodec.MESSAGE_DECODER, new ClientMessageDecoder(maxFrameBytes));
        p.addLast(WireCodec.MESSAGE_ENCODER, new ClientMessageEncoder(maxFrameBytes));
        p.addLast(HANDLER, handler);
        p.addLast(WireCodec.PROTOCOL_ERROR_HANDLER, ProtocolErrorHandler.INSTANCE);
    }

    // The two below stand in for EventLoops.serverChannel / socketChannel (package-private in
    // raft-transport-netty) until those are public.

    static boolean isEpoll(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup || group.next().parent() instanceof EpollEventLoopGroup;
    }

    static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
