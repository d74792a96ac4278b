package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.ProtocolException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client end of one connection to one node: sends requests, many at a time, in the order
 * given (queued while connecting), and hands each reply to the callback registered under its
 * request id. A request that gets no reply within its timeout, or whose connection fails or
 * closes first, gets an {@link AttemptFailed} instead; a reply arriving after that is dropped.
 * Once closed, a connection stays closed. Confined to the client's event loop; writes are
 * flushed once per loop turn.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    /**
     * An attempt that got no reply.
     *
     * @param maybeExecuted the request may have reached the server
     * @param fatal         retrying cannot help (the request cannot be encoded)
     */
    record AttemptFailed(String reason, boolean maybeExecuted, boolean fatal) {
    }

    private static final class Pending {
        final Consumer<Object> callback;
        final ScheduledFuture<?> timeout;
        boolean sent;

        Pending(Consumer<Object> callback, ScheduledFuture<?> timeout) {
            this.callback = callback;
            this.timeout = timeout;
        }
    }

    private final InetSocketAddress address;
    private final EventLoop loop;
    private final Consumer<ClientConnection> onClose;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final ArrayDeque<ClientRequest> queued = new ArrayDeque<>();
    private Channel channel;
    private boolean active;
    private boolean closed;
    private String closeReason;
    private boolean flushScheduled;

    /**
     * @param loop    the loop the connection's channel is registered on
     * @param onClose told once, on the loop, when the connection fails or closes
     */
    ClientConnection(InetSocketAddress address, EventLoop loop, Consumer<ClientConnection> onClose) {
        this.address = address;
        this.loop = loop;
        this.onClose = onClose;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    /** The connect attempt's outcome (a listener on the connect future). */
    void connectDone(ChannelFuture f) {
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause == null ? "cancelled" : cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage();
            closeDown("cannot connect to " + address + ": " + why);
        }
    }

    /** Sends {@code request}; exactly one reply or {@link AttemptFailed} reaches {@code callback}, on the loop. */
    void send(ClientRequest request, long timeoutNanos, Consumer<Object> callback) {
        if (closed) {
            callback.accept(new AttemptFailed(closeReason, false, false));
            return;
        }
        long id = request.requestId();
        ScheduledFuture<?> timeout = loop.schedule(() -> fail(id, new AttemptFailed("no answer from "
                + address + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", true, false)),
                timeoutNanos, TimeUnit.NANOSECONDS);
        pending.put(id, new Pending(callback, timeout));
        if (active) {
            write(request);
        } else {
            queued.add(request);
        }
    }

    private void write(ClientRequest request) {
        long id = request.requestId();
        Pending p = pending.get(id);
        if (p == null) {
            return; // timed out while queued
        }
        p.sent = true;
        channel.write(request).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                Throwable cause = ClientPipeline.writeFailure(f.cause());
                boolean fatal = cause instanceof ProtocolException || cause instanceof IllegalArgumentException;
                fail(id, new AttemptFailed("cannot send to " + address + ": " + cause.getMessage(), !fatal, fatal));
            }
        });
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(() -> {
                flushScheduled = false;
                channel.flush();
            });
        }
    }

    private void fail(long id, AttemptFailed failure) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.timeout.cancel(false);
            p.callback.accept(failure);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        while (!queued.isEmpty()) {
            write(queued.poll());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long id;
        if (msg instanceof ClientResponse r) {
            id = r.requestId();
        } else if (msg instanceof StatusResponse s) {
            id = s.requestId();
        } else {
            throw new ProtocolException("client: unexpected " + msg.getClass().getSimpleName() + " from " + address);
        }
        Pending p = pending.remove(id);
        if (p != null) { // else: a late reply to an attempt that timed out
            p.timeout.cancel(false);
            p.callback.accept(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeDown("connection to " + address + " lost");
        ctx.fireChannelInactive();
    }

    private void closeDown(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        active = false;
        closeReason = reason;
        queued.clear();
        onClose.accept(this);
        List<Long> ids = new ArrayList<>(pending.keySet());
        for (long id : ids) {
            Pending p = pending.get(id);
            fail(id, new AttemptFailed(reason, p.sent, false));
        }
    }
}
