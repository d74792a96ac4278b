package io.kontiki.raft.transport.netty;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NettyTransport}. Updated on its event loop, readable from any thread.
 */
public final class TransportStats {

    final LongAdder requestsSent = new LongAdder();
    final LongAdder responsesSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder droppedNotConnected = new LongAdder();
    final LongAdder droppedBackpressure = new LongAdder();
    final LongAdder droppedByFaults = new LongAdder();
    final LongAdder requestsReceived = new LongAdder();
    final LongAdder responsesReceived = new LongAdder();
    final LongAdder droppedInbound = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    final LongAdder connectsFailed = new LongAdder();
    final LongAdder connectionsEstablished = new LongAdder();

    /** Requests (RequestVote, AppendEntries, InstallSnapshot) handed to {@code send}, whatever became of them. */
    public long requestsSent() {
        return requestsSent.sum();
    }

    public long responsesSent() {
        return responsesSent.sum();
    }

    /** Bytes written to sockets, frame headers included. */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Messages dropped because the peer had no ready connection. */
    public long droppedNotConnected() {
        return droppedNotConnected.sum();
    }

    /** Messages dropped because the peer's outbound buffer was full (slow or stuck peer). */
    public long droppedBackpressure() {
        return droppedBackpressure.sum();
    }

    /** Messages dropped by the fault injector, outbound or inbound. */
    public long droppedByFaults() {
        return droppedByFaults.sum();
    }

    /** Requests received from peers and handed to the node. */
    public long requestsReceived() {
        return requestsReceived.sum();
    }

    public long responsesReceived() {
        return responsesReceived.sum();
    }

    /** Connections this node refused at the handshake (wrong cluster, unknown node, version). */
    public long handshakesRefused() {
        return handshakesRefused.sum();
    }

    public long connectsFailed() {
        return connectsFailed.sum();
    }

    /** Outbound connections that completed their handshake. */
    public long connectionsEstablished() {
        return connectionsEstablished.sum();
    }

    @Override
    public String toString() {
        return "sent " + requestsSent() + " requests, " + responsesSent() + " responses, " + bytesSent()
                + " bytes; dropped " + droppedNotConnected() + " unconnected, " + droppedBackpressure()
                + " backpressure, " + droppedByFaults() + " by faults; received " + requestsReceived()
                + " requests, " + responsesReceived() + " responses";
    }
}
