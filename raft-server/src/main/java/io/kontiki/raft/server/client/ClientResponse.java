package io.kontiki.raft.server.client;

import io.kontiki.raft.server.kv.KvCommand;
import java.util.Arrays;
import java.util.Objects;

/**
 * The answer to a {@link ClientRequest} (a STATUS request is answered with a
 * {@link StatusResponse} instead, unless it fails). Immutable.
 *
 * @param requestId  the request's id
 * @param status     what happened; see {@link Status}
 * @param value      GET: the value; CAS_FAILED: the current value (null if absent); else null
 * @param leaderHint NOT_LEADER: the node id this node believes leads, or {@link #NO_LEADER}
 * @param message    a one-line explanation, "" if none; truncated to {@value #MAX_MESSAGE_CHARS}
 *                   chars (never null)
 */
public record ClientResponse(long requestId, Status status, byte[] value, int leaderHint, String message) {

    /** The leader hint when no leader is known. */
    public static final int NO_LEADER = -1;
    /** Messages are cut to this many chars, so that they always fit the wire's string limit. */
    public static final int MAX_MESSAGE_CHARS = 256;

    public enum Status {
        /** Done; for GET the value is present. */
        OK,
        /** GET or DELETE of an absent key. */
        NOT_FOUND,
        /** The CAS found another value; {@code value} is the current one. */
        CAS_FAILED,
        /** Not executed: this node is not the leader; retry at {@code leaderHint}. */
        NOT_LEADER,
        /**
         * The request was proposed but this node cannot tell whether it took effect (leadership
         * lost before commit, say). Retrying with the same sequence is safe.
         */
        UNKNOWN_OUTCOME,
        /** Refused (overload, a bad request, a server fault); {@code message} says why. */
        ERROR,
        /**
         * A write not executed: the client has no session (it expired after a long enough time
         * without writes, or the client's first write has not been applied yet) and only a
         * client's first write, sequence 1, opens one. Never executed, but an earlier attempt
         * of the same write may have been, before the session expired. A client starts a new
         * session (a new clientId, numbering from 1) to go on writing.
         */
        SESSION_EXPIRED
    }

    public ClientResponse {
        Objects.requireNonNull(status, "status");
        if (requestId < 0) {
            throw new IllegalArgumentException("ClientResponse: requestId " + requestId + " is negative");
        }
        if (leaderHint < NO_LEADER) {
            throw new IllegalArgumentException("ClientResponse: leaderHint " + leaderHint + " is below -1");
        }
        if (value != null) {
            KvCommand.checkValue(value, "value");
        }
        message = truncate(message == null ? "" : message);
    }

    public static ClientResponse ok(long requestId, byte[] value) {
        return new ClientResponse(requestId, Status.OK, value, NO_LEADER, "");
    }

    public static ClientResponse notLeader(long requestId, int leaderHint) {
        return new ClientResponse(requestId, Status.NOT_LEADER, null, Math.max(NO_LEADER, leaderHint), "not the leader");
    }

    public static ClientResponse unknownOutcome(long requestId, String message) {
        return new ClientResponse(requestId, Status.UNKNOWN_OUTCOME, null, NO_LEADER, message);
    }

    public static ClientResponse error(long requestId, String message) {
        return new ClientResponse(requestId, Status.ERROR, null, NO_LEADER, message);
    }

    public static ClientResponse sessionExpired(long requestId) {
        return new ClientResponse(requestId, Status.SESSION_EXPIRED, null, NO_LEADER, "no session for this client");
    }

    private static String truncate(String s) {
        String line = s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replaceAll("[\\r\\n]+", " ");
        if (line.length() <= MAX_MESSAGE_CHARS) {
            return line;
        }
        int end = MAX_MESSAGE_CHARS - 3;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientResponse r && r.requestId == requestId && r.status == status
                && Arrays.equals(r.value, value) && r.leaderHint == leaderHint && r.message.equals(message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, status, Arrays.hashCode(value), leaderHint, message);
    }

    @Override
    public String toString() {
        return "#" + requestId + " " + status + (value == null ? "" : " (" + value.length + "B)")
                + (leaderHint == NO_LEADER ? "" : " leader " + leaderHint) + (message.isEmpty() ? "" : ": " + message);
    }
}
