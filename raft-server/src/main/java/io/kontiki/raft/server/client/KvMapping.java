package io.kontiki.raft.server.client;

import io.kontiki.raft.server.kv.KvCommand;
import io.kontiki.raft.server.kv.KvResult;

/**
 * Between the client protocol and the store: the {@link KvCommand} a {@link ClientRequest} asks
 * for, and the {@link ClientResponse} that reports a {@link KvResult}. Stateless, thread-safe.
 */
public final class KvMapping {

    private KvMapping() {
    }

    /**
     * The command to propose for {@code request}, stamped with {@code nowMillis}: the proposing
     * node's {@code System.currentTimeMillis()}. Only the leader's proposals reach the log, so
     * the stamps the stores see are leaders' clocks (see {@link KvCommand#stampMillis()}).
     *
     * @throws IllegalArgumentException for a STATUS request, which is not a command, or a
     *                                  negative {@code nowMillis}
     */
    public static KvCommand toCommand(ClientRequest request, long nowMillis) {
        long c = request.clientId();
        long s = request.sequence();
        long t = nowMillis;
        String k = request.key();
        return switch (request.op()) {
            case PUT -> new KvCommand.Put(c, s, t, k, request.value());
            case GET -> new KvCommand.Get(c, s, t, k);
            case DELETE -> new KvCommand.Delete(c, s, t, k);
            case CAS -> new KvCommand.Cas(c, s, t, k, request.expectAbsent() ? null : request.expected(),
                    request.value());
            case STATUS, SNAPSHOT -> throw new IllegalArgumentException("a " + request.op() + " request is not a command");
        };
    }

    /** The response reporting {@code result} to request {@code requestId}. */
    public static ClientResponse toResponse(long requestId, KvResult result) {
        ClientResponse.Status status = switch (result.status()) {
            case OK -> ClientResponse.Status.OK;
            case NOT_FOUND -> ClientResponse.Status.NOT_FOUND;
            case CAS_FAILED -> ClientResponse.Status.CAS_FAILED;
            case SESSION_EXPIRED -> ClientResponse.Status.SESSION_EXPIRED;
        };
        if (status == ClientResponse.Status.SESSION_EXPIRED) {
            return ClientResponse.sessionExpired(requestId);
        }
        return new ClientResponse(requestId, status, result.value(), ClientResponse.NO_LEADER, "");
    }
}
