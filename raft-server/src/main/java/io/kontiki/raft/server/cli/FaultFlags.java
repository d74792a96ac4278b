package io.kontiki.raft.server.cli;

import io.kontiki.raft.transport.netty.FaultInjector;
import io.kontiki.raft.transport.netty.LinkFaults;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --inject-*} flags of {@code kontiki server}: faults this node injects on its own
 * outbound peer links, for benchmarks and tests only. Validated when built, so a bad value is a
 * usage error (exit 2) before anything starts.
 *
 * @param loss        per-message drop probability on every outbound peer link, in [0, 1)
 * @param delayMillis each outbound request delayed uniformly in [0, delayMillis] ms
 * @param cutTo       peers whose outbound link from this node is cut (a one-way cut)
 * @param seed        the injector's seed
 */
record FaultFlags(double loss, long delayMillis, Set<Integer> cutTo, long seed) {

    /** The largest {@code --inject-delay-ms}: a minute is already far beyond any election timeout. */
    static final long MAX_DELAY_MILLIS = 60_000;

    FaultFlags {
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("--inject-loss must be a probability in [0, 1), got " + loss);
        }
        if (delayMillis < 0 || delayMillis > MAX_DELAY_MILLIS) {
            throw new IllegalArgumentException("--inject-delay-ms must be in [0, " + MAX_DELAY_MILLIS + "], got "
                    + delayMillis);
        }
        cutTo = Set.copyOf(cutTo);
    }

    /** True if any fault is configured. */
    boolean any() {
        return loss > 0 || delayMillis > 0 || !cutTo.isEmpty();
    }

    /**
     * Parses {@code --inject-cut-to}: a comma list of peer ids, each a member other than
     * {@code self}. Null or blank is the empty set.
     */
    static Set<Integer> parseCutTo(String spec, int self, Set<Integer> members) {
        Set<Integer> out = new TreeSet<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            int id;
            try {
                id = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--inject-cut-to: '" + p + "' is not a node id");
            }
            if (id == self) {
                throw new IllegalArgumentException("--inject-cut-to: " + id + " is this node; name peers only");
            }
            if (!members.contains(id)) {
                throw new IllegalArgumentException("--inject-cut-to: node " + id + " is not among --peers " + members);
            }
            out.add(id);
        }
        return out;
    }

    /** Installs the faults on {@code injector}: default faults on every link, then the cuts. */
    void applyTo(FaultInjector injector) {
        if (loss > 0 || delayMillis > 0) {
            injector.setDefaultFaults(LinkFaults.loss(loss).withDelay(0, delayMillis));
        }
        for (int peer : cutTo) {
            injector.cutOutbound(peer, true);
        }
    }

    String describe() {
        return "loss " + loss + ", request delay 0-" + delayMillis + " ms, outbound cut to "
                + (cutTo.isEmpty() ? "none" : new TreeSet<>(cutTo)) + ", seed " + seed;
    }
}
