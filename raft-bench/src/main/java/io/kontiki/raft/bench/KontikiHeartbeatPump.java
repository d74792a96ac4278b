package io.kontiki.raft.bench;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.kontiki.raft.transport.netty.TransportStats;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The kontiki series of {@link HeartbeatThroughputBenchmark} (core + Kryo + Netty).
 *
 * <p>Kontiki: driver A on loop A, RaftNode follower B on loop B, a NettyTransport each. Without
 * the core (the breakdown's diagnostic series), B's inbound consumer answers each
 * AppendEntries with an AppendEntriesResponse itself: the transports and Kryo, no RaftNode.
 */
final class KontikiHeartbeatPump extends Pump.Window implements Pump {
    private static final String CLUSTER = "bench";

    private final EventLoop loopA;
    private final NettyTransport transportA;
    private final NettyTransport transportB;
    private final RaftNode nodeB;
    private final ExecutorService applyB;
    private final ScheduledFuture<?> watchdog;
    private volatile long rejected;

    KontikiHeartbeatPump(EventLoop loopA, EventLoop loopB, int inflight, boolean withCore) throws Exception {
        super(inflight);
        this.loopA = loopA;
        InetSocketAddress[] addr = InProcessCluster.freeLoopbackAddresses(2);
        transportB = NettyTransport.builder(CLUSTER, BenchMessages.FOLLOWER).listen(addr[1])
                .peer(BenchMessages.LEADER, addr[0]).eventLoop(loopB).reconnectBackoff(10, 200).build();
        transportA = NettyTransport.builder(CLUSTER, BenchMessages.LEADER).listen(addr[0])
                .peer(BenchMessages.FOLLOWER, addr[1]).eventLoop(loopA).reconnectBackoff(10, 200).build();
        applyB = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-apply");
            t.setDaemon(true);
            return t;
        });
        RaftConfig config = RaftConfig.builder(BenchMessages.FOLLOWER,
                        List.of(BenchMessages.LEADER, BenchMessages.FOLLOWER))
                .tickMillis(10).heartbeatTicks(5)
                .electionTicks(1_000_000) // 10,000 s or more: B never campaigns during the run
                .noopOnElection(false).build();
        nodeB = withCore ? RaftNode.builder(config).loop(EventLoops.asLoopExecutor(loopB)).transport(transportB)
                .storage(new InMemoryStorage()).stateMachine(e -> { }).applyExecutor(applyB)
                .random(new Random(2)).start() : null;
        try {
            transportB.start(withCore ? nodeB::receive : this::answer);
            transportA.start(this::onMessage);
            ThroughputMeasurement.awaitTrue(() -> transportA.isConnectedTo(BenchMessages.FOLLOWER)
                            && transportB.isConnectedTo(BenchMessages.LEADER),
                    CONNECT_TIMEOUT_MILLIS, "the two transports to connect");
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        watchdog = loopA.scheduleAtFixedRate(this::watchdog, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** B's inbound consumer without the core, on loop B: what the follower would answer. */
    private void answer(RaftMessage m) {
        if (m instanceof io.kontiki.raft.core.message.AppendEntries ae) {
            transportB.send(AppendEntriesResponse.accept(ae.to(), ae.from(), ae.term(),
                    ae.prevLogIndex() + ae.entries().size()));
        }
    }

    /** A's inbound consumer, on loop A. */
    private void onMessage(RaftMessage m) {
        if (m instanceof AppendEntriesResponse r) {
            if (!r.success()) {
                rejected++;
            }
            onResponse();
        }
    }

    @Override
    void sendOne() {
        transportA.send(BenchMessages.heartbeat());
    }

    @Override
    public EventLoop loop() {
        return loopA;
    }

    @Override
    public String notes() {
        TransportStats a = transportA.stats();
        TransportStats b = transportB.stats();
        String node = "B answers without the core";
        if (nodeB != null) {
            NodeStatus status = nodeB.status();
            node = "B stayed " + status.role() + " in term " + status.term();
        }
        return String.format(Locale.ROOT,
                "%s; outbound connections made A %d, B %d (1 each unless one "
                        + "was lost); dropped A %d (not connected) + %d (backpressure), B %d + %d; "
                        + "rejected responses %d",
                node, a.connectionsEstablished(), b.connectionsEstablished(),
                a.droppedNotConnected(), a.droppedBackpressure(), b.droppedNotConnected(),
                b.droppedBackpressure(), rejected);
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (nodeB != null) {
            nodeB.close();
        }
        transportA.close();
        transportB.close();
        applyB.shutdownNow();
    }
}
