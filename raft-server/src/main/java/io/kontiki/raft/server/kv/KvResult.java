package io.kontiki.raft.server.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * What applying one {@link KvCommand} produced.
 *
 * <table>
 *   <caption>Results by command</caption>
 *   <tr><th>command</th><th>status</th><th>value</th></tr>
 *   <tr><td>PUT</td><td>OK</td><td>null</td></tr>
 *   <tr><td>GET</td><td>OK / NOT_FOUND</td><td>the value / null</td></tr>
 *   <tr><td>DELETE</td><td>OK (the key existed) / NOT_FOUND</td><td>null</td></tr>
 *   <tr><td>CAS</td><td>OK / CAS_FAILED</td><td>null / the current value (null if absent)</td></tr>
 *   <tr><td>PUT, DELETE, CAS of a client without a session, sequence above 1</td><td>SESSION_EXPIRED
 *       (not applied; index {@link #UNKNOWN_INDEX})</td><td>null</td></tr>
 * </table>
 *
 * <p>The answer to a retried write comes from the session table ({@link KvStateMachine}): the
 * original result for the client's latest write; for an older one, its status and index
 * without the value, or {@code OK} with index {@link #UNKNOWN_INDEX} once it has left the
 * table's window.
 *
 * @param status what happened
 * @param value  see the table; never modified by anyone (it may be the stored value itself)
 * @param index  the log index at which the command took effect, or {@link #UNKNOWN_INDEX}
 */
public record KvResult(Status status, byte[] value, long index) {

    /** The index of a result whose original index is no longer recorded. */
    public static final long UNKNOWN_INDEX = 0;

    public enum Status {
        OK, NOT_FOUND, CAS_FAILED,
        /**
         * A write not applied: its client has no session (it expired, or the client's first write
         * has not arrived) and only sequence 1 opens one. It may be a retry of a write applied
         * before the session expired, so applying it could apply that write twice.
         */
        SESSION_EXPIRED
    }

    public KvResult {
        Objects.requireNonNull(status, "status");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
    }

    static KvResult ok(long index) {
        return new KvResult(Status.OK, null, index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvResult r && r.status == status && r.index == index && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, index, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return status + (value == null ? "" : " (" + value.length + "B)") + " @" + index;
    }
}
