package io.kontiki.raft.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The raw-netty series of {@link HeartbeatThroughputBenchmark}: the ceiling Kontiki is compared
 * with, Netty and the transport's framing with no Kryo and no core.
 *
 * <p>Raw Netty: a client on loop A and an echo server on loop B, framed like the transport, on
 * one connection. With {@code twoConnections} (the breakdown's diagnostic series) it takes
 * the transport's topology instead: A sends on its connection to B, B answers on its own
 * connection to A, so each connection carries data one way only.
 */
final class RawNettyPump extends Pump.Window implements Pump {
    private final EventLoop loopA;
    private final int bodyBytes;
    private final boolean twoConnections;
    private final Channel serverB;
    private final Channel client;
    private final Channel serverA;
    private final Channel replyChannel;
    private final ScheduledFuture<?> watchdog;

    RawNettyPump(EventLoop loopA, EventLoop loopB, int inflight, int bodyBytes, boolean epoll, boolean twoConnections)
            throws Exception {
        super(inflight);
        this.loopA = loopA;
        this.bodyBytes = bodyBytes;
        this.twoConnections = twoConnections;
        InetSocketAddress[] address = InProcessCluster.freeLoopbackAddresses(2);
        RawNettyPump self = this;
        Channel[] reply = new Channel[1];
        serverB = listen(loopB, address[1], epoll, twoConnections ? new ForwardHandler(() -> reply[0])
                : new EchoHandler());
        client = connect(loopA, address[1], epoll, twoConnections ? null : new ClientHandler(self));
        if (twoConnections) {
            serverA = listen(loopA, address[0], epoll, new ClientHandler(self));
            replyChannel = connect(loopB, address[0], epoll, null);
            reply[0] = replyChannel;
        } else {
            serverA = null;
            replyChannel = null;
        }
        watchdog = loopA.scheduleAtFixedRate(this::watchdog, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** A listening channel whose accepted channels end in a fresh {@code last} handler (which must be sharable or made per call). */
    private static Channel listen(EventLoop loop, InetSocketAddress address, boolean epoll,
                                  ChannelInboundHandlerAdapter last) {
        Class<? extends ServerSocketChannel> type = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        try {
            return new ServerBootstrap().group(loop, loop).channel(type)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(frameDecoder(), new LengthFieldPrepender(4), last);
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // a BindException arrives unchecked from syncUninterruptibly
            throw new IllegalStateException("raw server cannot listen on " + address + ": " + e, e);
        }
    }

    private static Channel connect(EventLoop loop, InetSocketAddress address, boolean epoll,
                                   ChannelInboundHandlerAdapter last) {
        return new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(frameDecoder(), new LengthFieldPrepender(4));
                        if (last != null) {
                            ch.pipeline().addLast(last);
                        }
                    }
                })
                .connect(address).syncUninterruptibly().channel();
    }

    @Override
    void sendOne() {
        client.write(client.alloc().ioBuffer(bodyBytes, bodyBytes).writeZero(bodyBytes), client.voidPromise());
    }

    @Override
    void flushPrimed() {
        client.flush();
    }

    /** Flushes the requests written while reading a batch of responses. */
    void flushRequests() {
        client.flush();
    }

    @Override
    public EventLoop loop() {
        return loopA;
    }

    @Override
    public String notes() {
        return "frames of " + (bodyBytes + 4) + " bytes both ways; "
                + (twoConnections ? "two connections, each one way (the transport's topology)"
                : "echo server, one connection");
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        for (Channel ch : new Channel[] {client, replyChannel, serverB, serverA}) {
            if (ch != null) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private static LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4);
    }

    /** Sends each frame back as it came; flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Sends each frame on another channel of the same loop; flushes that channel once per read batch. */
    @ChannelHandler.Sharable
    private static final class ForwardHandler extends ChannelInboundHandlerAdapter {
        private final Supplier<Channel> to;

        ForwardHandler(Supplier<Channel> to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel out = to.get();
            if (out == null) {
                ((ByteBuf) msg).release();
                return;
            }
            out.write(msg, out.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Channel out = to.get();
            if (out != null) {
                out.flush();
            }
        }
    }

    /** Each frame back sends the next (through the pump); flushes the requests once per read batch. */
    @ChannelHandler.Sharable
    private static final class ClientHandler extends ChannelInboundHandlerAdapter {
        private final RawNettyPump pump;

        ClientHandler(RawNettyPump pump) {
            this.pump = pump;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            pump.onResponse();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            pump.flushRequests();
        }
    }
}
