package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.Transport;
import io.kontiki.raft.core.message.RaftMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raft-core's {@link Transport} over Netty TCP: one listening socket per node, one outbound
 * connection per peer, Kryo frames (see the package documentation for the wire format).
 *
 * <h2>Threads</h2>
 * A transport lives on one Netty {@link EventLoop}, which should also be its node's Raft event
 * loop ({@link EventLoops#asLoopExecutor}): every channel of the transport is registered on it,
 * so an inbound message is handed to the node on the loop with no thread hop, and
 * {@link #send} — called by the node on the loop — writes without one either. Several nodes
 * may share one {@code EventLoopGroup}.
 *
 * <h2>Sending never blocks</h2>
 * A message to a peer whose connection is not ready (connecting, handshaking, gone) or whose
 * outbound buffer is above its high-water mark is dropped and counted: Raft retransmits, and an
 * unbounded queue would only hide a dead peer. Writes are flushed once per loop turn.
 *
 * <h2>Connections</h2>
 * Outbound connections handshake (cluster id, node id, protocol version); a peer of another
 * cluster, an unknown node or an incompatible version is refused with one logged line. Lost
 * connections are re-established with exponential backoff (bounded, with jitter). A connection
 * that has read nothing for the idle timeout is closed and reconnected, since a silent network
 * partition does not close TCP connections for many minutes; pings keep idle links alive.
 *
 * <h2>Faults</h2>
 * {@link #faults()} injects drop, delay, duplication and cuts into real frames; off by default.
 */
public final class NettyTransport implements Transport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
    static final AttributeKey<PeerLink> PEER_LINK = AttributeKey.valueOf("kontiki.peerLink");

    private final String clusterId;
    private final int nodeId;
    private final InetSocketAddress listenAddress;
    private final Map<Integer, InetSocketAddress> peers;
    private final EventLoop loop;
    private final CodecLimits limits;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final long pingIntervalMillis;
    private final long idleTimeoutMillis;
    private final int maxPendingBytesPerPeer;
    private final FaultInjector faults;
    private final TransportStats stats = new TransportStats();
    private final Map<Integer, PeerLink> links = new TreeMap<>();
    private final ChannelGroup inboundChannels;
    private final LogRateLimiter refusalLog = new LogRateLimiter(TimeUnit.SECONDS.toNanos(1), System::nanoTime);

    private volatile Consumer<RaftMessage> inbound;
    private volatile Channel serverChannel;
    private volatile boolean closed;
    /** Loop-confined: a flush task is queued for this turn. */
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushAll;

    private NettyTransport(Builder b) {
        this.clusterId = b.clusterId;
        this.nodeId = b.nodeId;
        this.listenAddress = Objects.requireNonNull(b.listenAddress, "listen address");
        this.peers = Collections.unmodifiableMap(new TreeMap<>(b.peers));
        this.loop = Objects.requireNonNull(b.loop, "event loop");
        this.limits = b.limits;
        this.minBackoffMillis = b.minBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.pingIntervalMillis = b.pingIntervalMillis;
        this.idleTimeoutMillis = b.idleTimeoutMillis;
        this.maxPendingBytesPerPeer = b.maxPendingBytesPerPeer;
        this.faults = new FaultInjector(b.faultSeed);
        // stayClosed: a connection accepted while the transport closes is closed at once.
        this.inboundChannels = new DefaultChannelGroup("node-" + nodeId + "-inbound", loop, true);
        if (peers.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " lists itself among its peers");
        }
    }

    public static Builder builder(String clusterId, int nodeId) {
        return new Builder(clusterId, nodeId);
    }

    /**
     * Binds the listening socket and starts connecting to the peers. Inbound messages are
     * handed to {@code inbound} on the event loop (normally {@code raftNode::receive}).
     * Must not be called on the event loop (binding waits for it).
     *
     * @throws IllegalStateException if the address cannot be bound, e.g. the port is in use
     */
    public NettyTransport start(Consumer<RaftMessage> inbound) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("start() must not be called on the transport's event loop");
        }
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(maxPendingBytesPerPeer / 2, maxPendingBytesPerPeer);
        ServerBootstrap server = new ServerBootstrap()
                .group(loop, loop)
                .channel(EventLoops.serverChannel(loop))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(new RaftChannelInitializer(this, false));
        ChannelFuture bound = server.bind(listenAddress).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("node " + nodeId + " cannot listen on " + listenAddress + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
        Bootstrap client = new Bootstrap()
                .group(loop)
                .channel(EventLoops.socketChannel(loop))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(100, Math.min(idleTimeoutMillis, 10_000)))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .handler(new RaftChannelInitializer(this, true));
        loop.execute(() -> {
            for (Map.Entry<Integer, InetSocketAddress> p : peers.entrySet()) {
                PeerLink link = new PeerLink(p.getKey(), p.getValue(), client, this, nodeId);
                links.put(p.getKey(), link);
                link.connect();
            }
        });
        LOG.info("node {} of cluster {} listening on {} ({}), peers {}", nodeId, clusterId, localAddress(),
                EventLoops.isEpoll(loop) ? "epoll" : "nio", peers);
        return this;
    }

    /** The address the listening socket is bound to (with the real port when 0 was asked for). */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        return ch == null ? listenAddress : (InetSocketAddress) ch.localAddress();
    }

    /**
     * Sends a message to a peer. Never blocks, never throws: a message that cannot go now is
     * dropped and counted. Called on the event loop (other threads are handed over to it).
     */
    @Override
    public void send(RaftMessage m) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> send(m));
            return;
        }
        if (closed) {
            return;
        }
        (m.isRequest() ? stats.requestsSent : stats.responsesSent).increment();
        if (faults.isActive()) {
            long delay = faults.outboundDelayOrDrop(m);
            if (delay < 0) {
                stats.droppedByFaults.increment();
                return;
            }
            boolean twice = faults.duplicate(m);
            if (delay > 0) {
                loop.schedule(() -> write(m, twice), delay, TimeUnit.MILLISECONDS);
            } else {
                write(m, twice);
            }
            return;
        }
        write(m, false);
    }

    private void write(RaftMessage m, boolean twice) {
        PeerLink link = links.get(m.to());
        if (link == null || closed) {
            stats.droppedNotConnected.increment();
            return;
        }
        if (link.write(m) && twice) {
            link.write(m);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushAll() {
        flushScheduled = false;
        for (PeerLink link : links.values()) {
            link.flushIfDirty();
        }
    }

    /** An inbound Raft message passed the handshake and sender checks; on the loop. */
    void deliver(RaftMessage m) {
        if (faults.isActive() && faults.dropsInbound(m.from())) {
            stats.droppedByFaults.increment();
            return;
        }
        (m.isRequest() ? stats.requestsReceived : stats.responsesReceived).increment();
        Consumer<RaftMessage> in = inbound;
        if (in != null && !closed) {
            in.accept(m);
        }
    }

    /** An accepted connection; closed with the transport. */
    void registerInbound(Channel ch) {
        inboundChannels.add(ch);
    }

    /** Null if the handshake is acceptable, else the reason to refuse it. */
    String checkHandshake(Handshake hs) {
        if (hs.version() != Handshake.PROTOCOL_VERSION) {
            return "protocol version " + hs.version() + " is not supported (this node speaks "
                    + Handshake.PROTOCOL_VERSION + ")";
        }
        if (!clusterId.equals(hs.clusterId())) {
            return "cluster id '" + hs.clusterId() + "' does not match this node's cluster '" + clusterId + "'";
        }
        if (!peers.containsKey(hs.nodeId())) {
            return "node id " + hs.nodeId() + " is not a member of this cluster " + peers.keySet();
        }
        return null;
    }

    /** One line per refusal, at most one a second (a misconfigured peer retries often). */
    void logRefusal(SocketAddress remote, String reason) {
        long suppressed = refusalLog.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn("node {} refused a connection from {}: {}{}", nodeId, remote, reason,
                    suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
        }
    }

    public TransportStats stats() {
        return stats;
    }

    /** The fault injector of this node's links; inactive until configured. */
    public FaultInjector faults() {
        return faults;
    }

    public int nodeId() {
        return nodeId;
    }

    public String clusterId() {
        return clusterId;
    }

    EventLoop loop() {
        return loop;
    }

    CodecLimits limits() {
        return limits;
    }

    long minBackoffMillis() {
        return minBackoffMillis;
    }

    long maxBackoffMillis() {
        return maxBackoffMillis;
    }

    long pingIntervalMillis() {
        return pingIntervalMillis;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** True if the outbound connection to {@code peer} has completed its handshake. For tests and status. */
    public boolean isConnectedTo(int peer) {
        if (loop.inEventLoop()) {
            PeerLink link = links.get(peer);
            return link != null && link.state() == PeerLink.State.READY;
        }
        try {
            return loop.submit(() -> isConnectedTo(peer)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Closes the listening socket and every connection; later sends are dropped. Idempotent.
     * Off the loop it waits (at most 5 s) until the listening socket is closed, so the port can
     * be bound again at once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Runnable shutdown = () -> {
            List<PeerLink> all = new ArrayList<>(links.values());
            all.forEach(PeerLink::close);
            inboundChannels.close();
        };
        Channel server = serverChannel;
        if (loop.inEventLoop()) {
            shutdown.run();
            if (server != null) {
                server.close();
            }
            return;
        }
        if (!loop.isShuttingDown()) {
            loop.execute(shutdown);
        }
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Assembles a transport. */
    public static final class Builder {
        private final String clusterId;
        private final int nodeId;
        private InetSocketAddress listenAddress;
        private final Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        private EventLoop loop;
        private CodecLimits limits = CodecLimits.DEFAULTS;
        private long minBackoffMillis = 50;
        private long maxBackoffMillis = 2_000;
        private long pingIntervalMillis = 1_000;
        private long idleTimeoutMillis = 5_000;
        private int maxPendingBytesPerPeer = 8 << 20;
        private long faultSeed = 1;

        private Builder(String clusterId, int nodeId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            this.nodeId = nodeId;
        }

        /** Where to listen; port 0 picks a free one ({@link #localAddress()} tells which). */
        public Builder listen(InetSocketAddress address) {
            listenAddress = address;
            return this;
        }

        public Builder peer(int id, InetSocketAddress address) {
            peers.put(id, Objects.requireNonNull(address, "address"));
            return this;
        }

        public Builder peers(Map<Integer, InetSocketAddress> all) {
            all.forEach(this::peer);
            return this;
        }

        /** The node's event loop: its channels are registered here. */
        public Builder eventLoop(EventLoop v) {
            loop = v;
            return this;
        }

        public Builder limits(CodecLimits v) {
            limits = Objects.requireNonNull(v);
            return this;
        }

        /** Reconnect backoff: starts at {@code min}, doubles per failure up to {@code max}, plus up to 20 % jitter. */
        public Builder reconnectBackoff(long min, long max) {
            if (min <= 0 || max < min) {
                throw new IllegalArgumentException("backoff must satisfy 0 < min <= max");
            }
            minBackoffMillis = min;
            maxBackoffMillis = max;
            return this;
        }

        /** Ping after this much write silence; close after {@code idleTimeout} of read silence. */
        public Builder liveness(long pingInterval, long idleTimeout) {
            if (pingInterval <= 0 || idleTimeout <= pingInterval) {
                throw new IllegalArgumentException("need 0 < pingInterval < idleTimeout");
            }
            pingIntervalMillis = pingInterval;
            idleTimeoutMillis = idleTimeout;
            return this;
        }

        /** The outbound buffer's high-water mark per peer; beyond it messages are dropped. */
        public Builder maxPendingBytesPerPeer(int v) {
            if (v < 1024) {
                throw new IllegalArgumentException("maxPendingBytesPerPeer must be >= 1024");
            }
            maxPendingBytesPerPeer = v;
            return this;
        }

        /** The seed of the fault injector's random choices. */
        public Builder faultSeed(long v) {
            faultSeed = v;
            return this;
        }

        public NettyTransport build() {
            return new NettyTransport(this);
        }
    }
}
