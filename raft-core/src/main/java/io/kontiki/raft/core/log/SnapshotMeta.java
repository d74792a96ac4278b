package io.kontiki.raft.core.log;

/**
 * What identifies a snapshot: the last entry it covers, and the byte stream that stores it.
 *
 * <p>A snapshot at {@code index} stands for every entry up to and including {@code index}: the
 * application's state after applying them. The core never looks inside a snapshot; it passes
 * the bytes between nodes in chunks and uses {@code size} and {@code checksum} only to tell two
 * byte streams apart, so that an interrupted transfer resumes only into the stream it started
 * (two snapshots of the same index taken by different nodes may differ byte for byte).
 *
 * @param index    the index of the last entry covered (0 for {@link #NONE})
 * @param term     the term of that entry (0 for {@link #NONE})
 * @param size     the number of bytes of the snapshot as stored and sent
 * @param checksum a checksum of those bytes, computed by the snapshot's store (CRC32C in
 *                 Kontiki's stores); the store verifies a received snapshot against it
 */
public record SnapshotMeta(long index, long term, long size, int checksum) {

    /** No snapshot: the log starts at index 1. */
    public static final SnapshotMeta NONE = new SnapshotMeta(0, 0, 0, 0);

    public SnapshotMeta {
        if (index < 0 || term < 0 || size < 0) {
            throw new IllegalArgumentException("snapshot index, term and size must be >= 0: " + index + ", " + term
                    + ", " + size);
        }
        if ((index == 0) != (term == 0)) {
            throw new IllegalArgumentException("a snapshot at index " + index + " cannot have term " + term);
        }
    }

    /** The id of the last entry covered. */
    public EntryId id() {
        return new EntryId(term, index);
    }

    /** True for {@link #NONE}. */
    public boolean isNone() {
        return index == 0;
    }

    @Override
    public String toString() {
        return isNone() ? "no snapshot" : "snapshot " + term + "/" + index + " (" + size + " B, crc "
                + String.format("%08x", checksum) + ")";
    }
}
