package io.kontiki.raft.testkit;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.LoopExecutors;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.Transport;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of {@link RaftNode}s on real threads and real time: the lab harness's second
 * backend, so that the driver's hand-offs (inputs onto the loop, proposals from other threads,
 * applies off the loop) run under real concurrency.
 *
 * <p>Each node incarnation gets its own event-loop thread ({@link LoopExecutors#newSingleThread}),
 * its own apply thread and its own storage thread (persisting off the loop, as a server does). Messages travel through the same {@link SimulatedNetwork} as in
 * the simulator — the lab's fault model — with delays on a real scheduled executor. Scenario
 * threads are plain threads. The run is not deterministic (the seed fixes the random choices,
 * not the thread interleavings); failures still print the seed and the trace.
 *
 * <p>A safety violation or an apply error on a node's thread is recorded and thrown from the
 * scenario's next call into the cluster, so it fails the test even though it happened elsewhere.
 *
 * <p><b>Threads:</b> every method is thread-safe. {@link #sleep} blocks: it is the lab's
 * scenario pause (the passing of time is the point), not a synchronisation wait.
 */
public final class RealTimeCluster extends NetworkedLabCluster implements RealTimeLabCluster {

    private static final Logger LOG = LoggerFactory.getLogger(RealTimeCluster.class);

    private final long seed;
    private final int n;
    private final List<Integer> voters;
    private final LabApplier applier;
    private final RealTime time;
    private final ScheduledThreadPoolExecutor timer;
    private final SafetyChecker checker;
    private final Random scenarioRandom;
    private final Incarnation[] running;
    private volatile String summary;
    private boolean closed;

    /** One live node with the threads it owns. */
    private record Incarnation(RaftNode node, LoopExecutors.OwnedLoop loop, ExecutorService applyThread,
                               ExecutorService storageThread) {
        void stop() {
            node.close();
            loop.shutdown();
            applyThread.shutdownNow();
            storageThread.shutdownNow();
        }
    }

    public RealTimeCluster(long seed, int servers, boolean unreliable, LabApplier applier) {
        this(seed, servers, unreliable, applier, new RealTime("seed" + seed, Trace.configuredCapacity()),
                newTimer(seed));
    }

    private RealTimeCluster(long seed, int servers, boolean unreliable, LabApplier applier, RealTime time,
                            ScheduledThreadPoolExecutor timer) {
        super(new SimulatedNetwork(realClock(time, timer), servers,
                new Random(SimulatedCluster.mix(seed, 0x6e6574L, 0)), time.trace()), time.trace());
        this.seed = seed;
        this.n = servers;
        this.voters = IntStream.range(0, servers).boxed().toList();
        this.applier = applier;
        this.time = time;
        this.timer = timer;
        this.checker = new SafetyChecker(trace, this::recordFailure);
        this.scenarioRandom = new Random(SimulatedCluster.mix(seed, 0x7363656eL, 0));
        this.running = new Incarnation[servers];
        network.setReliable(!unreliable);
    }

    private static ScheduledThreadPoolExecutor newTimer(long seed) {
        return new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lab-network-seed" + seed);
            t.setDaemon(true);
            return t;
        });
    }

    /** A factory for {@link LabHarness#make}. */
    public static LabClusterFactory factory(long seed) {
        return (servers, unreliable, applier) -> new RealTimeCluster(seed, servers, unreliable, applier);
    }

    private static NetworkClock realClock(RealTime time, ScheduledThreadPoolExecutor timer) {
        return new NetworkClock() {
            @Override
            public long now() {
                return time.nowMillis();
            }

            @Override
            public void after(long delayMillis, Runnable action) {
                try {
                    timer.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    // The cluster closed: the message is lost with everything else.
                }
            }
        };
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

    // ---- servers --------------------------------------------------------------------------------

    @Override
    public synchronized void start(int server) {
        crash(server);
        InMemoryStorage storage = saved[server] == null ? new InMemoryStorage() : saved[server].copy();
        saved[server] = storage;
        AtomicReference<RaftNode> self = new AtomicReference<>();
        applier.started(server);
        Transport transport = network.attach(server, m -> {
            RaftNode node = self.get();
            if (node != null) {
                node.receive(m);
            }
        });
        int incarnation = network.incarnation(server);
        LoopExecutors.OwnedLoop loop = LoopExecutors.newSingleThread("raft-" + server + "." + incarnation);
        ExecutorService applyThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "apply-" + server + "." + incarnation);
            t.setDaemon(true);
            return t;
        });
        ExecutorService storageThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "storage-" + server + "." + incarnation);
            t.setDaemon(true);
            return t;
        });
        RaftNode node = RaftNode.builder(RaftConfig.lab(server, voters))
                .loop(loop.loop())
                .transport(transport)
                .storage(storage)
                .stateMachine(checker.checkedStateMachine(server, incarnation,
                        applier.asStateMachine(server,
                                (index, term, data) -> self.get().snapshot(index, term, out -> out.write(data)),
                                this::recordFailure)))
                .applyExecutor(applyThread)
                .storageExecutor(storageThread)
                .random(new Random(SimulatedCluster.mix(seed, server, incarnation)))
                .observer(checker)
                .start();
        self.set(node);
        running[server] = new Incarnation(node, loop, applyThread, storageThread);
        trace.event("start " + server + " (incarnation " + incarnation + ")");
    }

    @Override
    public synchronized void crash(int server) {
        network.disconnect(server);
        network.detach(server);
        Incarnation inc = running[server];
        if (inc != null) {
            inc.stop();
            running[server] = null;
            trace.event("crash " + server);
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
        rethrowFailure();
        Incarnation inc;
        synchronized (this) {
            inc = running[server];
        }
        return inc == null ? null : inc.node().status();
    }

    @Override
    public ProposeResult propose(int server, byte[] command) {
        rethrowFailure();
        Incarnation inc;
        synchronized (this) {
            inc = running[server];
        }
        if (inc == null) {
            return ProposeResult.rejected(-1, RaftConfig.NO_NODE);
        }
        return traced(server, command, inc.node().propose(command)); // hops onto the node's loop and back
    }

    // ---- reporting -----------------------------------------------------------------------------

    @Override
    public void report(String summaryLine) {
        summary = summaryLine + "  (real time)";
        trace.event("end: passed");
        LOG.info(summary);
    }

    public String summary() {
        return summary;
    }

    /** The first failure recorded on any thread, or null. */
    public Throwable failure() {
        return time.failure();
    }

    /** Stops every node and the network's timer. Idempotent; never throws. */
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
        timer.shutdownNow();
    }

    private void recordFailure(Throwable t) {
        time.recordFailure(t);
    }

    private void rethrowFailure() {
        time.rethrowFailure();
    }
}
