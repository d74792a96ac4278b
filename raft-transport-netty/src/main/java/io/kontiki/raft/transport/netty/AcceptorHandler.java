package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.message.RaftMessage;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The accepting side of a connection: checks the {@link Handshake} (cluster id, known node id,
 * protocol version), refuses a bad one with a reason and one log line, then hands every Raft
 * message to the node — after checking it really comes from the node that shook hands and is
 * addressed to this one. Answers {@link Ping} with {@link Pong}; closes a connection silent for
 * the idle timeout.
 */
final class AcceptorHandler extends ChannelInboundHandlerAdapter {

    private final NettyTransport transport;
    private int peer = Integer.MIN_VALUE;

    AcceptorHandler(NettyTransport transport) {
        this.transport = transport;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (peer == Integer.MIN_VALUE) {
            if (!(msg instanceof Handshake hs)) {
                throw new ProtocolException("expected a handshake, got " + msg.getClass().getSimpleName());
            }
            String refusal = transport.checkHandshake(hs);
            if (refusal != null) {
                transport.stats().handshakesRefused.increment();
                transport.logRefusal(ctx.channel().remoteAddress(), refusal);
                ctx.writeAndFlush(new HandshakeReply(false, refusal)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            peer = hs.nodeId();
            ctx.writeAndFlush(HandshakeReply.ACCEPTED, ctx.voidPromise());
            return;
        }
        if (msg instanceof RaftMessage m) {
            if (m.from() != peer || m.to() != transport.nodeId()) {
                throw new ProtocolException("message " + m.from() + "->" + m.to() + " on the connection of node "
                        + peer + " to node " + transport.nodeId());
            }
            transport.deliver(m);
        } else if (msg == Ping.INSTANCE) {
            ctx.writeAndFlush(Pong.INSTANCE, ctx.voidPromise());
        } else {
            throw new ProtocolException("unexpected " + msg.getClass().getSimpleName() + " from node " + peer);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
