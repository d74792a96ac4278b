package io.kontiki.raft.core.message;

import io.kontiki.raft.core.log.SnapshotMeta;
import java.util.Objects;

/**
 * A leader sends a follower one chunk of a snapshot (§7 and Figure 13 of the extended paper), when
 * the follower needs entries the leader has discarded. The snapshot is sent in chunks of at most
 * a configured size, each at its byte {@code offset}; the follower writes a chunk only if it
 * starts exactly where the bytes it already holds durably end, and answers with that point
 * ({@link InstallSnapshotResponse#nextOffset()}), so a transfer cut by a partition, a lost message
 * or a restart resumes there instead of starting over. The chunk that reaches
 * {@code snapshot.size()} is the last ({@link #isLast()}); the follower then verifies and installs
 * the snapshot.
 *
 * @param snapshot the snapshot the chunk belongs to (chunks of another snapshot never mix with it)
 * @param offset   the position of {@code data} in the snapshot's bytes
 * @param data     the chunk; {@code offset + data.length <= snapshot.size()}; not copied, never modified
 */
public record InstallSnapshot(int from, int to, long term, SnapshotMeta snapshot, long offset, byte[] data)
        implements RaftMessage {

    public InstallSnapshot {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(data, "data");
        if (snapshot.isNone()) {
            throw new IllegalArgumentException("InstallSnapshot needs a snapshot");
        }
        if (offset < 0 || offset + data.length > snapshot.size()) {
            throw new IllegalArgumentException("chunk [" + offset + ", " + (offset + data.length)
                    + ") lies outside the snapshot's " + snapshot.size() + " bytes");
        }
    }

    /** Equal messages carry equal bytes (a record would compare the array by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof InstallSnapshot m && m.from == from && m.to == to && m.term == term
                && m.snapshot.equals(snapshot) && m.offset == offset && java.util.Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(from, to, term, snapshot, offset, java.util.Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return describe();
    }

    /** True for the chunk that completes the snapshot (Figure 13's {@code done}). */
    public boolean isLast() {
        return offset + data.length == snapshot.size();
    }

    @Override
    public boolean isRequest() {
        return true;
    }

    @Override
    public String describe() {
        return from + "->" + to + " InstallSnapshot term=" + term + " snap=" + snapshot.term() + "/" + snapshot.index()
                + " bytes=[" + offset + "," + (offset + data.length) + ")/" + snapshot.size() + (isLast() ? " last" : "");
    }
}
