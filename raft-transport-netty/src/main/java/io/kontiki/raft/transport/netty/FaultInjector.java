package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.message.RaftMessage;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults a {@link NettyTransport} injects into real frames: per-link outbound drop, delay with
 * jitter, duplication, the lab's long reordering, one-way and two-way cuts, isolating the
 * node. Off by default, and free when off: the transport's send path reads one volatile flag.
 *
 * <p>Changeable at runtime from any thread; the transport reads the rules on its event loop.
 * Outbound faults apply to messages this node sends to a peer; inbound blocks drop what a peer
 * sends to this node on arrival (so a two-way cut needs only this node's injector). Seeded: the
 * random choices depend only on the seed and the sequence of messages.
 */
public final class FaultInjector {

    private final Random random;
    private final Map<Integer, LinkFaults> outbound = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> inboundBlocked = new ConcurrentHashMap<>();
    private volatile LinkFaults defaults = LinkFaults.NONE;
    private volatile boolean isolated;
    private volatile boolean active;

    public FaultInjector(long seed) {
        this.random = new Random(seed);
    }

    /** True if any fault is configured. */
    public boolean isActive() {
        return active;
    }

    /** The faults on every outbound link that has no rule of its own. */
    public void setDefaultFaults(LinkFaults faults) {
        defaults = faults;
        refresh();
    }

    /** The faults on the link to {@code peer}, replacing its earlier rule; NONE removes it. */
    public void setLinkFaults(int peer, LinkFaults faults) {
        if (faults.isNone()) {
            outbound.remove(peer);
        } else {
            outbound.put(peer, faults);
        }
        refresh();
    }

    /** Drops everything this node sends to {@code peer} (one-way cut) or stops doing so. */
    public void cutOutbound(int peer, boolean cut) {
        setLinkFaults(peer, faultsFor(peer).withCut(cut));
    }

    /** Drops everything {@code peer} sends to this node, on arrival, or stops doing so. */
    public void blockInbound(int peer, boolean blocked) {
        if (blocked) {
            inboundBlocked.put(peer, true);
        } else {
            inboundBlocked.remove(peer);
        }
        refresh();
    }

    /** A two-way cut between this node and {@code peer}. */
    public void cut(int peer, boolean cut) {
        cutOutbound(peer, cut);
        blockInbound(peer, cut);
    }

    /** Cuts this node off from every peer, both ways, or heals that. */
    public void isolate(boolean isolate) {
        isolated = isolate;
        refresh();
    }

    /** Removes every fault. */
    public void clear() {
        outbound.clear();
        inboundBlocked.clear();
        defaults = LinkFaults.NONE;
        isolated = false;
        refresh();
    }

    /** The rules in force on the link to {@code peer}. */
    public LinkFaults faultsFor(int peer) {
        return outbound.getOrDefault(peer, defaults);
    }

    /** On the transport's loop: -1 to drop the outbound message, else its delay in ms. */
    long outboundDelayOrDrop(RaftMessage m) {
        if (isolated) {
            return -1;
        }
        LinkFaults f = faultsFor(m.to());
        return f.isNone() ? 0 : f.delayOrDrop(m, random);
    }

    /** On the transport's loop: whether to send the outbound message a second time. */
    boolean duplicate(RaftMessage m) {
        LinkFaults f = faultsFor(m.to());
        return f.duplicate() > 0 && random.nextDouble() < f.duplicate();
    }

    /** On the transport's loop: whether to drop a message that arrived from {@code peer}. */
    boolean dropsInbound(int peer) {
        return isolated || inboundBlocked.containsKey(peer);
    }

    private void refresh() {
        active = isolated || !defaults.isNone() || !outbound.isEmpty() || !inboundBlocked.isEmpty();
    }
}
