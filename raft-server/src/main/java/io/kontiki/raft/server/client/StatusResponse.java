package io.kontiki.raft.server.client;

import io.kontiki.raft.core.NodeStatus;
import java.util.Objects;

/**
 * The answer to a STATUS request: one node's view of the cluster, as of its last loop turn.
 * A message of its own on the wire (not a field of {@link ClientResponse}), so that each field
 * is typed and checked; a STATUS request that fails (overload) is answered with a
 * {@link ClientResponse} of status ERROR instead.
 *
 * @param requestId         the request's id
 * @param nodeId            the answering node
 * @param role              its role, e.g. {@code LEADER}; at most {@value #MAX_ROLE_CHARS} chars
 * @param term              its current term
 * @param leaderId          the leader it knows of, or -1
 * @param commitIndex       its commit index
 * @param appliedIndex      the last index its state machine applied
 * @param lastContactMillis milliseconds since it last heard from the leader (0 on the leader),
 *                          or -1 if never
 * @param snapshotIndex     the index of its newest snapshot (0 if none)
 * @param logEntries        the log entries its data directory holds (after compaction)
 * @param logBytes          the bytes of its log segments on disk
 * @param snapshotBytes     the bytes of its snapshot files on disk
 * @param digestIndex       the applied index at which {@code digest} was taken
 * @param digest            a digest of its key-value store's contents at {@code digestIndex}: two
 *                          nodes at the same index with different digests hold different data
 */
public record StatusResponse(long requestId, int nodeId, String role, long term, int leaderId, long commitIndex,
                             long appliedIndex, long lastContactMillis, long snapshotIndex, long logEntries,
                             long logBytes, long snapshotBytes, long digestIndex, long digest) {

    /** A status without storage figures (a node that has none, such as a test double). */
    public StatusResponse(long requestId, int nodeId, String role, long term, int leaderId, long commitIndex,
                          long appliedIndex, long lastContactMillis) {
        this(requestId, nodeId, role, term, leaderId, commitIndex, appliedIndex, lastContactMillis, 0, 0, 0, 0, 0, 0);
    }

    public static final int MAX_ROLE_CHARS = 32;

    public StatusResponse {
        Objects.requireNonNull(role, "role");
        if (role.isEmpty() || role.length() > MAX_ROLE_CHARS) {
            throw new IllegalArgumentException("StatusResponse: role must have 1 to " + MAX_ROLE_CHARS + " chars");
        }
        if (requestId < 0 || term < 0 || commitIndex < 0 || appliedIndex < 0) {
            throw new IllegalArgumentException("StatusResponse: requestId, term, commitIndex and appliedIndex must "
                    + "not be negative: " + requestId + ", " + term + ", " + commitIndex + ", " + appliedIndex);
        }
        if (snapshotIndex < 0 || logEntries < 0 || logBytes < 0 || snapshotBytes < 0 || digestIndex < 0) {
            throw new IllegalArgumentException("StatusResponse: snapshotIndex, logEntries, logBytes, snapshotBytes and "
                    + "digestIndex must not be negative");
        }
        if (nodeId < -1 || leaderId < -1 || lastContactMillis < -1) {
            throw new IllegalArgumentException("StatusResponse: nodeId, leaderId and lastContactMillis must be >= -1: "
                    + nodeId + ", " + leaderId + ", " + lastContactMillis);
        }
    }

    /** The status of a Raft node, for request {@code requestId}, without storage figures. */
    public static StatusResponse of(long requestId, NodeStatus status, long lastContactMillis) {
        return new StatusResponse(requestId, status.id(), status.closed() ? "CLOSED" : status.role().name(),
                status.term(), status.leaderId(), status.commitIndex(), status.appliedIndex(), lastContactMillis);
    }

    /** A copy with the storage figures and the store's digest. */
    public StatusResponse withStorage(long snapshot, long entries, long bytes, long snapshotFileBytes, long atIndex,
                                      long storeDigest) {
        return new StatusResponse(requestId, nodeId, role, term, leaderId, commitIndex, appliedIndex, lastContactMillis,
                snapshot, entries, bytes, snapshotFileBytes, atIndex, storeDigest);
    }

    @Override
    public String toString() {
        return "node " + nodeId + " " + role + " term " + term + " leader " + leaderId + " commit " + commitIndex
                + " applied " + appliedIndex + " contact " + lastContactMillis + "ms snapshot " + snapshotIndex + " log "
                + logEntries + " entries " + logBytes + " B digest " + String.format("%016x", digest) + "@" + digestIndex;
    }
}
