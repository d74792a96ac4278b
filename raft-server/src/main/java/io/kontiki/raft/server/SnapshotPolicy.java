package io.kontiki.raft.server;

/**
 * When a server snapshots its key-value store and what it keeps of the log, and how it sends
 * snapshots to followers. Validated when built: every value positive, chunks within the frame
 * limit.
 *
 * @param entries        take a snapshot once this many entries were applied since the last one
 * @param logBytes       ... or once the entries applied since the last one hold this many bytes
 *                       of command data (the log on disk is somewhat larger: record headers)
 * @param catchUpEntries entries kept before a snapshot's index, so a follower slightly behind
 *                       catches up from the log instead of needing the whole snapshot
 * @param chunkBytes     a snapshot is sent to a follower in chunks of at most this many bytes
 * @param inflightBytes  at most this many snapshot bytes sent to one follower and not yet
 *                       acknowledged
 * @param maxSends       at most this many followers are sent a snapshot at the same time
 * @param segmentBytes   the size of a log segment file; compaction deletes whole segments, so
 *                       the log on disk holds up to one segment more than compaction leaves
 */
public record SnapshotPolicy(long entries, long logBytes, long catchUpEntries, int chunkBytes, long inflightBytes,
                             int maxSends, long segmentBytes) {

    /** The largest chunk: well within the peer port's 16 MiB frame limit. */
    public static final int MAX_CHUNK_BYTES = 8 << 20;

    /**
     * The defaults: a snapshot every 500,000 entries or 32 MiB of command data, whichever comes
     * first, so a busy node's log stays at tens of MiB; 10,000 entries kept for catching up; 1 MiB
     * chunks, 4 MiB in flight per follower, two followers at a time; 8 MiB log segments.
     */
    public static final SnapshotPolicy DEFAULTS = new SnapshotPolicy(500_000, 32L << 20, 10_000, 1 << 20, 4L << 20, 2,
            8L << 20);

    public SnapshotPolicy {
        if (entries <= 0 || logBytes <= 0) {
            throw new IllegalArgumentException("snapshot thresholds must be > 0 (entries " + entries + ", log bytes "
                    + logBytes + ")");
        }
        if (catchUpEntries < 0) {
            throw new IllegalArgumentException("snapshot catch-up entries must be >= 0: " + catchUpEntries);
        }
        if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("snapshot chunk must be 1.." + MAX_CHUNK_BYTES + " bytes: " + chunkBytes);
        }
        if (inflightBytes < chunkBytes) {
            throw new IllegalArgumentException("snapshot bytes in flight (" + inflightBytes
                    + ") must be at least one chunk (" + chunkBytes + ")");
        }
        if (segmentBytes < 1024 || segmentBytes > (1L << 30)) {
            throw new IllegalArgumentException("log segment size must be 1 KiB..1 GiB: " + segmentBytes);
        }
        if (maxSends <= 0) {
            throw new IllegalArgumentException("concurrent snapshot sends must be > 0: " + maxSends);
        }
    }
}
