package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The client port of a node: accepts client connections, decodes {@link ClientRequest}s and
 * hands them to a {@link KvService}, writes each response when it is ready. Many requests may
 * be in flight per connection (pipelining); responses go out in completion order.
 *
 * <p>Hardened like the peer port: length-prefixed frames bounded by
 * {@link Options#maxFrameBytes()}, a fixed Kryo registry ({@link ClientKryoRegistry}), checked
 * serializers, and any protocol error closes that one connection with one rate-limited log
 * line (raft-transport-netty's {@code ProtocolErrorHandler}); the port goes on serving others.
 *
 * <pre>{@code
 * EventLoopGroup group = EventLoops.newGroup(1, "client-port");
 * try (ClientServer server = ClientServer.start(new InetSocketAddress("127.0.0.1", 0), group, service,
 *         ClientServer.Options.defaults())) {
 *     int port = server.address().getPort();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Threads:</b> the server runs on the given group (shared with the Raft node or not; it
 * neither creates nor shuts down threads). {@link KvService} is called on a connection's loop.
 * {@link #start} and {@link #close} block briefly for the socket and must not be called on a
 * loop of the group.
 */
public final class ClientServer implements AutoCloseable {

    /**
     * @param maxFrameBytes            the largest frame accepted or sent, prefix included
     *                                 (default {@link ClientCodec#DEFAULT_MAX_FRAME_BYTES})
     * @param maxInFlightPerConnection requests of one connection awaiting their response beyond
     *                                 which new ones are refused with ERROR (default 4096)
     */
    public record Options(int maxFrameBytes, int maxInFlightPerConnection) {

        public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

        public Options {
            if (maxFrameBytes < ClientCodec.MIN_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes must be >= " + ClientCodec.MIN_FRAME_BYTES + ": "
                        + maxFrameBytes);
            }
            if (maxInFlightPerConnection < 1) {
                throw new IllegalArgumentException("maxInFlightPerConnection must be >= 1: " + maxInFlightPerConnection);
            }
        }

        public static Options defaults() {
            return new Options(ClientCodec.DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_IN_FLIGHT);
        }

        public Options withMaxInFlightPerConnection(int n) {
            return new Options(maxFrameBytes, n);
        }

        public Options withMaxFrameBytes(int n) {
            return new Options(n, maxInFlightPerConnection);
        }
    }

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Channel serverChannel;
    private final ChannelGroup connections;

    private ClientServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Binds {@code address} (port 0 for an ephemeral port, see {@link #address()}) and starts
     * serving on {@code group}.
     *
     * @throws IllegalStateException if the address cannot be bound, e.g. the port is in use
     */
    public static ClientServer start(InetSocketAddress address, EventLoopGroup group, KvService service,
                                     Options options) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(options, "options");
        ChannelGroup connections = new DefaultChannelGroup("kontiki-clients", group.next());
        int maxPending = Math.max(2 * options.maxFrameBytes(), 1 << 20);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(maxPending / 2, maxPending))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ClientPipeline.install(ch.pipeline(), options.maxFrameBytes(),
                                new ServerRequestHandler(service, options.maxInFlightPerConnection()));
                    }
                });
        // Not syncUninterruptibly(): it rethrows the checked bind exception undeclared.
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen for clients on " + address + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return new ClientServer(bound.channel(), connections);
    }

    /** The bound address, with the actual port. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The client connections open now. Any thread. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops accepting and closes every client connection (requests in flight get no response;
     * their clients see the connection close). Idempotent; waits up to 5 s for the sockets.
     */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
