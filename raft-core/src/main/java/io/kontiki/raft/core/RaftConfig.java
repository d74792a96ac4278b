package io.kontiki.raft.core;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A node's protocol configuration. Time is counted in ticks; the driver ({@link RaftNode})
 * calls {@code tick()} every {@link #tickMillis} milliseconds.
 *
 * <p>Validated when built: {@code electionTicks > heartbeatTicks}, the node is one of the
 * voters, limits are positive.
 *
 * @param nodeId              this node's id ({@code >= 0})
 * @param voters              every voting member, this node included, sorted
 * @param tickMillis          milliseconds per tick (used by the driver only)
 * @param heartbeatTicks      a leader sends a heartbeat to each peer every this many ticks
 * @param electionTicks       a follower that hears no leader for a random number of ticks in
 *                            {@code [electionTicks, 2 * electionTicks)} starts an election
 * @param noopOnElection      whether a new leader appends an empty entry at the start of its
 *                            term (§8): on for servers, off in the lab's configuration
 * @param maxEntriesPerAppend at most this many entries in one AppendEntries
 * @param maxBytesPerAppend   at most about this many bytes of entry data in one AppendEntries
 *                            (one entry is always allowed, whatever its size)
 * @param maxInflightAppends  at most this many unacknowledged AppendEntries with entries per peer
 * @param snapshotChunkBytes  a snapshot is sent in InstallSnapshot chunks of at most this many bytes
 * @param maxSnapshotInflightBytes at most this many snapshot bytes sent to one follower and not yet
 *                            acknowledged (flow control; at least one chunk is always allowed)
 * @param maxSnapshotSends    at most this many followers are sent a snapshot at the same time; the
 *                            others wait (probing) until a transfer ends
 * @param catchUpEntries      after a snapshot, the log keeps this many entries before the
 *                            snapshot's index, so a follower only a little behind catches up from
 *                            the log instead of needing the snapshot
 * @param snapshotEntries     the driver asks the state machine for a snapshot once this many
 *                            entries were applied since the last one (0: only when the application
 *                            asks, see {@code RaftNode.snapshot})
 * @param snapshotBytes       ... or once the entries applied since the last one hold this many
 *                            bytes of data (0: no byte threshold)
 */
public record RaftConfig(int nodeId, List<Integer> voters, long tickMillis, int heartbeatTicks,
                         int electionTicks, boolean noopOnElection, int maxEntriesPerAppend,
                         long maxBytesPerAppend, int maxInflightAppends, int snapshotChunkBytes,
                         long maxSnapshotInflightBytes, int maxSnapshotSends, long catchUpEntries,
                         long snapshotEntries, long snapshotBytes) {

    /** "No node": no vote cast, no leader known. */
    public static final int NO_NODE = -1;

    public RaftConfig {
        Objects.requireNonNull(voters, "voters");
        voters = List.copyOf(new TreeSet<>(voters));
        if (nodeId < 0) {
            throw new IllegalArgumentException("nodeId must be >= 0: " + nodeId);
        }
        if (!voters.contains(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the voters " + voters);
        }
        if (voters.stream().anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("node ids must be >= 0: " + voters);
        }
        if (tickMillis <= 0) {
            throw new IllegalArgumentException("tickMillis must be > 0: " + tickMillis);
        }
        if (heartbeatTicks <= 0) {
            throw new IllegalArgumentException("heartbeatTicks must be > 0: " + heartbeatTicks);
        }
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicks (" + electionTicks
                    + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        }
        if (maxEntriesPerAppend <= 0 || maxBytesPerAppend <= 0 || maxInflightAppends <= 0) {
            throw new IllegalArgumentException("append limits must be > 0");
        }
        if (snapshotChunkBytes <= 0 || maxSnapshotInflightBytes <= 0 || maxSnapshotSends <= 0) {
            throw new IllegalArgumentException("snapshot transfer limits must be > 0");
        }
        if (catchUpEntries < 0 || snapshotEntries < 0 || snapshotBytes < 0) {
            throw new IllegalArgumentException("catchUpEntries, snapshotEntries and snapshotBytes must be >= 0");
        }
    }

    /**
     * The configuration the lab scenarios run with: 10 ms ticks, a heartbeat every 100 ms
     * (the lab allows at most 10 per second), an election timeout of 400–800 ms (a new leader
     * well within the lab's 5 s), and no no-op entry (the lab expects the first command at
     * index 1). After a snapshot the log keeps no entries before its index (the lab's
     * {@code Snapshot(index)} discards them all); the driver takes no snapshot on its own.
     */
    public static RaftConfig lab(int nodeId, List<Integer> voters) {
        return builder(nodeId, voters).tickMillis(10).heartbeatTicks(10).electionTicks(40)
                .noopOnElection(false).catchUpEntries(0).build();
    }

    public static Builder builder(int nodeId, List<Integer> voters) {
        return new Builder(nodeId, voters);
    }

    /** A builder holding this configuration, to change a few settings of it. */
    public Builder toBuilder() {
        return builder(nodeId, voters).tickMillis(tickMillis).heartbeatTicks(heartbeatTicks).electionTicks(electionTicks)
                .noopOnElection(noopOnElection).maxEntriesPerAppend(maxEntriesPerAppend)
                .maxBytesPerAppend(maxBytesPerAppend).maxInflightAppends(maxInflightAppends)
                .snapshotChunkBytes(snapshotChunkBytes).maxSnapshotInflightBytes(maxSnapshotInflightBytes)
                .maxSnapshotSends(maxSnapshotSends).catchUpEntries(catchUpEntries).snapshotEntries(snapshotEntries)
                .snapshotBytes(snapshotBytes);
    }

    /** A copy with another node id, for building the configurations of a whole cluster. */
    public RaftConfig withNodeId(int id) {
        return new RaftConfig(id, voters, tickMillis, heartbeatTicks, electionTicks, noopOnElection,
                maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes,
                maxSnapshotInflightBytes, maxSnapshotSends, catchUpEntries, snapshotEntries, snapshotBytes);
    }

    /** True if the driver takes snapshots on its own (a threshold is set). */
    public boolean takesSnapshots() {
        return snapshotEntries > 0 || snapshotBytes > 0;
    }

    /**
     * Defaults for servers: 10 ms ticks, 50 ms heartbeats, 150–300 ms election timeouts, no-op on;
     * snapshots sent in 1 MiB chunks, at most 4 MiB in flight per follower, two followers at a
     * time; 10,000 entries kept before a snapshot's index; no snapshot taken by the driver on its
     * own (the application chooses thresholds that suit its state machine).
     */
    public static final class Builder {
        private final int nodeId;
        private final List<Integer> voters;
        private long tickMillis = 10;
        private int heartbeatTicks = 5;
        private int electionTicks = 15;
        private boolean noopOnElection = true;
        private int maxEntriesPerAppend = 512;
        private long maxBytesPerAppend = 1 << 20;
        private int maxInflightAppends = 64;
        private int snapshotChunkBytes = 1 << 20;
        private long maxSnapshotInflightBytes = 4L << 20;
        private int maxSnapshotSends = 2;
        private long catchUpEntries = 10_000;
        private long snapshotEntries;
        private long snapshotBytes;

        private Builder(int nodeId, List<Integer> voters) {
            this.nodeId = nodeId;
            this.voters = voters;
        }

        public Builder tickMillis(long v) {
            tickMillis = v;
            return this;
        }

        public Builder heartbeatTicks(int v) {
            heartbeatTicks = v;
            return this;
        }

        public Builder electionTicks(int v) {
            electionTicks = v;
            return this;
        }

        public Builder noopOnElection(boolean v) {
            noopOnElection = v;
            return this;
        }

        public Builder maxEntriesPerAppend(int v) {
            maxEntriesPerAppend = v;
            return this;
        }

        public Builder maxBytesPerAppend(long v) {
            maxBytesPerAppend = v;
            return this;
        }

        public Builder maxInflightAppends(int v) {
            maxInflightAppends = v;
            return this;
        }

        public Builder snapshotChunkBytes(int v) {
            snapshotChunkBytes = v;
            return this;
        }

        public Builder maxSnapshotInflightBytes(long v) {
            maxSnapshotInflightBytes = v;
            return this;
        }

        public Builder maxSnapshotSends(int v) {
            maxSnapshotSends = v;
            return this;
        }

        public Builder catchUpEntries(long v) {
            catchUpEntries = v;
            return this;
        }

        public Builder snapshotEntries(long v) {
            snapshotEntries = v;
            return this;
        }

        public Builder snapshotBytes(long v) {
            snapshotBytes = v;
            return this;
        }

        public RaftConfig build() {
            return new RaftConfig(nodeId, voters, tickMillis, heartbeatTicks, electionTicks,
                    noopOnElection, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends,
                    snapshotChunkBytes, maxSnapshotInflightBytes, maxSnapshotSends, catchUpEntries,
                    snapshotEntries, snapshotBytes);
        }
    }
}
