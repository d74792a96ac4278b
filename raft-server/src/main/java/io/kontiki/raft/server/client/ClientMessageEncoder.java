package io.kontiki.raft.server.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Encodes each outbound client message into one frame body of exactly its size; the length
 * prepender after it adds the prefix. A {@link ByteBuf} passes through untouched (tests use it to
 * send raw bytes). A message the peer would refuse fails its write's promise (with the
 * {@link io.kontiki.raft.transport.netty.ProtocolException}); the connection stays up. Owns a
 * {@link ClientCodec}: one per channel.
 *
 * <p>(The counterpart of raft-transport-netty's {@code KryoMessageEncoder}.)
 */
final class ClientMessageEncoder extends ChannelOutboundHandlerAdapter {

    private final ClientCodec codec;

    ClientMessageEncoder(int maxFrameBytes) {
        this.codec = new ClientCodec(maxFrameBytes);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf body;
        try {
            int n = codec.encodeToBuffer(msg);
            body = ctx.alloc().ioBuffer(n, n);
            body.writeBytes(codec.encodedBytes(), 0, n);
        } catch (RuntimeException e) {
            promise.tryFailure(e);
            return;
        }
        ctx.write(body, promise);
    }
}
