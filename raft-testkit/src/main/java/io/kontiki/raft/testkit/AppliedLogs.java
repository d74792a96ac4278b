package io.kontiki.raft.testkit;

import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import java.util.ArrayList;

/**
 * The lab's record of what every server applied ({@code logs[i]}, spec §4.6–4.7, 4.11), and its
 * plain applier.
 *
 * <p>{@link #apply} is {@code checkLogs} plus the {@code prevok} rule: a value that differs from
 * what another server applied at the same index, or an index applied before its predecessor,
 * is an apply error. As in the lab, an apply error is fatal: it is recorded, every later
 * {@link #nCommitted} fails with it, and {@code apply} throws {@link LabFailure} at once.
 *
 * <p>A server's record survives its restarts: a restarted server re-applies from index 1, which
 * is tolerated since the values are the same.
 *
 * <p><b>Threads:</b> thread-safe (synchronized); apply executors of different servers may call
 * it concurrently in a real-time cluster.
 */
public final class AppliedLogs implements LabApplier {

    /** What {@link #nCommitted} returns: how many servers applied the index, and the value. */
    public record Committed(int count, LabValue value) {
    }

    private final ArrayList<ArrayList<LabValue>> logs;
    private final String[] applyErr;
    private long maxIndex;

    public AppliedLogs(int servers) {
        logs = new ArrayList<>(servers);
        for (int i = 0; i < servers; i++) {
            logs.add(new ArrayList<>());
        }
        applyErr = new String[servers];
    }

    /** Records that {@code server} applied {@code entry}; throws {@link LabFailure} on an apply error. */
    @Override
    public synchronized void apply(int server, LogEntry entry) {
        if (entry.type() != EntryType.COMMAND) {
            // The lab configuration appends no no-ops; if one shows up, the lab's applier
            // would see CommandValid == false and ignore it.
            return;
        }
        long index = entry.index();
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
            applyErr[server] = err;
            throw new LabFailure("apply error: " + err);
        }
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
