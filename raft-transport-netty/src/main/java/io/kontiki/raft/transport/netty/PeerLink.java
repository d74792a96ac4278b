package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.message.RaftMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbound connection from this node to one peer: connect, handshake, send, and after
 * any failure reconnect with bounded exponential backoff and jitter.
 *
 * <p><b>Thread:</b> confined to the transport's event loop (connect listeners and the
 * connector handler run there too).
 */
final class PeerLink {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final int WARN_AFTER_FAILURES = 20;

    enum State { IDLE, CONNECTING, HANDSHAKING, READY, CLOSED }

    private final int peer;
    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final NettyTransport transport;
    private final Random jitter;
    private State state = State.IDLE;
    private Channel channel;
    private long backoffMillis;
    private ScheduledFuture<?> reconnect;
    private boolean dirty;
    private String lastFailure = "";
    private int consecutiveFailures;

    PeerLink(int peer, InetSocketAddress address, Bootstrap bootstrap, NettyTransport transport, long seed) {
        this.peer = peer;
        this.address = address;
        this.bootstrap = bootstrap;
        this.transport = transport;
        this.jitter = new Random(seed ^ (peer * 0x9E3779B97F4A7C15L));
        this.backoffMillis = transport.minBackoffMillis();
    }

    int peer() {
        return peer;
    }

    State state() {
        return state;
    }

    void connect() {
        if (state == State.CLOSED) {
            return;
        }
        reconnect = null;
        state = State.CONNECTING;
        ChannelFuture f = bootstrap.connect(address);
        channel = f.channel();
        channel.attr(NettyTransport.PEER_LINK).set(this);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                transport.stats().connectsFailed.increment();
                noteFailure("cannot connect to node " + peer + " at " + address + ": " + done.cause().getMessage());
            }
        });
        channel.closeFuture().addListener(closed -> onClosed((Channel) ((ChannelFuture) closed).channel()));
    }

    /** The connector handler saw the channel become active and sent the handshake. */
    void onHandshakeSent(Channel ch) {
        if (ch == channel && state == State.CONNECTING) {
            state = State.HANDSHAKING;
        }
    }

    void onAccepted(Channel ch) {
        if (ch != channel || state == State.CLOSED) {
            return;
        }
        state = State.READY;
        backoffMillis = transport.minBackoffMillis();
        consecutiveFailures = 0;
        transport.stats().connectionsEstablished.increment();
        if (!lastFailure.isEmpty()) {
            LOG.info("node {}: connected to node {} at {}", transport.nodeId(), peer, address);
            lastFailure = "";
        }
    }

    void onRefused(Channel ch, String reason) {
        noteFailure("node " + peer + " at " + address + " refused the connection: " + reason);
        ch.close();
    }

    private void onClosed(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        if (state == State.CLOSED) {
            return;
        }
        state = State.IDLE;
        long delay = backoffMillis + jitter.nextInt((int) Math.max(1, backoffMillis / 5) + 1);
        backoffMillis = Math.min(transport.maxBackoffMillis(), backoffMillis * 2);
        reconnect = transport.loop().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Writes without flushing; false if the message was dropped. */
    boolean write(RaftMessage m) {
        Channel ch = channel;
        if (state != State.READY || ch == null) {
            transport.stats().droppedNotConnected.increment();
            return false;
        }
        if (!ch.isWritable()) {
            transport.stats().droppedBackpressure.increment();
            return false;
        }
        ch.write(m, ch.voidPromise());
        dirty = true;
        return true;
    }

    void flushIfDirty() {
        if (dirty) {
            dirty = false;
            Channel ch = channel;
            if (ch != null) {
                ch.flush();
            }
        }
    }

    void close() {
        state = State.CLOSED;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * Logs a connection problem once, not on every retry: at INFO the first time (peers starting
     * in any order refuse each other for a moment), at WARN once it has lasted
     * {@value #WARN_AFTER_FAILURES} attempts.
     */
    private void noteFailure(String what) {
        consecutiveFailures++;
        if (!what.equals(lastFailure)) {
            lastFailure = what;
            LOG.info("node {}: {} (retrying with backoff)", transport.nodeId(), what);
        } else if (consecutiveFailures == WARN_AFTER_FAILURES) {
            LOG.warn("node {}: {} ({} attempts so far; retrying every {} ms at most)", transport.nodeId(), what,
                    consecutiveFailures, transport.maxBackoffMillis());
        }
    }
}
