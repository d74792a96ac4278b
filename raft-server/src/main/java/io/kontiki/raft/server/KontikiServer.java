package io.kontiki.raft.server;

import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftCore;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.RaftObserver;
import io.kontiki.raft.core.Role;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.server.client.ClientRequest;
import io.kontiki.raft.server.client.ClientResponse;
import io.kontiki.raft.server.client.ClientServer;
import io.kontiki.raft.server.client.KvMapping;
import io.kontiki.raft.server.client.KvService;
import io.kontiki.raft.server.client.StatusResponse;
import io.kontiki.raft.server.kv.KvResult;
import io.kontiki.raft.server.kv.KvStateMachine;
import io.kontiki.raft.server.storage.DurableStorage;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.FaultInjector;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kontiki server: a Raft node on the Netty transport, durable storage with its fsync off
 * the event loop, the replicated key-value store, and the client port.
 *
 * <p>A write is proposed on the leader and answered when this node applies the entry at the
 * index the proposal got: OK with the result if the entry there is ours (same term), "unknown
 * outcome" if another entry took the index or leadership was lost first — never a false
 * "failed": the client retries with the same sequence number and the session table applies it
 * at most once. Reads go through the log too (linearizable). A follower answers NOT_LEADER with
 * the leader's id as a hint.
 *
 * <p><b>Threads:</b> Raft and peer channels on one event loop; storage (fsync) on its own
 * thread; the state machine on the apply thread; clients on their own event loops.
 */
public final class KontikiServer implements KvService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KontikiServer.class);
    /** A write not applied within this long is answered "unknown outcome". */
    private static final long WRITE_TIMEOUT_MILLIS = 5_000;

    private final ServerConfig config;
    private final DurableStorage storage;
    private final EventLoopGroup raftGroup;
    private final EventLoopGroup clientGroup;
    private final ExecutorService storageThread;
    private final ExecutorService applyThread;
    /** Writes the store's snapshots and reads the chunks this node sends as leader. */
    private final ExecutorService snapshotThread;
    private final KvStateMachine kv;
    private final NettyTransport transport;
    private final RaftNode node;
    private final ClientServer clientServer;
    private final EventLoop loop;
    /** Proposals waiting for their index to be applied, by index. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile long lastLeaderContactNanos = System.nanoTime();
    private volatile boolean closed;

    private record Pending(long term, long requestId, CompletableFuture<ClientResponse> future) {
    }

    private KontikiServer(ServerConfig config, long faultSeed, List<AutoCloseable> opened) {
        this.config = config;
        this.storage = DurableStorage.open(config.dataDir(), config.clusterId(), config.nodeId(),
                DurableStorage.Options.defaults().withFsync(config.fsync())
                        .withSegmentBytes(config.snapshots().segmentBytes()));
        opened.add(storage);
        if (!config.fsync()) {
            LOG.warn("node {}: fsync is OFF: acknowledged writes can be lost on power failure; use this for benchmarks only",
                    config.nodeId());
        }
        this.raftGroup = EventLoops.newGroup(1, "raft-" + config.nodeId());
        opened.add(() -> raftGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        this.clientGroup = EventLoops.newGroup(1, "client-" + config.nodeId());
        opened.add(() -> clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        this.loop = raftGroup.next();
        this.storageThread = singleThread("storage-" + config.nodeId());
        opened.add(storageThread::shutdownNow);
        this.applyThread = singleThread("apply-" + config.nodeId());
        opened.add(applyThread::shutdownNow);
        this.snapshotThread = singleThread("snapshot-" + config.nodeId());
        opened.add(snapshotThread::shutdownNow);
        this.kv = new KvStateMachine(this::applied);
        Map<Integer, InetSocketAddress> others = new TreeMap<>(config.peers());
        others.remove(config.nodeId());
        this.transport = NettyTransport.builder(config.clusterId(), config.nodeId())
                .listen(config.raftAddress()).peers(others).eventLoop(loop)
                // Reconnect well within an election timeout, or a restarted peer hears no
                // leader, campaigns, and (without pre-vote) deposes it.
                .reconnectBackoff(Math.max(10, config.tickMillis()), Math.max(20, config.electionMillis() / 2))
                .faultSeed(faultSeed)
                .build();
        opened.add(transport);
        SnapshotPolicy snapshots = config.snapshots();
        RaftConfig raftConfig = RaftConfig.builder(config.nodeId(), List.copyOf(config.peers().keySet()))
                .tickMillis(config.tickMillis())
                .heartbeatTicks((int) (config.heartbeatMillis() / config.tickMillis()))
                .electionTicks((int) (config.electionMillis() / config.tickMillis()))
                .noopOnElection(true)
                .snapshotEntries(snapshots.entries())
                .snapshotBytes(snapshots.logBytes())
                .catchUpEntries(snapshots.catchUpEntries())
                .snapshotChunkBytes(snapshots.chunkBytes())
                .maxSnapshotInflightBytes(snapshots.inflightBytes())
                .maxSnapshotSends(snapshots.maxSends())
                .build();
        this.node = RaftNode.builder(raftConfig)
                .loop(EventLoops.asLoopExecutor(loop))
                .transport(transport)
                .storage(storage)
                .storageExecutor(storageThread)
                .snapshotExecutor(snapshotThread)
                .stateMachine(kv)
                .applyExecutor(applyThread)
                .random(new Random(new SecureRandom().nextLong()))
                .observer(new RoleLog())
                .start();
        opened.add(node);
        transport.start(m -> {
            if (m instanceof AppendEntries) {
                lastLeaderContactNanos = System.nanoTime();
            }
            node.receive(m);
        });
        this.clientServer = ClientServer.start(config.clientAddress(), clientGroup, this,
                ClientServer.Options.defaults());
        LOG.info("node {} of cluster '{}' serving clients on {}, data in {}", config.nodeId(), config.clusterId(),
                clientServer.address(), config.dataDir().toAbsolutePath());
    }

    /**
     * Starts a server. Throws with a one-line message if the data directory, a port or the
     * configuration is unusable; nothing is left running then.
     */
    public static KontikiServer start(ServerConfig config) {
        return start(config, 1);
    }

    /**
     * Starts a server whose transport's {@link #faults() fault injector} draws from
     * {@code faultSeed}. The injector starts with no fault configured.
     */
    public static KontikiServer start(ServerConfig config, long faultSeed) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            return new KontikiServer(config, faultSeed, opened);
        } catch (Throwable e) { // Netty can throw a checked IOException undeclared
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public InetSocketAddress clientAddress() {
        return clientServer.address();
    }

    public NodeStatus nodeStatus() {
        return node.status();
    }

    /**
     * The peer transport's fault injector (drop, delay, cut on outbound links): for benchmarks
     * and tests only. Off unless configured; may be changed from any thread.
     */
    public FaultInjector faults() {
        return transport.faults();
    }

    /** The peer transport's counters (messages and bytes sent, drops by cause). Any thread. */
    public io.kontiki.raft.transport.netty.TransportStats transportStats() {
        return transport.stats();
    }

    // ---- KvService ------------------------------------------------------------------------

    @Override
    public CompletableFuture<ClientResponse> execute(ClientRequest request) {
        CompletableFuture<ClientResponse> response = new CompletableFuture<>();
        if (closed) {
            response.complete(ClientResponse.error(request.requestId(), "server is shutting down"));
            return response;
        }
        byte[] command;
        try {
            command = KvMapping.toCommand(request, System.currentTimeMillis()).encode();
        } catch (RuntimeException e) {
            response.complete(ClientResponse.error(request.requestId(), "bad request: " + e.getMessage()));
            return response;
        }
        // Propose and register the pending write in one task on the Raft loop: registered after
        // the proposal returns but before the loop can replicate, commit and apply it. (Attaching
        // to proposeAsync's future from this thread could register too late: the entry could
        // already be applied, and the write would then wait for its timeout.)
        try {
            loop.execute(() -> {
                ProposeResult r = node.propose(command);
                if (!r.isLeader()) {
                    response.complete(ClientResponse.notLeader(request.requestId(), r.leaderHint()));
                } else {
                    track(r, request.requestId(), response);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            response.complete(ClientResponse.error(request.requestId(), "server is shutting down"));
        }
        return response;
    }

    /** On the Raft loop, right after the proposal was appended: before it can possibly be applied. */
    private void track(ProposeResult r, long requestId, CompletableFuture<ClientResponse> response) {
        Pending mine = new Pending(r.term(), requestId, response);
        Pending previous = pending.put(r.index(), mine);
        if (previous != null) {
            previous.future().complete(ClientResponse.unknownOutcome(previous.requestId(),
                    "index " + r.index() + " was reused by a later leader"));
        }
        loop.schedule(() -> {
            if (pending.remove(r.index(), mine)) {
                response.complete(ClientResponse.unknownOutcome(requestId, "not applied within "
                        + WRITE_TIMEOUT_MILLIS + " ms"));
            }
        }, WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** On the apply thread: the entry at {@code index} was applied. */
    private void applied(long index, long term, KvResult result) {
        Pending p = pending.remove(index);
        if (p == null) {
            return;
        }
        if (p.term() == term && result != null) {
            p.future().complete(KvMapping.toResponse(p.requestId(), result));
        } else {
            p.future().complete(ClientResponse.unknownOutcome(p.requestId(),
                    "leadership changed before the write was applied"));
        }
    }

    @Override
    public StatusResponse status(long requestId) {
        NodeStatus s = node.status();
        long contact = s.isLeader() ? 0
                : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastLeaderContactNanos);
        DurableStorage.LogStats log = storage.logStats();
        KvStateMachine.DigestAt digest = kv.digestAt();
        return StatusResponse.of(requestId, s, contact).withStorage(storage.snapshot().index(),
                log.segments() == 0 ? 0 : log.lastIndex() - log.firstIndex() + 1, log.bytes(),
                storage.snapshotBytesOnDisk(), digest.index(), digest.digest());
    }

    /** Snapshots the store now ({@code kontiki snapshot}); answers OK naming the stored snapshot. */
    @Override
    public CompletableFuture<ClientResponse> snapshot(long requestId) {
        return node.takeSnapshot().handle((meta, error) -> error == null
                ? new ClientResponse(requestId, ClientResponse.Status.OK, null, ClientResponse.NO_LEADER,
                        "snapshot " + meta.term() + "/" + meta.index() + " (" + meta.size() + " B)")
                : ClientResponse.error(requestId, "no snapshot taken: " + (error.getCause() != null
                        ? error.getCause().getMessage() : error.getMessage())));
    }

    /** Logs one line per role or term change, with its cause; fails pending writes on losing leadership. */
    private final class RoleLog implements RaftObserver {
        @Override
        public void onRoleChange(RaftCore core, Role previousRole, long previousTerm, String cause) {
            LOG.info("node {}: {} -> {} in term {} ({})", core.id(), previousRole, core.role(), core.term(), cause);
            if (previousRole == Role.LEADER && core.role() != Role.LEADER) {
                List<Pending> lost = new ArrayList<>(pending.values());
                pending.clear();
                for (Pending p : lost) {
                    p.future().complete(ClientResponse.unknownOutcome(p.requestId(),
                            "leadership lost before the write was applied"));
                }
            }
        }
    }

    /** Stops clients first, then Raft, then storage. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clientServer.close();
        node.close();
        transport.close();
        for (Pending p : pending.values()) {
            p.future().complete(ClientResponse.unknownOutcome(p.requestId(), "server shut down"));
        }
        storageThread.shutdown();
        applyThread.shutdown();
        snapshotThread.shutdown();
        try {
            storageThread.awaitTermination(5, TimeUnit.SECONDS);
            applyThread.awaitTermination(5, TimeUnit.SECONDS);
            snapshotThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        raftGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        storage.close();
        LOG.info("node {} stopped", config.nodeId());
    }

    private static ExecutorService singleThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
