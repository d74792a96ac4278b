package io.kontiki.raft.core.message;

/**
 * The answer to an {@link InstallSnapshot}: how far the follower holds the snapshot with index
 * {@code snapshotIndex} durably, and whether it has installed it.
 *
 * <p>{@code nextOffset} is the byte offset the follower expects next: the leader resumes there
 * (0 means "start over": the follower holds nothing of this snapshot, or what it held did not
 * verify). {@code installed} means the follower has verified and installed the snapshot, so its log
 * now matches the leader's up to {@code snapshotIndex}. A follower that does not need the snapshot
 * (it has the entries) answers with an {@link AppendEntriesResponse} instead.
 */
public record InstallSnapshotResponse(int from, int to, long term, long snapshotIndex, long nextOffset,
                                      boolean installed) implements RaftMessage {

    public InstallSnapshotResponse {
        if (snapshotIndex < 1 || nextOffset < 0) {
            throw new IllegalArgumentException("snapshotIndex must be >= 1 and nextOffset >= 0: " + snapshotIndex
                    + ", " + nextOffset);
        }
    }

    @Override
    public boolean isRequest() {
        return false;
    }

    @Override
    public String describe() {
        return from + "->" + to + " InstallSnapshotResponse term=" + term + " snap=" + snapshotIndex
                + (installed ? " installed" : " next=" + nextOffset);
    }
}
