package io.kontiki.raft.server.client;

import io.kontiki.raft.server.client.ClientConnection.AttemptFailed;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * One logical request of a {@link KontikiClient} and its retries, until an answer, a refusal,
 * or the deadline. Every attempt sends the same request (same clientId and sequence, so the
 * session table applies a write once) under a fresh request id.
 *
 * <ul>
 *   <li>OK, NOT_FOUND, CAS_FAILED: done; the node that answered is the leader to use next.</li>
 *   <li>NOT_LEADER: retry at the hinted leader (at once, twice in a row at most) if its address
 *       is known, is not the answering node's own, and no attempt there failed within the last
 *       2 × maxBackoff (a follower names the leader it last heard from, which may have just
 *       crashed; following it would bounce between that follower and a dead port); else at the
 *       next address of the cluster list, after a backoff.</li>
 *   <li>UNKNOWN_OUTCOME: the write may have taken effect; retry at the same node after a
 *       backoff.</li>
 *   <li>no connection: the next address, after a backoff; the request was not sent.</li>
 *   <li>connection lost or no answer in time: the write may have taken effect; the next
 *       address, after a backoff.</li>
 *   <li>SESSION_EXPIRED: if no attempt may have been applied, number the write anew (a new
 *       session if the cluster dropped this one) and retry after a backoff; otherwise fail with
 *       the outcome unknown.</li>
 *   <li>ERROR: fails at once.</li>
 * </ul>
 * At the deadline or after the last attempt it fails with a {@link KontikiClientException}
 * saying whether a write's outcome is unknown. A backoff is jittered and bounded by the
 * client's options: see {@link #backoffNanos}. Confined to the client's event loop.
 */
final class ClientCall {

    private static final int MAX_IMMEDIATE_REDIRECTS = 2;

    private final KontikiClient client;
    /** Replaced only when the cluster expired the session and nothing of this write was applied. */
    private ClientRequest request;
    private final CompletableFuture<ClientResponse> result;
    private final long deadlineNanos;
    private InetSocketAddress target;
    private int attempts;
    private int redirectsInARow;
    private boolean outcomeUnknown;
    private String lastProblem = "none";

    ClientCall(KontikiClient client, ClientRequest request, CompletableFuture<ClientResponse> result,
               long deadlineNanos) {
        this.client = client;
        this.request = request;
        this.result = result;
        this.deadlineNanos = deadlineNanos;
    }

    ClientRequest request() {
        return request;
    }

    void start(InetSocketAddress first) {
        target = first;
        attempt();
    }

    private void attempt() {
        if (result.isDone()) {
            return;
        }
        if (client.isClosed()) {
            fail("the client was closed");
            return;
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            fail((outcomeUnknown ? "outcome unknown after " : "timed out after ") + client.timeoutText());
            return;
        }
        if (attempts >= client.options().maxAttempts()) {
            fail((outcomeUnknown ? "outcome unknown after " : "gave up after ") + attempts + " attempts");
            return;
        }
        attempts++;
        InetSocketAddress to = target;
        long timeout = Math.min(remaining, client.options().attemptTimeout().toNanos());
        client.connection(to).send(request.withRequestId(client.nextRequestId()), Math.max(1, timeout),
                reply -> onReply(to, reply));
    }

    private void onReply(InetSocketAddress from, Object reply) {
        if (result.isDone()) {
            return;
        }
        if (reply instanceof AttemptFailed f) {
            lastProblem = f.reason();
            if (f.fatal()) {
                fail("cannot be sent: " + f.reason());
                return;
            }
            outcomeUnknown |= f.maybeExecuted() && request.op().isWrite();
            client.attemptFailed(from);
            target = client.nextAfter(from);
            retryLater();
            return;
        }
        if (!(reply instanceof ClientResponse r)) {
            fail(from + " answered with a " + reply.getClass().getSimpleName());
            return;
        }
        client.answered(from);
        switch (r.status()) {
            case OK, NOT_FOUND, CAS_FAILED -> {
                client.leaderIs(from);
                if (request.op().isWrite()) {
                    client.writeAnswered(request);
                }
                result.complete(r);
                client.callDone(this);
            }
            case NOT_LEADER -> onNotLeader(from, r.leaderHint());
            case UNKNOWN_OUTCOME -> {
                outcomeUnknown |= request.op().isWrite();
                lastProblem = from + ": outcome unknown: " + r.message();
                retryLater();
            }
            case ERROR -> fail(from + " refused it: " + r.message());
            case SESSION_EXPIRED -> onSessionExpired(from, r);
        }
    }

    /**
     * The cluster has no session for this write's client. If an earlier attempt may have been
     * applied (before the session expired), the outcome is unknown; otherwise the write is
     * numbered anew (in a new session if need be: {@link KontikiClient#renumber}) and sent again.
     */
    private void onSessionExpired(InetSocketAddress from, ClientResponse r) {
        client.leaderIs(from);
        lastProblem = from + ": the client's session expired";
        if (outcomeUnknown) {
            fail("outcome unknown: the client's session expired, and an earlier attempt may have been applied "
                    + "before it did");
            return;
        }
        request = client.renumber(request);
        retryLater();
    }

    private void onNotLeader(InetSocketAddress from, int hint) {
        InetSocketAddress hinted = client.addressOf(hint);
        lastProblem = from + " is not the leader" + (hint < 0 ? " and knows none" : "; it names node " + hint);
        boolean stale = hinted != null && client.failedRecently(hinted);
        if (stale) {
            lastProblem += ", at " + hinted + " where an attempt just failed";
        }
        if (hinted != null && !hinted.equals(from) && !stale) {
            target = hinted;
            if (redirectsInARow++ < MAX_IMMEDIATE_REDIRECTS) {
                attempt();
                return;
            }
        } else {
            target = client.nextAfter(from);
        }
        retryLater();
    }

    private void retryLater() {
        redirectsInARow = 0;
        long backoff = backoffNanos(attempts, client.options().minBackoff().toNanos(),
                client.options().maxBackoff().toNanos(), ThreadLocalRandom.current());
        long delay = Math.max(0, Math.min(backoff, deadlineNanos - System.nanoTime()));
        client.schedule(this::attempt, delay);
    }

    /**
     * The wait after the {@code attempts}-th attempt (1 or more): drawn uniformly from
     * [max(min, c / 2), c] where the ceiling c = min(max, min × 2^attempts). The waits thus
     * roughly double from [min, 2 min] up to [max / 2, max], and are never below {@code minNanos}
     * nor above {@code maxNanos} (0 < min <= max).
     */
    static long backoffNanos(int attempts, long minNanos, long maxNanos, RandomGenerator random) {
        long ceiling = minNanos;
        for (int i = 0; i < attempts && ceiling < maxNanos; i++) {
            ceiling = Math.min(maxNanos, ceiling * 2); // ceiling < maxNanos < 2^62: no overflow
        }
        long floor = Math.max(minNanos, ceiling / 2);
        return floor + random.nextLong(ceiling - floor + 1);
    }

    /** The client is closing: a write already attempted may have taken effect. */
    void failClosed() {
        outcomeUnknown |= request.op().isWrite() && attempts > 0;
        fail("the client was closed");
    }

    void fail(String why) {
        if (result.isDone()) {
            return;
        }
        String text = describe() + ": " + why + (lastProblem.equals("none") ? "" : " (last: " + lastProblem + ")");
        result.completeExceptionally(new KontikiClientException(text, outcomeUnknown));
        client.callDone(this);
    }

    private String describe() {
        String key = request.key().length() <= 40 ? request.key() : request.key().substring(0, 40) + "...";
        return request.op() + " \"" + key + "\"";
    }
}
