package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.testkit.LabApplier;
import io.kontiki.raft.testkit.LabClusterFactory;
import io.kontiki.raft.testkit.RealTime;
import io.kontiki.raft.testkit.RealTimeLabCluster;
import io.kontiki.raft.testkit.SafetyChecker;
import io.kontiki.raft.testkit.Trace;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab harness's backend on real sockets: every server is a {@link RaftNode} on a
 * {@link NettyTransport} listening on 127.0.0.1, all sharing one {@code EventLoopGroup}, each
 * node's Raft loop being its channels' loop. The lab's network model is played by the
 * transports' fault injectors: a disconnected server's links are cut (outbound, on every side),
 * an unreliable network is {@link LinkFaults#LAB_UNRELIABLE} on every link, long reordering
 * the lab's response delays. A crash closes the node and its channels; a restart binds the same
 * port again and loads a copy of the saved storage.
 *
 * <p>RPC counts are requests handed to the transports (as the lab counts calls), bytes are
 * bytes written to sockets, a server's count is the requests its current incarnation received.
 */
final class NettyLabCluster implements RealTimeLabCluster {

    private static final Logger LOG = LoggerFactory.getLogger(NettyLabCluster.class);

    private final long seed;
    private final int n;
    private final List<Integer> voters;
    private final LabApplier applier;
    private final RealTime time;
    private final SafetyChecker checker;
    private final Random scenarioRandom;
    private final EventLoopGroup group;
    private final int[] ports;
    private final Incarnation[] running;
    private final InMemoryStorage[] saved;
    private final int[] incarnations;
    private final boolean[] connected;
    private boolean reliable;
    private boolean longReordering;
    private long closedRequests;
    private long closedBytes;
    private boolean closed;

    private record Incarnation(RaftNode node, NettyTransport transport, ExecutorService applyThread) {
        void stop() {
            node.close();
            transport.close();
            applyThread.shutdownNow();
        }
    }

    NettyLabCluster(long seed, int servers, boolean unreliable, LabApplier applier) {
        this.seed = seed;
        this.n = servers;
        this.voters = IntStream.range(0, servers).boxed().toList();
        this.applier = applier;
        this.time = new RealTime("netty-seed" + seed, Trace.configuredCapacity());
        this.checker = new SafetyChecker(time.trace(), time::recordFailure);
        this.scenarioRandom = new Random(seed * 31 + 7);
        this.group = EventLoops.newGroup(2, "lab-netty-seed" + seed);
        this.ports = freePorts(servers);
        this.running = new Incarnation[servers];
        this.saved = new InMemoryStorage[servers];
        this.incarnations = new int[servers];
        this.connected = new boolean[servers];
        this.reliable = !unreliable;
    }

    static LabClusterFactory factory(long seed) {
        return (servers, unreliable, applier) -> new NettyLabCluster(seed, servers, unreliable, applier);
    }

    private static int[] freePorts(int count) {
        return TestPorts.loopbackAddresses(IntStream.range(0, count).toArray()).values().stream()
                .mapToInt(InetSocketAddress::getPort).toArray();
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public RealTime time() {
        return time;
    }

    @Override
    public int servers() {
        return n;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Random random() {
        return scenarioRandom;
    }

    @Override
    public synchronized void start(int server) {
        crash(server);
        InMemoryStorage storage = saved[server] == null ? new InMemoryStorage() : saved[server].copy();
        saved[server] = storage;
        int inc = ++incarnations[server];
        applier.started(server);
        java.util.concurrent.atomic.AtomicReference<RaftNode> self = new java.util.concurrent.atomic.AtomicReference<>();
        EventLoop loop = group.next();
        NettyTransport.Builder tb = NettyTransport.builder("lab-" + seed, server)
                .listen(address(ports[server]))
                .eventLoop(loop)
                .reconnectBackoff(10, 200)
                .liveness(500, 3_000)
                .faultSeed(seed * 1_000_003L + server * 101L + inc);
        for (int j = 0; j < n; j++) {
            if (j != server) {
                tb.peer(j, address(ports[j]));
            }
        }
        NettyTransport transport = tb.build();
        ExecutorService applyThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "apply-" + server + "." + inc);
            t.setDaemon(true);
            return t;
        });
        RaftNode node = RaftNode.builder(RaftConfig.lab(server, voters))
                .loop(EventLoops.asLoopExecutor(loop))
                .transport(transport)
                .storage(storage)
                .stateMachine(checker.checkedStateMachine(server, inc, applier.asStateMachine(server,
                        (index, term, data) -> self.get().snapshot(index, term, out -> out.write(data)),
                        time::recordFailure)))
                .applyExecutor(applyThread)
                .random(new Random(seed * 7919L + server * 31L + inc))
                .observer(checker)
                .start();
        self.set(node);
        running[server] = new Incarnation(node, transport, applyThread);
        applyFaults(server);
        transport.start(node::receive);
        time.trace().event("start " + server + " (incarnation " + inc + ") on port " + ports[server]);
    }

    @Override
    public synchronized void crash(int server) {
        disconnect(server);
        Incarnation inc = running[server];
        if (inc != null) {
            inc.stop();
            closedRequests += inc.transport().stats().requestsSent();
            closedBytes += inc.transport().stats().bytesSent();
            running[server] = null;
            time.trace().event("crash " + server);
        }
        if (saved[server] != null) {
            saved[server] = saved[server].copy();
        }
    }

    @Override
    public synchronized boolean isRunning(int server) {
        return running[server] != null;
    }

    @Override
    public NodeStatus status(int server) {
        time.rethrowFailure();
        Incarnation inc;
        synchronized (this) {
            inc = running[server];
        }
        return inc == null ? null : inc.node().status();
    }

    @Override
    public ProposeResult propose(int server, byte[] command) {
        time.rethrowFailure();
        Incarnation inc;
        synchronized (this) {
            inc = running[server];
        }
        return inc == null ? ProposeResult.rejected(-1, RaftConfig.NO_NODE) : inc.node().propose(command);
    }

    @Override
    public synchronized void connect(int server) {
        connected[server] = true;
        refreshAllFaults();
        time.trace().event("connect " + server);
    }

    @Override
    public synchronized void disconnect(int server) {
        connected[server] = false;
        refreshAllFaults();
        time.trace().event("disconnect " + server);
    }

    @Override
    public synchronized boolean isConnected(int server) {
        return connected[server];
    }

    @Override
    public synchronized void setReliable(boolean reliable) {
        this.reliable = reliable;
        refreshAllFaults();
    }

    @Override
    public synchronized void setLongReordering(boolean on) {
        this.longReordering = on;
        refreshAllFaults();
    }

    private void refreshAllFaults() {
        for (int i = 0; i < n; i++) {
            applyFaults(i);
        }
    }

    /** The lab's partition and reliability model, as outbound rules on server {@code i}'s links. */
    private void applyFaults(int i) {
        Incarnation inc = running[i];
        if (inc == null) {
            return;
        }
        LinkFaults base = (reliable ? LinkFaults.NONE : LinkFaults.LAB_UNRELIABLE).withLongReordering(longReordering);
        FaultInjector faults = inc.transport().faults();
        for (int j = 0; j < n; j++) {
            if (j != i) {
                faults.setLinkFaults(j, base.withCut(!(connected[i] && connected[j])));
            }
        }
    }

    @Override
    public synchronized long rpcTotal() {
        long total = closedRequests;
        for (Incarnation inc : running) {
            if (inc != null) {
                total += inc.transport().stats().requestsSent();
            }
        }
        return total;
    }

    @Override
    public synchronized long bytesTotal() {
        long total = closedBytes;
        for (Incarnation inc : running) {
            if (inc != null) {
                total += inc.transport().stats().bytesSent();
            }
        }
        return total;
    }

    @Override
    public synchronized long rpcCount(int server) {
        Incarnation inc = running[server];
        return inc == null ? 0 : inc.transport().stats().requestsReceived();
    }

    @Override
    public synchronized long logSize() {
        long max = 0;
        for (InMemoryStorage s : saved) {
            if (s != null) {
                max = Math.max(max, s.sizeInBytes());
            }
        }
        return max;
    }

    @Override
    public void note(String event) {
        time.trace().event(event);
    }

    @Override
    public Trace trace() {
        return time.trace();
    }

    @Override
    public void report(String summaryLine) {
        LOG.info("{}  (netty, 127.0.0.1)", summaryLine);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < n; i++) {
            if (running[i] != null) {
                running[i].stop();
                running[i] = null;
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
