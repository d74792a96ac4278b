package io.kontiki.raft.bench;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftCore;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.RaftObserver;
import io.kontiki.raft.core.Role;
import io.kontiki.raft.core.Transport;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.FaultInjector;
import io.kontiki.raft.transport.netty.LinkFaults;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * N RaftNodes on NettyTransports over 127.0.0.1, in this JVM, sharing one event-loop group
 * (owned by the caller). Each node keeps its loop, address and InMemoryStorage across a
 * crash and restart, and the faults set with {@link #applyFaults}: a restarted node's new
 * transport gets them before it starts. Not thread-safe: one benchmark thread drives it.
 *
 * <p>Taps, for benchmarks of a running cluster (kept across restarts, readable from any
 * thread): the AppendEntries each core hands to its transport (before the transport's faults),
 * the AppendEntries each RaftNode is handed by its transport (after them), elections started
 * and leaderships won, and, through {@link #onAppendEntriesGap}, the time between consecutive
 * AppendEntries a node receives. The taps run on the nodes' loops and cost a few atomic
 * increments per message.
 */
final class InProcessCluster implements AutoCloseable {

    static final String CLUSTER_ID = "bench";

    private final int n;
    private final RaftConfig baseConfig;
    private final long seed;
    private final EventLoop[] loops;
    private final InetSocketAddress[] addresses;
    private final InMemoryStorage[] storages;
    private final NettyTransport[] transports;
    private final RaftNode[] nodes;
    private final ExecutorService apply;
    private int restarts;
    private LinkFaults linkFaults = LinkFaults.NONE;
    /** The directed links that drop everything, as {from index, to index}. */
    private List<int[]> cuts = List.of();
    private final AtomicLongArray appendEntriesSent;
    private final AtomicLongArray appendEntriesReceived;
    private final AtomicLongArray electionsStarted;
    private final AtomicLongArray leadershipsWon;
    /** Per node: System.nanoTime() of the last AppendEntries received, 0 if none since it last led. */
    private final AtomicLongArray lastAppendEntriesNanos;
    private volatile GapListener gapListener;

    /** Called on node {@code index}'s loop with the time since it last received an AppendEntries. */
    @FunctionalInterface
    interface GapListener {
        void onGap(int index, long nanos);
    }

    InProcessCluster(EventLoopGroup group, int n, int heartbeatTicks, int electionTicks, long seed) throws IOException {
        this.n = n;
        List<Integer> voters = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            voters.add(i);
        }
        this.baseConfig = RaftConfig.builder(1, voters).tickMillis(BenchSettings.TICK_MILLIS)
                .heartbeatTicks(heartbeatTicks).electionTicks(electionTicks).noopOnElection(true).build();
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
        this.appendEntriesSent = new AtomicLongArray(n);
        this.appendEntriesReceived = new AtomicLongArray(n);
        this.electionsStarted = new AtomicLongArray(n);
        this.leadershipsWon = new AtomicLongArray(n);
        this.lastAppendEntriesNanos = new AtomicLongArray(n);
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
        installFaults(i, t);
        RaftNode node = RaftNode.builder(baseConfig.withNodeId(id)).loop(EventLoops.asLoopExecutor(loops[i]))
                .transport(countingSends(i, t)).storage(storages[i]).stateMachine(e -> { }).applyExecutor(apply)
                .random(new Random(seed * 31 + id * 1009L + restarts * 65537L)).observer(roleTap(i)).start();
        restarts++;
        transports[i] = t;
        nodes[i] = node;
        try {
            t.start(m -> {
                if (m instanceof AppendEntries) {
                    onAppendEntriesReceived(i);
                }
                node.receive(m);
            });
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

    /** The transport as the core sees it: counts each AppendEntries, then hands it on. */
    private Transport countingSends(int i, Transport t) {
        return m -> {
            if (m instanceof AppendEntries) {
                appendEntriesSent.incrementAndGet(i);
            }
            t.send(m);
        };
    }

    /** Counts elections started (every move to candidate is a new term) and leaderships won. */
    private RaftObserver roleTap(int i) {
        return new RaftObserver() {
            @Override
            public void onRoleChange(RaftCore core, Role previousRole, long previousTerm, String cause) {
                if (core.role() == Role.CANDIDATE) {
                    electionsStarted.incrementAndGet(i);
                } else if (core.role() == Role.LEADER && previousRole != Role.LEADER) {
                    leadershipsWon.incrementAndGet(i);
                    lastAppendEntriesNanos.set(i, 0); // a leader hears no AppendEntries: its time as leader is no gap
                }
            }
        };
    }

    private void onAppendEntriesReceived(int i) {
        appendEntriesReceived.incrementAndGet(i);
        long now = System.nanoTime();
        long last = lastAppendEntriesNanos.getAndSet(i, now);
        GapListener l = gapListener;
        if (l != null && last != 0) {
            l.onGap(i, now - last);
        }
    }

    /** AppendEntries (heartbeats included) the cores of all nodes handed to their transports so far. */
    long appendEntriesSent() {
        return sum(appendEntriesSent);
    }

    /** AppendEntries the transports of all nodes handed to their RaftNodes so far. */
    long appendEntriesReceived() {
        return sum(appendEntriesReceived);
    }

    /** Moves to candidate (each one a new election term) across all nodes so far. */
    long electionsStarted() {
        return sum(electionsStarted);
    }

    /** Moves to leader across all nodes so far. */
    long leadershipsWon() {
        return sum(leadershipsWon);
    }

    /**
     * Sets (or, with null, removes) the listener of AppendEntries gaps: per node, the time
     * between two consecutive AppendEntries it receives, whatever its role in between, except
     * across a time as leader. Called on the node's loop: it must be cheap and thread-safe.
     */
    void onAppendEntriesGap(GapListener listener) {
        gapListener = listener;
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }

    /**
     * Sets the faults of every link, now and across restarts: each message is dropped with
     * probability {@code loss}, requests are delayed uniformly in [0, {@code delayJitterMillis}]
     * ms ({@link LinkFaults#withDelay}), and {@code oneWay} directed links, drawn from
     * {@code random}, drop everything. Replaces the faults set before.
     */
    void applyFaults(double loss, long delayJitterMillis, int oneWay, Random random) {
        linkFaults = LinkFaults.loss(loss).withDelay(0, delayJitterMillis);
        cuts = chooseCuts(n, oneWay, random);
        for (int i = 0; i < n; i++) {
            if (transports[i] != null) {
                installFaults(i, transports[i]);
            }
        }
    }

    /** {@code oneWay} of the n*(n-1) directed links, drawn from {@code random}, as {from index, to index}. */
    static List<int[]> chooseCuts(int n, int oneWay, Random random) {
        List<int[]> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    links.add(new int[] {i, j});
                }
            }
        }
        Collections.shuffle(links, random);
        return List.copyOf(links.subList(0, Math.min(oneWay, links.size())));
    }

    /** The directed links cut by {@link #applyFaults}, as {from index, to index}. */
    List<int[]> cutLinks() {
        return cuts;
    }

    private void installFaults(int i, NettyTransport t) {
        FaultInjector f = t.faults();
        f.clear();
        f.setDefaultFaults(linkFaults);
        for (int[] c : cuts) {
            if (c[0] == i) {
                f.cutOutbound(c[1] + 1, true);
            }
        }
    }

    /** Node index {@code i}'s current transport (a new one after each restart), or null before its first start. */
    NettyTransport transport(int i) {
        return transports[i];
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

    /**
     * How many nodes (the leader among them) are in the current leader's term, follow it, and
     * have a commit index at most {@code maxCommitLag} behind its; 0 without a leader.
     */
    int followingLeader(long maxCommitLag) {
        int l = leader();
        if (l < 0) {
            return 0;
        }
        NodeStatus ls = status(l);
        int following = 0;
        for (int i = 0; i < n; i++) {
            NodeStatus st = status(i);
            boolean caughtUp = st.commitIndex() >= ls.commitIndex() - maxCommitLag;
            if (st.term() == ls.term() && st.leaderId() == ls.id() && caughtUp) {
                following++;
            }
        }
        return following;
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

    /** One event-loop group for the in-process benchmarks: a loop per node of the largest cluster swept. */
    static EventLoopGroup newLoopGroup(BenchSettings s) {
        return EventLoops.newGroup(s.nodes.stream().mapToInt(Integer::intValue).max().orElse(3), "bench-loop");
    }

    /** Shuts a benchmark's group down, waiting (bounded) for its loops to end. */
    static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
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
