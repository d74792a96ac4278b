package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Decodes each frame body from the frame decoder before it into one client message, and
 * releases the frame. A frame that is not exactly one valid message fires one
 * {@link ProtocolException} to the {@code ProtocolErrorHandler}, which closes the channel; every
 * later frame is released and dropped. Owns a {@link ClientCodec}: one per channel.
 *
 * <p>(The counterpart of raft-transport-netty's {@code KryoMessageDecoder}.)
 */
final class ClientMessageDecoder extends ChannelInboundHandlerAdapter {

    private final ClientCodec codec;
    private boolean failed;

    ClientMessageDecoder(int maxFrameBytes) {
        this.codec = new ClientCodec(maxFrameBytes);
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
