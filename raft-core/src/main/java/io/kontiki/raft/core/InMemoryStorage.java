package io.kontiki.raft.core;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Storage in memory, for tests and simulations. It behaves like the lab's persister: what was
 * written survives a simulated crash when the harness restarts the node from {@link #copy()},
 * and a crashed (zombie) instance that keeps writing to the old object cannot touch the copy.
 * {@link #sync()} is a no-op: everything written is "durable" at once.
 *
 * <p>Snapshots are byte arrays; the newest and the one before it are kept (a leader may still be
 * sending the older one), and a snapshot's checksum is the CRC32C of its bytes. A partial snapshot
 * received from a leader is kept too, and survives a restart like the rest.
 *
 * <p>Thread-safe: every method is synchronized, so a harness on another thread may read it.
 */
public final class InMemoryStorage implements Storage {

    private HardState hardState;
    /** The entries after {@link #logBase}, in order. */
    private final ArrayList<LogEntry> entries;
    private long logBase;
    private SnapshotMeta snapshot;
    private byte[] snapshotData;
    private SnapshotMeta previous;
    private byte[] previousData;
    private SnapshotMeta partial;
    private ByteArrayOutputStream partialData;

    public InMemoryStorage() {
        this.hardState = HardState.INITIAL;
        this.entries = new ArrayList<>();
        this.snapshot = SnapshotMeta.NONE;
        this.snapshotData = new byte[0];
        this.previous = SnapshotMeta.NONE;
        this.partial = SnapshotMeta.NONE;
    }

    private InMemoryStorage(InMemoryStorage o) {
        this.hardState = o.hardState;
        this.entries = new ArrayList<>(o.entries);
        this.logBase = o.logBase;
        this.snapshot = o.snapshot;
        this.snapshotData = o.snapshotData;
        this.previous = o.previous;
        this.previousData = o.previousData;
        this.partial = o.partial;
        if (o.partialData != null) {
            this.partialData = new ByteArrayOutputStream();
            this.partialData.writeBytes(o.partialData.toByteArray());
        }
    }

    /** An independent copy: writes to either object do not affect the other. */
    public synchronized InMemoryStorage copy() {
        return new InMemoryStorage(this);
    }

    /** The newest snapshot and the log entries after it, the hard state, and any partial snapshot. */
    @Override
    public synchronized PersistentState load() {
        List<LogEntry> after = entries.subList((int) (snapshot.index() - logBase), entries.size());
        PartialSnapshot receiving = partial.isNone() ? null : new PartialSnapshot(partial, partialData.size());
        return new PersistentState(hardState, snapshot, after, receiving);
    }

    @Override
    public synchronized long lastIndex() {
        return logBase + entries.size();
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    /** The newest snapshot, {@link SnapshotMeta#NONE} if none. */
    public synchronized SnapshotMeta snapshot() {
        return snapshot;
    }

    /** The newest snapshot's bytes (empty if none); not a copy: do not modify. */
    public synchronized byte[] snapshotData() {
        return snapshotData;
    }

    @Override
    public synchronized void saveHardState(HardState state) {
        this.hardState = state;
    }

    @Override
    public synchronized void truncateSuffix(long fromIndex) {
        if (fromIndex <= snapshot.index()) {
            throw new IllegalArgumentException("cannot truncate at " + fromIndex + ": the snapshot covers up to "
                    + snapshot.index());
        }
        while (lastIndex() >= fromIndex) {
            entries.remove(entries.size() - 1);
        }
    }

    @Override
    public synchronized void append(List<LogEntry> newEntries) {
        for (LogEntry e : newEntries) {
            if (e.index() != lastIndex() + 1) {
                throw new IllegalArgumentException("append out of order: expected index "
                        + (lastIndex() + 1) + ", got " + e.index());
            }
            entries.add(e);
        }
    }

    @Override
    public void sync() {
        // In memory: durable as soon as written.
    }

    // ---- snapshots --------------------------------------------------------------------------

    @Override
    public synchronized void compact(long index) {
        long upTo = Math.min(index, Math.min(snapshot.index(), lastIndex()));
        if (upTo > logBase) {
            entries.subList(0, (int) (upTo - logBase)).clear();
            logBase = upTo;
        }
    }

    @Override
    public synchronized void writeSnapshotChunk(SnapshotMeta meta, long offset, byte[] data) {
        if (offset == 0) {
            partial = meta;
            partialData = new ByteArrayOutputStream();
        } else if (!partial.equals(meta) || offset != partialData.size()) {
            throw new IllegalArgumentException("chunk at " + offset + " of " + meta + " does not continue "
                    + (partial.isNone() ? "any partial snapshot" : partialData.size() + " bytes of " + partial));
        }
        partialData.writeBytes(data);
    }

    @Override
    public synchronized boolean installSnapshot(SnapshotMeta meta) {
        if (!partial.equals(meta)) {
            throw new IllegalArgumentException("no partial " + meta + " to install (have " + partial + ")");
        }
        byte[] data = partialData.toByteArray();
        partial = SnapshotMeta.NONE;
        partialData = null;
        if (data.length != meta.size() || checksum(data) != meta.checksum()) {
            return false;
        }
        if (meta.index() <= snapshot.index()) {
            return true;
        }
        boolean keep = meta.index() <= lastIndex() && entries.get((int) (meta.index() - logBase - 1)).term() == meta.term();
        if (keep) {
            entries.subList(0, (int) (meta.index() - logBase)).clear();
        } else {
            entries.clear();
        }
        logBase = meta.index();
        replaceSnapshot(meta, data);
        return true;
    }

    @Override
    public synchronized SnapshotMeta saveSnapshot(long index, long term, SnapshotWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot at index " + index + " could not be written: " + e.getMessage(), e);
        }
        if (index <= snapshot.index()) {
            return snapshot;
        }
        byte[] data = out.toByteArray();
        SnapshotMeta meta = new SnapshotMeta(index, term, data.length, checksum(data));
        replaceSnapshot(meta, data);
        return meta;
    }

    @Override
    public synchronized byte[] readSnapshot(SnapshotMeta meta, long offset, int length) {
        byte[] data = dataOf(meta);
        return Arrays.copyOfRange(data, (int) offset, (int) offset + length);
    }

    @Override
    public synchronized InputStream openSnapshot(SnapshotMeta meta) {
        return new ByteArrayInputStream(dataOf(meta));
    }

    private byte[] dataOf(SnapshotMeta meta) {
        if (meta.equals(snapshot)) {
            return snapshotData;
        }
        if (meta.equals(previous)) {
            return previousData;
        }
        throw new UncheckedIOException(new IOException(meta + " is no longer stored (newest: " + snapshot + ")"));
    }

    private void replaceSnapshot(SnapshotMeta meta, byte[] data) {
        previous = snapshot;
        previousData = snapshotData;
        snapshot = meta;
        snapshotData = data;
    }

    /** The checksum of a snapshot's bytes: their CRC32C. */
    public static int checksum(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    /**
     * The persisted size in bytes under a compact encoding: the hard state as two 8-byte
     * numbers, the snapshot's metadata (if any) as four, and each entry as term, index (8 bytes
     * each), type (1 byte), length (4 bytes) and data. The snapshot's own bytes are not counted.
     * The lab harness's {@code LogSize()} reads this.
     */
    public synchronized long sizeInBytes() {
        long size = 16 + (snapshot.isNone() ? 0 : 32);
        for (LogEntry e : entries) {
            size += 21 + e.data().length;
        }
        return size;
    }
}
