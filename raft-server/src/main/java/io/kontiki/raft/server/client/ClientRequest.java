package io.kontiki.raft.server.client;

import io.kontiki.raft.server.kv.KvCommand;
import java.util.Arrays;
import java.util.Objects;

/**
 * A request on the client port. Immutable (the arrays are never modified after construction).
 *
 * <p>The shape depends on the op, and the constructor enforces it (so does the decoder, which
 * builds requests through it):
 * <table>
 *   <caption>Fields by op</caption>
 *   <tr><th>op</th><th>sequence</th><th>key</th><th>value</th><th>expected / expectAbsent</th></tr>
 *   <tr><td>PUT</td><td>&gt;= 1</td><td>yes</td><td>yes</td><td>null / false</td></tr>
 *   <tr><td>GET</td><td>ignored (0)</td><td>yes</td><td>null</td><td>null / false</td></tr>
 *   <tr><td>DELETE</td><td>&gt;= 1</td><td>yes</td><td>null</td><td>null / false</td></tr>
 *   <tr><td>CAS</td><td>&gt;= 1</td><td>yes</td><td>yes</td><td>exactly one of: expected, or
 *       expectAbsent = true</td></tr>
 *   <tr><td>STATUS, SNAPSHOT</td><td>ignored (0)</td><td>"" (null accepted)</td><td>null</td><td>null / false</td></tr>
 * </table>
 * Keys and values have the bounds of {@link KvCommand}. A violation is an
 * {@link IllegalArgumentException} (a {@link NullPointerException} for a missing key).
 *
 * @param requestId    pairs the response with the request on one connection; chosen by the
 *                     client, unique among its requests in flight, not negative
 * @param clientId     the client's session id (any long, chosen at random by the client)
 * @param sequence     the write's number in the client's session: 1, 2, 3…, reused by retries
 */
public record ClientRequest(long requestId, long clientId, long sequence, Op op, String key, byte[] value,
                            byte[] expected, boolean expectAbsent) {

    /** What a request asks for; the wire carries the ordinal. */
    public enum Op {
        PUT, GET, DELETE, CAS, STATUS,
        /** Asks the node to snapshot its store now (appended: ordinal 5). */
        SNAPSHOT;

        /** True for the ops that address a node rather than a key (STATUS, SNAPSHOT). */
        public boolean isNodeOp() {
            return this == STATUS || this == SNAPSHOT;
        }

        /** True for the ops that change the store. */
        public boolean isWrite() {
            return this == PUT || this == DELETE || this == CAS;
        }
    }

    public ClientRequest {
        Objects.requireNonNull(op, "op");
        if (requestId < 0) {
            throw new IllegalArgumentException("ClientRequest: requestId " + requestId + " is negative");
        }
        if (sequence < (op.isWrite() ? 1 : 0)) {
            throw new IllegalArgumentException("ClientRequest: " + op + " sequence " + sequence + " is below "
                    + (op.isWrite() ? 1 : 0));
        }
        if (op.isNodeOp()) {
            if (key != null && !key.isEmpty()) {
                throw new IllegalArgumentException("ClientRequest: " + op + " carries no key");
            }
            key = "";
        } else {
            KvCommand.checkKey(key);
        }
        boolean wantsValue = op == Op.PUT || op == Op.CAS;
        if (wantsValue) {
            if (value == null) {
                throw new IllegalArgumentException("ClientRequest: " + op + " needs a value");
            }
            KvCommand.checkValue(value, "value");
        } else if (value != null) {
            throw new IllegalArgumentException("ClientRequest: " + op + " carries no value");
        }
        if (op == Op.CAS) {
            if (expectAbsent == (expected != null)) {
                throw new IllegalArgumentException("ClientRequest: CAS needs exactly one of an expected value "
                        + "and expectAbsent");
            }
            if (expected != null) {
                KvCommand.checkValue(expected, "expected value");
            }
        } else if (expected != null || expectAbsent) {
            throw new IllegalArgumentException("ClientRequest: " + op + " carries no expected value");
        }
    }

    public static ClientRequest put(long requestId, long clientId, long sequence, String key, byte[] value) {
        return new ClientRequest(requestId, clientId, sequence, Op.PUT, key, value, null, false);
    }

    public static ClientRequest get(long requestId, long clientId, String key) {
        return new ClientRequest(requestId, clientId, 0, Op.GET, key, null, null, false);
    }

    public static ClientRequest delete(long requestId, long clientId, long sequence, String key) {
        return new ClientRequest(requestId, clientId, sequence, Op.DELETE, key, null, null, false);
    }

    /** A CAS; {@code expected == null} means the key must be absent. */
    public static ClientRequest cas(long requestId, long clientId, long sequence, String key, byte[] expected,
                                    byte[] value) {
        return new ClientRequest(requestId, clientId, sequence, Op.CAS, key, value, expected, expected == null);
    }

    public static ClientRequest status(long requestId) {
        return new ClientRequest(requestId, 0, 0, Op.STATUS, "", null, null, false);
    }

    /** Asks the node to snapshot its store now. */
    public static ClientRequest snapshot(long requestId) {
        return new ClientRequest(requestId, 0, 0, Op.SNAPSHOT, "", null, null, false);
    }

    /** The same request under another request id (a retry on another connection). */
    public ClientRequest withRequestId(long id) {
        return new ClientRequest(id, clientId, sequence, op, key, value, expected, expectAbsent);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientRequest r && r.requestId == requestId && r.clientId == clientId
                && r.sequence == sequence && r.op == op && r.key.equals(key) && Arrays.equals(r.value, value)
                && Arrays.equals(r.expected, expected) && r.expectAbsent == expectAbsent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, clientId, sequence, op, key, Arrays.hashCode(value), Arrays.hashCode(expected),
                expectAbsent);
    }

    @Override
    public String toString() {
        return "#" + requestId + " " + op + (op.isNodeOp() ? "" : " " + key) + " [" + clientId + "#" + sequence + "]";
    }
}
