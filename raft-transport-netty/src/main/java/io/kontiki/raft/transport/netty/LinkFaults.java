package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.message.RaftMessage;
import java.util.Random;

/**
 * The faults injected on one outbound link. Immutable; {@link #NONE} injects nothing.
 *
 * <p>Requests (RequestVote, AppendEntries, InstallSnapshot) and responses have separate drop
 * probabilities, as in the MIT lab's network where a request is lost before the handler and a
 * reply after it.
 *
 * @param requestDrop       probability that a request is dropped
 * @param responseDrop      probability that a response is dropped
 * @param delayMillis       fixed delay added to every message
 * @param jitterMillis      a further uniform delay in {@code [0, jitterMillis]}
 * @param duplicate         probability that a message is sent twice
 * @param longReordering    the lab's long reordering: 2/3 of responses delayed by
 *                          {@code 200 + U[0, U[0, 1999]]} ms
 * @param cut               every message on the link is dropped (a one-way cut)
 */
public record LinkFaults(double requestDrop, double responseDrop, long delayMillis, long jitterMillis,
                         double duplicate, boolean longReordering, boolean cut) {

    public static final LinkFaults NONE = new LinkFaults(0, 0, 0, 0, 0, false, false);

    /** The lab's unreliable network: 10 % of requests and 10 % of responses lost, requests delayed 0–26 ms. */
    public static final LinkFaults LAB_UNRELIABLE = new LinkFaults(0.1, 0.1, 0, 26, 0, false, false);

    public LinkFaults {
        checkProbability("requestDrop", requestDrop);
        checkProbability("responseDrop", responseDrop);
        checkProbability("duplicate", duplicate);
        if (delayMillis < 0 || jitterMillis < 0) {
            throw new IllegalArgumentException("delay and jitter must be >= 0");
        }
    }

    /** The same loss for requests and responses: the per-message outbound drop of a benchmark sweep. */
    public static LinkFaults loss(double probability) {
        return new LinkFaults(probability, probability, 0, 0, 0, false, false);
    }

    public LinkFaults withCut(boolean v) {
        return new LinkFaults(requestDrop, responseDrop, delayMillis, jitterMillis, duplicate, longReordering, v);
    }

    public LinkFaults withLongReordering(boolean v) {
        return new LinkFaults(requestDrop, responseDrop, delayMillis, jitterMillis, duplicate, v, cut);
    }

    public LinkFaults withDelay(long delay, long jitter) {
        return new LinkFaults(requestDrop, responseDrop, delay, jitter, duplicate, longReordering, cut);
    }

    public LinkFaults withDuplicate(double probability) {
        return new LinkFaults(requestDrop, responseDrop, delayMillis, jitterMillis, probability, longReordering, cut);
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /**
     * The fate of one message: -1 to drop it, otherwise its delay in milliseconds. Draws from
     * {@code random} in a fixed order, so a seeded run makes the same choices.
     */
    long delayOrDrop(RaftMessage m, Random random) {
        if (cut) {
            return -1;
        }
        boolean request = m.isRequest();
        double drop = request ? requestDrop : responseDrop;
        if (drop > 0 && random.nextDouble() < drop) {
            return -1;
        }
        long delay = delayMillis;
        if (jitterMillis > 0 && (request || delayMillis > 0)) {
            delay += random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, jitterMillis) + 1);
        }
        if (longReordering && !request && random.nextInt(900) < 600) {
            delay += 200 + random.nextInt(1 + random.nextInt(2000));
        }
        return delay;
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1]: " + p);
        }
    }
}
