package io.kontiki.raft.testkit;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.Transport;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of real {@link RaftNode}s on virtual time: the deterministic backend of the lab
 * harness.
 *
 * <p>Everything runs on one {@link VirtualScheduler}: each node incarnation has its own
 * {@link VirtualLoopExecutor} (its loop and its apply executor), messages travel through a
 * {@link SimulatedNetwork}, and the scenario's threads are {@link SimThreads} (the thread that
 * creates the cluster is the main one). Every node shares one {@link SafetyChecker}, which also
 * wraps each incarnation's state machine, and one {@link Trace}.
 *
 * <p><b>Randomness.</b> One seed determines the run. It is split into independent streams: one
 * for the network's fates, one for the scenario ({@link #random()}), and a fresh one for every
 * node incarnation, derived from (seed, server, incarnation number). Same seed, same run, bit
 * for bit — the trace {@linkplain Trace#fingerprint() fingerprint} proves it.
 *
 * <p><b>Persistence.</b> Even seeds persist synchronously on the node's loop; odd seeds hand
 * each Ready to a storage executor whose sync takes 1 ms of virtual time, as a server does with
 * its fsync thread — so both of {@code RaftNode}'s paths run under every scenario, and a crash
 * can fall between a Ready and its sync (the unsynced state is then lost, as on a real disk).
 *
 * <p><b>Crash and restart</b> follow the lab (§4.4–4.5): {@link #crash} disconnects the server,
 * detaches it from the network, shuts its loop down (every pending task becomes a no-op),
 * closes the node and replaces the saved storage by a copy; {@link #start} crashes first, then
 * builds a new incarnation on a copy of the saved storage, attached but not connected.
 *
 * <p><b>Threads:</b> only the sim thread holding the baton may call it (see {@link SimThreads}).
 */
public final class SimulatedCluster extends NetworkedLabCluster {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

    private final long seed;
    private final int n;
    private final List<Integer> voters;
    private final LabApplier applier;
    private final VirtualScheduler scheduler;
    private final SimThreads threads;
    private final SafetyChecker checker;
    private final Random scenarioRandom;
    private final RaftNode[] nodes;
    private final VirtualLoopExecutor[] loops;
    private String summary;
    private boolean closed;
    private UnaryOperator<RaftConfig> config = UnaryOperator.identity();
    /** Odd seeds persist through a storage executor whose sync takes {@value #STORAGE_SYNC_MILLIS} ms. */
    private final boolean asyncStorage;
    static final long STORAGE_SYNC_MILLIS = 1;

    /**
     * A cluster of {@code servers} servers, none started, on a network that is unreliable if
     * {@code unreliable}, whose virtual time may not pass {@code timeLimitMillis}.
     */
    public SimulatedCluster(long seed, int servers, boolean unreliable, LabApplier applier,
                            long timeLimitMillis, int traceLines) {
        this(seed, servers, unreliable, applier, new VirtualScheduler(timeLimitMillis), traceLines);
    }

    private SimulatedCluster(long seed, int servers, boolean unreliable, LabApplier applier,
                             VirtualScheduler scheduler, int traceLines) {
        this(seed, servers, unreliable, applier, scheduler, new Trace(scheduler::now, traceLines));
    }

    private SimulatedCluster(long seed, int servers, boolean unreliable, LabApplier applier,
                             VirtualScheduler scheduler, Trace trace) {
        super(new SimulatedNetwork(scheduler, servers, new Random(mix(seed, 0x6e6574L, 0)), trace), trace);
        this.seed = seed;
        this.n = servers;
        this.voters = IntStream.range(0, servers).boxed().toList();
        this.applier = applier;
        this.scheduler = scheduler;
        this.asyncStorage = (seed & 1) == 1;
        this.threads = new SimThreads(scheduler, "sim-seed" + seed);
        this.checker = new SafetyChecker(trace, threads::fail);
        this.scenarioRandom = new Random(mix(seed, 0x7363656eL, 0));
        this.nodes = new RaftNode[servers];
        this.loops = new VirtualLoopExecutor[servers];
        network.setReliable(!unreliable);
    }

    /** A factory for {@link LabHarness#make}, with the lab's 120 s limit and the configured trace size. */
    public static LabClusterFactory factory(long seed) {
        return factory(seed, UnaryOperator.identity());
    }

    /**
     * Like {@link #factory(long)}, with each node's configuration ({@code RaftConfig.lab}) passed
     * through {@code config} first (scenarios beyond the lab change, say, the snapshot chunk size).
     */
    public static LabClusterFactory factory(long seed, UnaryOperator<RaftConfig> config) {
        return (servers, unreliable, applier) -> {
            SimulatedCluster c = new SimulatedCluster(seed, servers, unreliable, applier,
                    VirtualScheduler.DEFAULT_TIME_LIMIT_MILLIS, Trace.configuredCapacity());
            c.config = config;
            return c;
        };
    }

    /** Server {@code i}'s storage as of its latest incarnation (null before its first start). */
    public InMemoryStorage storage(int server) {
        return saved[server];
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

    // ---- time and threads ---------------------------------------------------------------------

    @Override
    public long nowMillis() {
        return scheduler.now();
    }

    @Override
    public void sleep(long millis) {
        threads.sleep(millis);
    }

    @Override
    public LabThread spawn(String name, Runnable body) {
        return threads.spawn(name, body)::join;
    }

    // ---- servers --------------------------------------------------------------------------------

    @Override
    public void start(int server) {
        crash(server);
        InMemoryStorage storage = saved[server] == null ? new InMemoryStorage() : saved[server].copy();
        saved[server] = storage;
        VirtualLoopExecutor loop = new VirtualLoopExecutor(scheduler);
        RaftNode[] self = new RaftNode[1];
        applier.started(server);
        Transport transport = network.attach(server, m -> self[0].receive(m));
        int incarnation = network.incarnation(server);
        self[0] = RaftNode.builder(config.apply(RaftConfig.lab(server, voters)))
                .loop(loop)
                .transport(transport)
                .storage(storage)
                .stateMachine(checker.checkedStateMachine(server, incarnation, applier.asStateMachine(server,
                        (index, term, data) -> self[0].snapshot(index, term, out -> out.write(data)), t -> { })))
                .applyExecutor(loop)
                .storageExecutor(asyncStorage ? task -> loop.schedule(task, STORAGE_SYNC_MILLIS) : null)
                .random(new Random(mix(seed, server, incarnation)))
                .observer(checker)
                .start();
        nodes[server] = self[0];
        loops[server] = loop;
        trace.event("start " + server + " (incarnation " + incarnation + ": term "
                + storage.hardState().term() + ", " + storage.lastIndex() + " entries)");
    }

    @Override
    public void crash(int server) {
        network.disconnect(server);
        network.detach(server);
        RaftNode node = nodes[server];
        if (node != null) {
            loops[server].shutDown();
            node.close();
            nodes[server] = null;
            loops[server] = null;
            trace.event("crash " + server);
        }
        if (saved[server] != null) {
            saved[server] = saved[server].copy();
        }
    }

    @Override
    public boolean isRunning(int server) {
        return nodes[server] != null;
    }

    @Override
    public NodeStatus status(int server) {
        RaftNode node = nodes[server];
        return node == null ? null : node.status();
    }

    @Override
    public ProposeResult propose(int server, byte[] command) {
        RaftNode node = nodes[server];
        if (node == null) {
            return ProposeResult.rejected(-1, RaftConfig.NO_NODE);
        }
        return traced(server, command, node.propose(command));
    }

    // ---- reporting -----------------------------------------------------------------------------

    @Override
    public void report(String summaryLine) {
        summary = summaryLine;
        trace.event("end: passed");
        LOG.info(summaryLine);
    }

    /** The summary line of the passed test, or null. */
    public String summary() {
        return summary;
    }

    public VirtualScheduler scheduler() {
        return scheduler;
    }

    public SimThreads threads() {
        return threads;
    }

    /** Ends the run: parked scenario threads unwind, every node stops. Idempotent; never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        threads.close();
        for (int i = 0; i < n; i++) {
            if (nodes[i] != null) {
                loops[i].shutDown();
                nodes[i].close();
                nodes[i] = null;
            }
        }
    }

    /** Derives an independent seed for one random stream (SplitMix64's finalizer over the inputs). */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + b;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
