package io.kontiki.raft.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.TimeUnit;

/**
 * The connecting side of a connection: sends the {@link Handshake}, waits for the reply, keeps
 * the connection alive with a {@link Ping} whenever it has read nothing for the ping interval,
 * and closes it when the peer has been silent for the idle timeout. Only {@link HandshakeReply} and {@link Pong} may
 * arrive here; anything else is a protocol error.
 */
final class ConnectorHandler extends ChannelInboundHandlerAdapter {

    private final NettyTransport transport;
    private long lastReadNanos = System.nanoTime();

    ConnectorHandler(NettyTransport transport) {
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new Handshake(Handshake.PROTOCOL_VERSION, transport.clusterId(), transport.nodeId()),
                ctx.voidPromise());
        PeerLink link = ctx.channel().attr(NettyTransport.PEER_LINK).get();
        if (link != null) {
            link.onHandshakeSent(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        PeerLink link = ctx.channel().attr(NettyTransport.PEER_LINK).get();
        if (msg instanceof HandshakeReply reply && link != null) {
            if (reply.accepted()) {
                link.onAccepted(ctx.channel());
            } else {
                link.onRefused(ctx.channel(), reply.reason());
            }
        } else if (msg != Pong.INSTANCE) {
            throw new ProtocolException("unexpected " + msg.getClass().getSimpleName()
                    + " on an outbound connection");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
            if (silentMillis >= transport.idleTimeoutMillis()) {
                ctx.close(); // the peer has not answered a ping for the idle timeout: reconnect
            } else {
                ctx.writeAndFlush(Ping.INSTANCE, ctx.voidPromise());
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
