package io.kontiki.raft.testkit;

import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * The lab's record of what every server applied ({@code logs[i]}, spec §4.6–4.8, 4.11), and its
 * two appliers: the plain one of parts 2A–2C and the snapshot applier of part 2D.
 *
 * <p>{@link #apply} is {@code checkLogs} plus the {@code prevok} rule: a value that differs from
 * what another server applied at the same index, or an index applied before its predecessor,
 * is an apply error. As in the lab, an apply error is fatal: it is recorded, every later
 * {@link #nCommitted} fails with it, and {@code apply} throws {@link LabFailure} at once.
 *
 * <p>A server's record survives its restarts: a restarted server re-applies from index 1, which
 * is tolerated since the values are the same.
 *
 * <h2>Snapshot applier (§4.8)</h2>
 * {@linkplain #withSnapshots With snapshots}, each server must apply exactly the index after the
 * last one it applied ({@code lastApplied[i]}, reset to 0 by each restart and set by each snapshot
 * it restores), and after applying an index ≡ 9 (mod 10) it takes a snapshot of its record up to
 * there (the index, then the value at every index), which the state machine hands to its node
 * (the lab's {@code rf.Snapshot(index, bytes)}) on the apply thread. Restoring a snapshot
 * ({@code ingestSnap}) replaces the server's record by the snapshot's. Snapshots may carry padding,
 * so that scenarios beyond the lab can make them span many InstallSnapshot chunks.
 *
 * <p><b>Threads:</b> thread-safe (synchronized); apply executors of different servers may call
 * it concurrently in a real-time cluster.
 */
public final class AppliedLogs implements LabApplier {

    /** What {@link #nCommitted} returns: how many servers applied the index, and the value. */
    public record Committed(int count, LabValue value) {
    }

    /** The lab's {@code SnapShotInterval}: a snapshot after every index ≡ 9 (mod 10). */
    public static final int SNAPSHOT_INTERVAL = 10;

    private final ArrayList<ArrayList<LabValue>> logs;
    private final String[] applyErr;
    private final boolean snapshots;
    private final int padding;
    private final long[] lastApplied;
    private long maxIndex;
    private long snapshotsTaken;
    private long snapshotsRestored;

    /** The plain applier. */
    public AppliedLogs(int servers) {
        this(servers, false, 0);
    }

    private AppliedLogs(int servers, boolean snapshots, int padding) {
        logs = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            logs.add(new ArrayList<>());
        }
        applyErr = new String[servers];
        this.snapshots = snapshots;
        this.padding = padding;
        this.lastApplied = new long[servers];
    }

    /** The snapshot applier; each snapshot carries {@code padding} extra bytes (0 in the lab's scenarios). */
    public static AppliedLogs withSnapshots(int servers, int padding) {
        return new AppliedLogs(servers, true, padding);
    }

    public boolean takesSnapshots() {
        return snapshots;
    }

    /** Records that {@code server} applied {@code entry}; throws {@link LabFailure} on an apply error. */
    @Override
    public void apply(int server, LogEntry entry) {
        applyAndSnapshot(server, entry);
    }

    /** Records the entry; returns the snapshot the snapshot applier takes after it, or null. */
    @Override
    public synchronized byte[] applyAndSnapshot(int server, LogEntry entry) {
        long index = entry.index();
        if (snapshots && index != lastApplied[server] + 1) {
            fatal(server, "server " + server + " apply out of order, expected index " + (lastApplied[server] + 1)
                    + ", got " + index);
        }
        if (entry.type() != EntryType.COMMAND) {
            // The lab configuration appends no no-ops; if one shows up, the lab's applier
            // would see CommandValid == false and ignore it.
            lastApplied[server] = index;
            return null;
        }
        LabValue v = LabValue.ofBytes(entry.data());
        String err = null;
        for (int j = 0; j < logs.size(); j++) {
            LabValue old = get(j, index);
            if (old != null && !old.equals(v)) {
                err = "commit index=" + index + " server=" + server + " " + v + " != server=" + j + " " + old;
            }
        }
        boolean prevok = get(server, index - 1) != null;
        set(server, index, v);
        maxIndex = Math.max(maxIndex, index);
        if (err == null && index > 1 && !prevok) {
            err = "server " + server + " apply out of order " + index;
        }
        if (err != null) {
            fatal(server, err);
        }
        lastApplied[server] = index;
        if (snapshots && (index + 1) % SNAPSHOT_INTERVAL == 0) {
            snapshotsTaken++;
            return encode(server, index);
        }
        return null;
    }

    private void fatal(int server, String err) {
        applyErr[server] = err;
        throw new LabFailure("apply error: " + err);
    }

    /** The lab's {@code ingestSnap(i, snapshot, index)}. */
    @Override
    public synchronized void restore(int server, SnapshotMeta meta, byte[] data) {
        if (!snapshots) {
            LabApplier.super.restore(server, meta, data);
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        long index;
        ArrayList<LabValue> values = new ArrayList<>();
        try {
            index = in.getLong();
            int pad = in.getInt();
            in.position(in.position() + pad);
            for (long k = 1; k <= index; k++) {
                int length = in.getInt();
                if (length < 0) {
                    values.add(null);
                } else {
                    byte[] b = new byte[length];
                    in.get(b);
                    values.add(LabValue.ofBytes(b));
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            fatal(server, "server " + server + " snapshot decode error: " + e);
            return;
        }
        if (in.hasRemaining() || index != meta.index()) {
            fatal(server, "server " + server + " snapshot doesn't match m.SnapshotIndex (" + index + " vs "
                    + meta.index() + ")");
        }
        logs.set(server, values);
        lastApplied[server] = index;
        snapshotsRestored++;
    }

    @Override
    public synchronized void started(int server) {
        lastApplied[server] = 0;
    }

    /** The snapshot of server {@code server}'s record up to {@code index}: index, padding, then the values. */
    private byte[] encode(int server, long index) {
        int size = 8 + 4 + padding;
        for (long k = 1; k <= index; k++) {
            LabValue v = get(server, k);
            size += 4 + (v == null ? 0 : v.bytes().length);
        }
        ByteBuffer out = ByteBuffer.allocate(size).putLong(index).putInt(padding);
        out.position(out.position() + padding);
        for (long k = 1; k <= index; k++) {
            LabValue v = get(server, k);
            if (v == null) {
                out.putInt(-1);
            } else {
                out.putInt(v.bytes().length).put(v.bytes());
            }
        }
        return out.array();
    }

    /** Snapshots handed to nodes, and snapshots restored, over the run. */
    public synchronized long snapshotsTaken() {
        return snapshotsTaken;
    }

    public synchronized long snapshotsRestored() {
        return snapshotsRestored;
    }

    /**
     * The lab's {@code nCommitted(index)}: how many servers (running or not) applied a value at
     * {@code index}, and that value. Fails on a recorded apply error or on two different values.
     */
    public synchronized Committed nCommitted(long index) {
        int count = 0;
        LabValue value = null;
        for (int i = 0; i < logs.size(); i++) {
            if (applyErr[i] != null) {
                throw new LabFailure(applyErr[i]);
            }
            LabValue v = get(i, index);
            if (v != null) {
                if (count > 0 && !v.equals(value)) {
                    throw new LabFailure("committed values do not match: index " + index + ", " + value + ", " + v);
                }
                count++;
                value = v;
            }
        }
        return new Committed(count, value);
    }

    /** The highest index any server applied. */
    public synchronized long maxIndex() {
        return maxIndex;
    }

    /** The value {@code server} applied at {@code index}, or null. */
    public synchronized LabValue valueAt(int server, long index) {
        return get(server, index);
    }

    private LabValue get(int server, long index) {
        ArrayList<LabValue> log = logs.get(server);
        return index >= 1 && index <= log.size() ? log.get((int) (index - 1)) : null;
    }

    private void set(int server, long index, LabValue v) {
        ArrayList<LabValue> log = logs.get(server);
        while (log.size() < index) {
            log.add(null);
        }
        log.set((int) (index - 1), v);
    }
}
