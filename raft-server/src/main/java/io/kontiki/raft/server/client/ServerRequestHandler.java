package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.ProtocolException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;

/**
 * The server end of one client connection: hands each {@link ClientRequest} to the
 * {@link KvService} and writes each response when its future completes, in completion order
 * (the request id pairs them). At most {@code maxInFlight} requests per connection wait for
 * their response; one more is answered at once with ERROR "too many requests in flight".
 *
 * <p>Everything here runs on the channel's event loop: completions from other threads hop onto
 * it. Responses are flushed once per loop turn. While the socket is not writable (the client
 * is not reading), the connection stops reading requests. Anything but a {@code ClientRequest}
 * from the client is a protocol error. One instance per channel.
 */
final class ServerRequestHandler extends ChannelInboundHandlerAdapter {

    static final String TOO_MANY = "too many requests in flight";

    private final KvService service;
    private final int maxInFlight;
    private ChannelHandlerContext ctx;
    private int inFlight;
    private boolean flushScheduled;

    ServerRequestHandler(KvService service, int maxInFlight) {
        this.service = service;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ClientRequest request)) {
            throw new ProtocolException("client port: unexpected " + msg.getClass().getSimpleName() + " from a client");
        }
        if (inFlight >= maxInFlight) {
            send(ClientResponse.error(request.requestId(), TOO_MANY + " (limit " + maxInFlight + ")"));
            return;
        }
        inFlight++;
        if (request.op() == ClientRequest.Op.STATUS) {
            Object reply;
            try {
                reply = service.status(request.requestId());
            } catch (RuntimeException e) {
                reply = ClientResponse.error(request.requestId(), "status failed: " + e);
            }
            complete(request, reply, null);
            return;
        }
        CompletableFuture<ClientResponse> future;
        try {
            future = request.op() == ClientRequest.Op.SNAPSHOT ? service.snapshot(request.requestId())
                    : service.execute(request);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        if (future == null) {
            future = CompletableFuture.failedFuture(new IllegalStateException("service returned no future"));
        }
        future.whenComplete((response, error) -> {
            if (ctx.executor().inEventLoop()) {
                complete(request, response, error);
            } else {
                ctx.executor().execute(() -> complete(request, response, error));
            }
        });
    }

    /** On the loop: one request is done; send its response. */
    private void complete(ClientRequest request, Object reply, Throwable error) {
        inFlight--;
        long id = request.requestId();
        Object response = reply;
        if (error != null || reply == null) {
            response = ClientResponse.error(id, "server fault: " + (error == null ? "no response" : error));
        } else if (reply instanceof ClientResponse r && r.requestId() != id
                || reply instanceof StatusResponse s && s.requestId() != id) {
            response = ClientResponse.error(id, "server fault: response for request " + id + " carries another id");
        }
        send(response);
    }

    private void send(Object response) {
        if (!ctx.channel().isActive()) {
            return;
        }
        long id = response instanceof ClientResponse r ? r.requestId() : ((StatusResponse) response).requestId();
        ctx.write(response).addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && f.channel().isActive() && !(response instanceof ClientResponse r
                    && r.status() == ClientResponse.Status.ERROR && r.message().startsWith("server fault"))) {
                // The response could not be encoded: tell the client rather than leave it waiting.
                send(ClientResponse.error(id, "server fault: response not encodable: "
                        + ClientPipeline.writeFailure(f.cause()).getMessage()));
            }
        });
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
