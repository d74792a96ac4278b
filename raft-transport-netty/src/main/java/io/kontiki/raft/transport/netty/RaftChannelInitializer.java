package io.kontiki.raft.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of every channel of a {@link NettyTransport}:
 *
 * <pre>
 *   bytes counter | frame decoder, length prepender, Kryo decoder, Kryo encoder (WireCodec)
 *   | idle detection | ConnectorHandler or AcceptorHandler | ProtocolErrorHandler
 * </pre>
 *
 * The connecting side pings when it has read nothing for the ping interval (the acceptor
 * answers every ping); both sides close a connection that has read nothing for the idle
 * timeout.
 */
final class RaftChannelInitializer extends ChannelInitializer<Channel> {

    private final NettyTransport transport;
    private final boolean connector;

    RaftChannelInitializer(NettyTransport transport, boolean connector) {
        this.transport = transport;
        this.connector = connector;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("bytes-counter", new BytesCounter(transport.stats()));
        WireCodec.install(p, transport.limits());
        long idle = transport.idleTimeoutMillis();
        if (connector) {
            // Reader-idle at the ping interval: the connecting side mostly writes (a leader's
            // heartbeats), and what it reads are pongs, so it pings whenever it has read nothing
            // for a ping interval and closes once it has read nothing for the idle timeout.
            p.addLast("idle", new IdleStateHandler(transport.pingIntervalMillis(), 0, 0, TimeUnit.MILLISECONDS));
            p.addLast("connector", new ConnectorHandler(transport));
        } else {
            transport.registerInbound(ch);
            p.addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
            p.addLast("acceptor", new AcceptorHandler(transport));
        }
        WireCodec.installProtocolErrorHandler(p);
    }

    /** Counts the bytes written to the socket. */
    @ChannelHandler.Sharable
    static final class BytesCounter extends ChannelOutboundHandlerAdapter {
        private final TransportStats stats;

        BytesCounter(TransportStats stats) {
            this.stats = stats;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b) {
                stats.bytesSent.add(b.readableBytes());
            }
            ctx.write(msg, promise);
        }
    }
}
