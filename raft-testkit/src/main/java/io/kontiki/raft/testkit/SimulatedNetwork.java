package io.kontiki.raft.testkit;

import io.kontiki.raft.core.Transport;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The MIT Raft lab's network ({@code labrpc}, spec §2) for one-way messages, on virtual time.
 *
 * <h2>Servers and incarnations</h2>
 * Servers are numbered {@code 0..n-1}. {@link #attach} registers a new <em>incarnation</em> of
 * a server (the lab's {@code AddServer} with fresh end names) and returns the only
 * {@link Transport} that incarnation may send through; its outgoing links start disabled.
 * {@link #detach} removes the server (the lab's {@code DeleteServer}): from then on nothing is
 * delivered to that incarnation, nothing it sends leaves, and messages still in flight to it are
 * lost. A crashed incarnation never sends or receives again, even if the server is attached
 * anew.
 *
 * <h2>Partitions: connect and disconnect (§4.3)</h2>
 * Each directed link {@code i -> j} is enabled or disabled. {@link #connect(int) connect(i)}
 * enables the links between {@code i} and every connected server, both ways;
 * {@link #disconnect(int) disconnect(i)} disables every link to and from {@code i}. So only
 * connected servers talk to each other, and a disconnected server is fully isolated — two
 * disconnected servers cannot talk either.
 *
 * <h2>The fate of a message</h2>
 * Decided when it is sent, from the network's state at that moment, drawing from one seeded
 * {@link Random} (so runs replay exactly):
 * <ol>
 *   <li>A message on a disabled link, or to a server with no incarnation, is lost (the lab's
 *       7-second failure path; nothing here waits, so it is simply gone).</li>
 *   <li><b>Requests</b> (RequestVote, AppendEntries) on an unreliable network are delayed by a
 *       uniform 0–26 ms, then dropped with probability 10 %.</li>
 *   <li><b>Responses</b> on an unreliable network are dropped with probability 10 % (the
 *       request's handler has run: its side effects stay). Otherwise, with long reordering on,
 *       2/3 of them are delayed by {@code 200 + U[0, U[0, 1999]]} ms (200–2199 ms, mean about
 *       700).</li>
 *   <li>The rest are delivered after their delay (0 on a reliable network: an event due now,
 *       so reliable links are FIFO) — unless the target incarnation crashed meanwhile.</li>
 * </ol>
 * As in the lab, the link is checked when the message leaves, not again when it lands: a request
 * in its 0–26 ms flight still reaches a server disconnected meanwhile (whose reply is then lost),
 * and a long-delayed reply still reaches its sender after a partition.
 *
 * <h2>Counters (§2.3)</h2>
 * {@link #rpcTotal()} counts request messages when they are sent, whatever happens to them;
 * {@link #bytesTotal()} adds the {@linkplain CompactMessageSizes encoded size} of every request
 * when sent and of every response when delivered; {@link #rpcCount(int)} counts the requests
 * delivered to the server's current incarnation (reset by {@link #attach}).
 *
 * <p><b>Time and threads:</b> delays run on a {@link NetworkClock}: virtual time in the
 * simulator, real time in {@link RealTimeCluster}. Thread-safe: every method that touches state
 * is synchronized (never contended in the simulator); a delivery calls the receiver with the
 * lock held, so receivers must not block ({@code RaftNode.receive} only hands the message over).
 */
public final class SimulatedNetwork {

    /** Requests on an unreliable network wait {@code random % 27} ms: 0–26 ms. */
    public static final int SHORT_DELAY_MODULUS = 27;
    /** Out of 1000: the chance that an unreliable network drops a request, or a response. */
    public static final int DROP_PER_MILLE = 100;
    /** Out of 900: the chance that long reordering delays a delivered response. */
    public static final int REORDER_PER_900 = 600;
    /** The fixed part of a long-reordering delay. */
    public static final int REORDER_BASE_MILLIS = 200;
    /** The bound of the skewed part of a long-reordering delay: {@code U[0, U[0, 1999]]}. */
    public static final int REORDER_SPREAD_MILLIS = 2000;

    private final NetworkClock clock;
    private final Random random;
    private final Trace trace;
    private final int servers;
    private final boolean[][] linkEnabled;
    private final boolean[] connected;
    private final int[] incarnation;
    private final boolean[] attached;
    private final List<Consumer<RaftMessage>> receivers;
    private final long[] rpcCount;

    private boolean reliable = true;
    private boolean longReordering;
    private long rpcTotal;
    private long bytesTotal;
    private final Stats stats = new Stats();
    private Consumer<RaftMessage> deliveryTap = m -> { };

    public SimulatedNetwork(VirtualScheduler scheduler, int servers, Random random, Trace trace) {
        this(NetworkClock.of(scheduler), servers, random, trace);
    }

    /** A network on any clock, e.g. real time; see {@link RealTimeCluster}. */
    @SuppressWarnings("unchecked")
    public SimulatedNetwork(NetworkClock clock, int servers, Random random, Trace trace) {
        if (servers <= 0) {
            throw new IllegalArgumentException("servers must be > 0: " + servers);
        }
        this.clock = clock;
        this.random = random;
        this.trace = trace;
        this.servers = servers;
        this.linkEnabled = new boolean[servers][servers];
        this.connected = new boolean[servers];
        this.incarnation = new int[servers];
        this.attached = new boolean[servers];
        this.receivers = new ArrayList<>(Collections.nCopies(servers, null));
        this.rpcCount = new long[servers];
    }

    public int servers() {
        return servers;
    }

    // ---- servers --------------------------------------------------------------------------

    /**
     * Registers a new incarnation of {@code server} that receives messages through
     * {@code receiver} (called on the simulation's event loop), replacing any earlier one. Its
     * outgoing links start disabled; {@link #connect} enables them. Resets the server's
     * {@link #rpcCount}.
     *
     * @return the transport of this incarnation; it goes dead when the incarnation is replaced
     *         or {@linkplain #detach detached}
     */
    public synchronized Transport attach(int server, Consumer<RaftMessage> receiver) {
        checkServer(server);
        int inc = ++incarnation[server];
        attached[server] = true;
        receivers.set(server, receiver);
        rpcCount[server] = 0;
        Arrays.fill(linkEnabled[server], false);
        return m -> send(server, inc, m);
    }

    /** Removes the server's incarnation: it is unreachable and mute until attached anew. */
    public synchronized void detach(int server) {
        checkServer(server);
        attached[server] = false;
        receivers.set(server, null);
    }

    /** The number of the server's latest incarnation (1 for the first), 0 if never attached. */
    public synchronized int incarnation(int server) {
        checkServer(server);
        return incarnation[server];
    }

    public synchronized boolean isAttached(int server) {
        checkServer(server);
        return attached[server];
    }

    // ---- partitions -----------------------------------------------------------------------

    /** Brings {@code server} into the connected group: links to and from every connected server are enabled. */
    public synchronized void connect(int server) {
        checkServer(server);
        connected[server] = true;
        for (int j = 0; j < servers; j++) {
            if (connected[j]) {
                linkEnabled[server][j] = true;
                linkEnabled[j][server] = true;
            }
        }
        trace.event("connect " + server);
    }

    /** Isolates {@code server}: every link to and from it is disabled. */
    public synchronized void disconnect(int server) {
        checkServer(server);
        boolean was = connected[server];
        connected[server] = false;
        for (int j = 0; j < servers; j++) {
            linkEnabled[server][j] = false;
            linkEnabled[j][server] = false;
        }
        if (was) {
            trace.event("disconnect " + server);
        }
    }

    public synchronized boolean isConnected(int server) {
        checkServer(server);
        return connected[server];
    }

    /** Whether a message sent now from {@code from} to {@code to} may leave (ignoring loss). */
    public synchronized boolean isLinkEnabled(int from, int to) {
        checkServer(from);
        checkServer(to);
        return linkEnabled[from][to];
    }

    // ---- faults ---------------------------------------------------------------------------

    public synchronized void setReliable(boolean reliable) {
        this.reliable = reliable;
        trace.event(reliable ? "network reliable" : "network unreliable");
    }

    public synchronized boolean isReliable() {
        return reliable;
    }

    public synchronized void setLongReordering(boolean on) {
        this.longReordering = on;
        trace.event("long reordering " + (on ? "on" : "off"));
    }

    public synchronized boolean isLongReordering() {
        return longReordering;
    }

    // ---- counters -------------------------------------------------------------------------

    /** Request messages sent, delivered or not (the lab's total RPC count). */
    public synchronized long rpcTotal() {
        return rpcTotal;
    }

    /** Encoded bytes of every request sent plus every response delivered. */
    public synchronized long bytesTotal() {
        return bytesTotal;
    }

    /** Requests delivered to the server's current incarnation. */
    public synchronized long rpcCount(int server) {
        checkServer(server);
        return rpcCount[server];
    }

    /** Finer counters, for tests of the network itself. */
    public Stats stats() {
        return stats;
    }

    /**
     * Has {@code tap} see every message delivered, just before its receiver does (scenarios that
     * assert on what crossed the network use it). One tap at a time; called on the delivering
     * thread under the network's lock, so it must be quick and must not call back into the network.
     */
    public synchronized void onDeliver(Consumer<RaftMessage> tap) {
        deliveryTap = tap;
    }

    // ---- the path of one message ------------------------------------------------------------

    private synchronized void send(int server, int senderIncarnation, RaftMessage m) {
        if (!attached[server] || incarnation[server] != senderIncarnation) {
            stats.fromCrashed++;
            trace.message(m, "discarded: sender crashed");
            return;
        }
        if (m.from() != server) {
            throw new IllegalStateException("server " + server + " sent a message from " + m.from()
                    + ": " + m.describe());
        }
        boolean request = m.isRequest();
        int size = CompactMessageSizes.sizeOf(m);
        int to = m.to();
        if (request) {
            rpcTotal++;
            bytesTotal += size;
            stats.requestsSent++;
        } else {
            stats.responsesSent++;
        }
        if (to < 0 || to >= servers || !linkEnabled[server][to]) {
            stats.lostOnLink++;
            trace.message(m, "lost: link disabled");
            return;
        }
        if (!attached[to]) {
            stats.lostToCrashed++;
            trace.message(m, "lost: no server " + to);
            return;
        }
        long delay = 0;
        if (request) {
            if (!reliable) {
                delay = random.nextInt(SHORT_DELAY_MODULUS);
                if (random.nextInt(1000) < DROP_PER_MILLE) {
                    stats.requestsDropped++;
                    trace.message(m, "dropped: unreliable");
                    return;
                }
            }
        } else {
            if (!reliable && random.nextInt(1000) < DROP_PER_MILLE) {
                stats.responsesDropped++;
                trace.message(m, "dropped: unreliable");
                return;
            }
            if (longReordering && random.nextInt(900) < REORDER_PER_900) {
                delay = REORDER_BASE_MILLIS + random.nextInt(1 + random.nextInt(REORDER_SPREAD_MILLIS));
                stats.responsesReordered++;
            }
        }
        int targetIncarnation = incarnation[to];
        long sentAt = clock.now();
        clock.after(delay, () -> deliver(m, targetIncarnation, size, sentAt));
    }

    private synchronized void deliver(RaftMessage m, int targetIncarnation, int size, long sentAt) {
        int to = m.to();
        Consumer<RaftMessage> receiver = receivers.get(to);
        if (receiver == null || incarnation[to] != targetIncarnation) {
            stats.lostToCrashed++;
            trace.message(m, "lost: target crashed", sentAt);
            return;
        }
        if (m.isRequest()) {
            rpcCount[to]++;
            stats.requestsDelivered++;
        } else {
            bytesTotal += size;
            stats.responsesDelivered++;
        }
        trace.message(m, "delivered", sentAt);
        deliveryTap.accept(m);
        receiver.accept(m);
    }

    private void checkServer(int server) {
        if (server < 0 || server >= servers) {
            throw new IllegalArgumentException("no server " + server + " (servers 0.." + (servers - 1) + ")");
        }
    }

    /** Counters of message fates since the network was created. */
    public static final class Stats {
        long requestsSent;
        long requestsDelivered;
        long requestsDropped;
        long responsesSent;
        long responsesDelivered;
        long responsesDropped;
        long responsesReordered;
        long lostOnLink;
        long lostToCrashed;
        long fromCrashed;

        public long requestsSent() {
            return requestsSent;
        }

        public long requestsDelivered() {
            return requestsDelivered;
        }

        /** Requests dropped by the unreliable network (not those lost on disabled links). */
        public long requestsDropped() {
            return requestsDropped;
        }

        public long responsesSent() {
            return responsesSent;
        }

        public long responsesDelivered() {
            return responsesDelivered;
        }

        /** Responses dropped by the unreliable network. */
        public long responsesDropped() {
            return responsesDropped;
        }

        /** Responses given a long-reordering delay. */
        public long responsesReordered() {
            return responsesReordered;
        }

        /** Messages that found their link disabled when sent. */
        public long lostOnLink() {
            return lostOnLink;
        }

        /** Messages to a server with no incarnation, or whose target incarnation crashed in flight. */
        public long lostToCrashed() {
            return lostToCrashed;
        }

        /** Messages a crashed incarnation tried to send. */
        public long fromCrashed() {
            return fromCrashed;
        }

        @Override
        public String toString() {
            return "requests sent=" + requestsSent + " delivered=" + requestsDelivered + " dropped="
                    + requestsDropped + "; responses sent=" + responsesSent + " delivered="
                    + responsesDelivered + " dropped=" + responsesDropped + " reordered="
                    + responsesReordered + "; lost on link=" + lostOnLink + ", to crashed="
                    + lostToCrashed + ", from crashed=" + fromCrashed;
        }
    }
}
