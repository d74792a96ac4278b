package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A few {@link RaftCore}s wired by hand for protocol tests: no driver, no threads, no clock.
 * The test ticks, flushes ({@code ready()}, persist, release messages, {@code advance()}) and
 * decides which messages are delivered. Each node persists into its own {@link InMemoryStorage}
 * as {@link RaftNode} would, so a node can be restarted from what it made durable.
 */
final class HandCluster {

    private static final int MAX_DELIVERIES = 100_000;

    final RaftConfig config;
    final long seed;
    private final Map<Integer, RaftCore> cores = new TreeMap<>();
    private final Map<Integer, InMemoryStorage> storages = new TreeMap<>();
    /** Messages released by a flush and not yet delivered or dropped, in send order. */
    private final Deque<RaftMessage> network = new ArrayDeque<>();
    /** Every message ever released, in order. */
    final List<RaftMessage> sent = new ArrayList<>();
    /** Every Ready ever produced, per node, in order. */
    final Map<Integer, List<Ready>> readies = new TreeMap<>();
    /** Nodes cut off from everyone: messages to or from them are dropped. */
    private final Set<Integer> down = new HashSet<>();

    private HandCluster(RaftConfig config, long seed, Map<Integer, PersistentState> initial) {
        this.config = config;
        this.seed = seed;
        for (int id : config.voters()) {
            start(id, initial.getOrDefault(id, PersistentState.EMPTY));
        }
    }

    /** A cluster of nodes 1..n with the lab's configuration, all starting empty. */
    static HandCluster lab(int n, long seed) {
        return of(RaftConfig.lab(1, ids(n)), seed, Map.of());
    }

    /**
     * A cluster with {@code config} (its node id is replaced per node), each node starting from
     * its entry of {@code initial} or empty.
     */
    static HandCluster of(RaftConfig config, long seed, Map<Integer, PersistentState> initial) {
        return new HandCluster(config, seed, initial);
    }

    static List<Integer> ids(int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }

    /** A persisted log with one entry per given term, at indexes 1, 2, ... */
    static List<LogEntry> logOfTerms(long... terms) {
        List<LogEntry> log = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            log.add(LogEntry.command(terms[i], i + 1, new byte[] {(byte) i}));
        }
        return log;
    }

    /** {@code count} copies of {@code term}, for building logs with {@link #logOfTerms}. */
    static long[] repeat(long term, int count) {
        long[] terms = new long[count];
        java.util.Arrays.fill(terms, term);
        return terms;
    }

    static long[] concat(long[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    static PersistentState persisted(long term, int votedFor, long... logTerms) {
        return new PersistentState(new HardState(term, votedFor), logOfTerms(logTerms));
    }

    RaftCore core(int id) {
        return cores.get(id);
    }

    InMemoryStorage storage(int id) {
        return storages.get(id);
    }

    /** (Re)starts node {@code id} from {@code state} (without a snapshot), with a fresh per-node seeded Random. */
    RaftCore start(int id, PersistentState state) {
        InMemoryStorage storage = new InMemoryStorage();
        storage.saveHardState(state.hardState());
        storage.append(state.entries());
        return start(id, storage);
    }

    /** (Re)starts node {@code id} from what {@code storage} holds. */
    private RaftCore start(int id, InMemoryStorage storage) {
        storages.put(id, storage);
        RaftCore core = new RaftCore(config.withNodeId(id), new Random(seed * 31 + id), storage.load(),
                RaftObserver.NONE);
        cores.put(id, core);
        readies.put(id, new ArrayList<>());
        return core;
    }

    /** Crashes node {@code id} (its in-flight messages stay in the network) and restarts it from its storage. */
    RaftCore restart(int id) {
        return start(id, storages.get(id).copy());
    }

    /**
     * The application of node {@code id} takes a snapshot after entry {@code index} (its bytes name
     * the index, {@code size} of them) and tells the core, as {@code RaftNode.snapshot} does.
     */
    io.kontiki.raft.core.log.SnapshotMeta snapshot(int id, long index, int size) {
        RaftCore c = cores.get(id);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (index + i);
        }
        io.kontiki.raft.core.log.SnapshotMeta meta = storages.get(id).saveSnapshot(index, c.termAt(index),
                out -> out.write(data));
        c.snapshotTaken(meta);
        flush(id);
        return meta;
    }

    void isolate(int id) {
        down.add(id);
    }

    void heal(int id) {
        down.remove(id);
    }

    /** The terms of node {@code id}'s log, index 1 first. */
    List<Long> logTerms(int id) {
        RaftCore c = cores.get(id);
        List<Long> terms = new ArrayList<>();
        for (long i = 1; i <= c.lastIndex(); i++) {
            terms.add(c.termAt(i));
        }
        return terms;
    }

    /**
     * Carries out node {@code id}'s pending Readys as the driver would: persist, release the
     * messages, advance. Returns the Readys handled (usually zero or one).
     */
    List<Ready> flush(int id) {
        return flush(id, network);
    }

    /**
     * Steps {@code m} into its addressee and flushes that node, handing the messages it
     * releases to the test instead of the network.
     */
    List<RaftMessage> stepAndFlush(RaftMessage m) {
        cores.get(m.to()).step(m);
        List<RaftMessage> released = new ArrayList<>();
        flush(m.to(), released);
        return released;
    }

    /** Steps {@code m} into its addressee, whose answers go to the network. */
    void inject(RaftMessage m) {
        cores.get(m.to()).step(m);
        flush(m.to());
    }

    private List<Ready> flush(int id, java.util.Collection<RaftMessage> released) {
        RaftCore c = cores.get(id);
        List<Ready> handled = new ArrayList<>();
        for (int round = 0; round < 16 && c.hasReady(); round++) {
            Ready ready = c.ready();
            Boolean installed = persist(id, ready);
            List<RaftMessage> out = new ArrayList<>(ready.messages());
            for (SnapshotChunkRequest r : ready.snapshotSends()) {
                out.add(r.toMessage(storages.get(id).readSnapshot(r.snapshot(), r.offset(), r.length())));
            }
            released.addAll(out);
            sent.addAll(out);
            c.advance(ready);
            if (installed != null) {
                c.snapshotInstalled(ready.installSnapshot(), installed);
            }
            handled.add(ready);
            readies.get(id).add(ready);
        }
        return handled;
    }

    void flushAll() {
        for (int id : cores.keySet()) {
            flush(id);
        }
    }

    private Boolean persist(int id, Ready ready) {
        InMemoryStorage storage = storages.get(id);
        if (ready.hardState() != null) {
            storage.saveHardState(ready.hardState());
        }
        if (!ready.entries().isEmpty()) {
            long first = ready.entries().get(0).index();
            if (first <= storage.lastIndex()) {
                storage.truncateSuffix(first);
            }
            storage.append(ready.entries());
        }
        for (var chunk : ready.snapshotChunks()) {
            storage.writeSnapshotChunk(chunk.snapshot(), chunk.offset(), chunk.data());
        }
        if (ready.compactTo() > 0) {
            storage.compact(ready.compactTo());
        }
        return ready.installSnapshot() == null ? null : storage.installSnapshot(ready.installSnapshot());
    }

    /** Flushes every node and delivers messages (and their consequences) until the network is quiet. */
    int deliverAll() {
        return deliverWhile(m -> true);
    }

    /**
     * Flushes and delivers messages that {@code deliver} accepts, dropping the rest, until the
     * network is quiet; messages to or from a down node are dropped. Returns how many were delivered.
     */
    int deliverWhile(Predicate<RaftMessage> deliver) {
        int delivered = 0;
        flushAll();
        while (!network.isEmpty()) {
            if (delivered > MAX_DELIVERIES) {
                throw new AssertionError("no quiescence after " + MAX_DELIVERIES + " messages (seed " + seed + ")");
            }
            RaftMessage m = network.poll();
            if (down.contains(m.from()) || down.contains(m.to()) || !deliver.test(m) || !cores.containsKey(m.to())) {
                continue;
            }
            cores.get(m.to()).step(m);
            delivered++;
            flush(m.to());
        }
        return delivered;
    }

    /** Ticks every node once (an isolated node too: it is cut off, not stopped), flushing after each. */
    void tickAll() {
        for (Map.Entry<Integer, RaftCore> e : cores.entrySet()) {
            e.getValue().tick();
            flush(e.getKey());
        }
    }

    /**
     * Ticks only node {@code id} until it campaigns (at most 2 * electionTicks ticks), then
     * delivers every message. Returns the node.
     */
    RaftCore campaign(int id) {
        RaftCore c = cores.get(id);
        long termBefore = c.term();
        for (int i = 0; i < 2 * config.electionTicks() && c.term() == termBefore; i++) {
            c.tick();
        }
        if (c.term() == termBefore) {
            throw new AssertionError("node " + id + " did not campaign within 2 * electionTicks (seed " + seed + ")");
        }
        deliverAll();
        return c;
    }

    /** Makes node {@code id} campaign and asserts that it won. */
    RaftCore elect(int id) {
        RaftCore c = campaign(id);
        if (c.role() != Role.LEADER) {
            throw new AssertionError("node " + id + " did not win: " + c.role() + " in term " + c.term()
                    + " (seed " + seed + ")");
        }
        return c;
    }

    /** Proposes {@code command} on node {@code id}, which must lead, and returns its index. */
    long propose(int id, String command) {
        ProposeResult r = cores.get(id).propose(command.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!r.isLeader()) {
            throw new AssertionError("node " + id + " does not lead (seed " + seed + ")");
        }
        return r.index();
    }

    /** The messages ever released that {@code filter} accepts. */
    List<RaftMessage> sent(Predicate<RaftMessage> filter) {
        return sent.stream().filter(filter).toList();
    }
}
