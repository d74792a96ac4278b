package io.kontiki.raft.bench;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.LinkFaults;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * N RaftNodes on NettyTransports over 127.0.0.1, in this JVM, sharing one event-loop group
 * (owned by the caller). Each node keeps its loop, address and InMemoryStorage across a
 * crash and restart. Not thread-safe: one benchmark thread drives it.
 */
final class InProcessCluster implements AutoCloseable {

    static final String CLUSTER_ID = "bench";

    private final int n;
    private final RaftConfig baseConfig;
    private final double loss;
    private final long seed;
    private final EventLoop[] loops;
    private final InetSocketAddress[] addresses;
    private final InMemoryStorage[] storages;
    private final NettyTransport[] transports;
    private final RaftNode[] nodes;
    private final ExecutorService apply;
    private int restarts;

    InProcessCluster(EventLoopGroup group, int n, int heartbeatTicks, int electionTicks, double loss, long seed)
            throws IOException {
        this.n = n;
        List<Integer> voters = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            voters.add(i);
        }
        this.baseConfig = RaftConfig.builder(1, voters).tickMillis(BenchSettings.TICK_MILLIS)
                .heartbeatTicks(heartbeatTicks).electionTicks(electionTicks).noopOnElection(true).build();
        this.loss = loss;
        this.seed = seed;
        this.loops = new EventLoop[n];
        for (int i = 0; i < n; i++) {
            loops[i] = group.next();
        }
        this.addresses = freeLoopbackAddresses(n);
        this.storages = new InMemoryStorage[n];
        for (int i = 0; i < n; i++) {
            storages[i] = new InMemoryStorage();
        }
        this.transports = new NettyTransport[n];
        this.nodes = new RaftNode[n];
        this.apply = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-apply");
            t.setDaemon(true);
            return t;
        });
    }

    int size() {
        return n;
    }

    /** Starts every node (cold start): builds all transports and nodes, then binds and connects. */
    void startAll() {
        for (int i = 0; i < n; i++) {
            start(i);
        }
    }

    /** Starts (or restarts) node index {@code i} (id i+1) from its storage. */
    void start(int i) {
        int id = i + 1;
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        for (int j = 0; j < n; j++) {
            if (j != i) {
                peers.put(j + 1, addresses[j]);
            }
        }
        NettyTransport t = NettyTransport.builder(CLUSTER_ID, id).listen(addresses[i]).peers(peers)
                .eventLoop(loops[i]).reconnectBackoff(10, 100).faultSeed(seed * 1_000_003L + id * 7919L + restarts)
                .build();
        if (loss > 0) {
            t.faults().setDefaultFaults(LinkFaults.loss(loss));
        }
        RaftNode node = RaftNode.builder(baseConfig.withNodeId(id)).loop(EventLoops.asLoopExecutor(loops[i]))
                .transport(t).storage(storages[i]).stateMachine(e -> { }).applyExecutor(apply)
                .random(new Random(seed * 31 + id * 1009L + restarts * 65537L)).start();
        restarts++;
        transports[i] = t;
        nodes[i] = node;
        try {
            t.start(node::receive);
        } catch (RuntimeException e) {
            node.close();
            t.close();
            throw e;
        }
    }

    /** Crashes node index {@code i}: its RaftNode and its NettyTransport close at once. */
    void crash(int i) {
        RaftNode node = nodes[i];
        NettyTransport t = transports[i];
        if (node != null) {
            node.close();
        }
        if (t != null) {
            t.close();
        }
    }

    boolean isUp(int i) {
        return nodes[i] != null && !nodes[i].isClosed();
    }

    RaftNode node(int i) {
        return nodes[i];
    }

    NodeStatus status(int i) {
        return nodes[i].status();
    }

    /** The index of a live leader with the highest term, or -1. */
    int leader() {
        int best = -1;
        long bestTerm = -1;
        for (int i = 0; i < n; i++) {
            if (nodes[i] == null) {
                continue;
            }
            NodeStatus s = nodes[i].status();
            if (s.isLeader() && s.term() > bestTerm) {
                best = i;
                bestTerm = s.term();
            }
        }
        return best;
    }

    /** The index of a live leader with a term above {@code term}, or -1. */
    int leaderAbove(long term) {
        int l = leader();
        return l >= 0 && nodes[l].status().term() > term ? l : -1;
    }

    @Override
    public void close() {
        for (int i = 0; i < n; i++) {
            crash(i);
        }
        apply.shutdownNow();
    }

    /** Polls {@code condition} every {@code pollMicros} until it holds or {@code timeoutMillis} pass. */
    static boolean await(BooleanSupplier condition, long timeoutMillis, long pollMicros) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pollMicros * 1000L);
        }
    }

    static InetSocketAddress[] freeLoopbackAddresses(int n) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            InetSocketAddress[] out = new InetSocketAddress[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, loopback);
                out[i] = new InetSocketAddress(loopback, sockets[i].getLocalPort());
            }
            return out;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
