package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.PersistentState;
import io.kontiki.raft.core.SnapshotWriter;
import io.kontiki.raft.core.Storage;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link Storage} on disk: a {@link DataDirectory} holding a {@link HardStateFile} and a
 * {@link SegmentedLog}.
 *
 * <p><b>Durability.</b> {@link #saveHardState} only remembers the new state; {@link #append}
 * hands records to the OS; {@link #truncateSuffix} is durable at once (it is rare, and a
 * half-done truncation followed by new records could otherwise look like corruption). One
 * {@link #sync} then makes everything since the previous sync durable together (group commit):
 * the hard state is replaced if it changed, then every log segment written since is forced. A
 * crash before {@code sync} returns may keep any prefix of the unsynced appends (recovery drops a
 * torn last record) and either the old or the new hard state — nothing the driver has released
 * depends on them yet. With {@code fsync=false} (benchmarks only) {@code sync} writes to the OS
 * without forcing anything, so a power loss can lose acknowledged writes.
 *
 * <p><b>Thread.</b> The {@code Storage} methods and {@link #close} must be called by one thread
 * at a time (the node's event loop or its storage thread), never concurrently; the counters
 * ({@link #syncCount()} …) may be read from any thread. <b>Blocking:</b> {@code open},
 * {@code load}, {@code truncateSuffix}, {@code sync} block on the disk; {@code append} writes to
 * the page cache. <b>Errors:</b> an I/O failure (a full disk included) is an
 * {@link UncheckedIOException} naming the file and is never reported as success; after one, the
 * storage is failed: every later call throws it again (the state on disk is unknown, and a
 * failed fsync cannot be retried). Close it and reopen to recover what is durable.
 */
public final class DurableStorage implements Storage, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DurableStorage.class);

    /** Where the log segments live, under the data directory. */
    public static final String LOG_DIR = "log";

    /**
     * @param segmentBytes a segment is closed when the next record would grow it past this size
     *                     (default 8 MiB, so that compaction, which deletes whole
     *                     segments, keeps the log at tens of MiB; at most 1 GiB)
     * @param fsync        whether {@code sync} forces data to the disk; {@code false} is for
     *                     benchmarks only and loses acknowledged writes on power loss
     */
    public record Options(long segmentBytes, boolean fsync) {

        public static final long DEFAULT_SEGMENT_BYTES = 8L << 20;
        public static final long MAX_SEGMENT_BYTES = 1L << 30;

        public Options {
            if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segmentBytes must be in [1, " + MAX_SEGMENT_BYTES + "]: "
                        + segmentBytes);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_SEGMENT_BYTES, true);
        }

        public Options withSegmentBytes(long v) {
            return new Options(v, fsync);
        }

        public Options withFsync(boolean v) {
            return new Options(segmentBytes, v);
        }
    }

    private final DataDirectory dataDir;
    private final Options options;
    private final DiskSync disk;
    private final HardStateFile hardStateFile;
    private final SegmentedLog log;
    private final SnapshotFiles snapshots;
    private HardState durableHardState;
    private HardState hardState;
    private RuntimeException failure;
    private boolean closed;
    private volatile long syncs;

    private DurableStorage(DataDirectory dataDir, Options options, DiskSync disk, HardStateFile hardStateFile,
                           HardState hardState, SegmentedLog log, SnapshotFiles snapshots) {
        this.dataDir = dataDir;
        this.options = options;
        this.disk = disk;
        this.hardStateFile = hardStateFile;
        this.durableHardState = hardState;
        this.hardState = hardState;
        this.log = log;
        this.snapshots = snapshots;
    }

    /**
     * Opens the data directory of node {@code nodeId} in cluster {@code clusterId}, creating it
     * on first use, and recovers the log. Blocks on the disk.
     *
     * @throws DataDirectoryException if the directory belongs to another node or cluster, is
     *                                locked by another process, or cannot be used
     * @throws CorruptLogException    if a file is corrupt beyond a torn tail
     * @throws UncheckedIOException   on an I/O failure, naming the file
     */
    public static DurableStorage open(Path dataDir, String clusterId, int nodeId, Options options) {
        Objects.requireNonNull(options, "options");
        DataDirectory dir = DataDirectory.open(dataDir, clusterId, nodeId);
        try {
            DiskSync disk = new DiskSync(options.fsync());
            HardStateFile hardStateFile = new HardStateFile(dir.path(), disk);
            HardState hardState = hardStateFile.load();
            SnapshotFiles snapshots = SnapshotFiles.open(dir.path(), disk);
            SegmentedLog log = openLog(dir.path().resolve(LOG_DIR), options, disk, snapshots);
            return new DurableStorage(dir, options, disk, hardStateFile, hardState, log, snapshots);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * Opens the log after the newest snapshot and makes it follow it. The log continues the
     * snapshot if it starts right after the snapshot's index or holds that index with its term;
     * a log that does not (a crash between installing a received snapshot and discarding the old
     * log) is discarded, with one WARN line. A log that starts later than right after the
     * snapshot has lost entries: if a newer snapshot was found corrupt, the error names it;
     * otherwise it is a {@link CorruptLogException} naming the first segment.
     */
    private static SegmentedLog openLog(Path logDir, Options options, DiskSync disk, SnapshotFiles snapshots) {
        SnapshotMeta s = snapshots.newest();
        SegmentedLog log = SegmentedLog.open(logDir, options.segmentBytes(), disk, s.index());
        String why;
        try {
            why = divergence(log, s);
        } catch (CorruptLogException missing) {
            if (!snapshots.corrupt().isEmpty()) {
                log.close();
                throw new CorruptLogException(snapshots.corrupt().get(snapshots.corrupt().size() - 1), 0,
                        "the newest snapshot is corrupt and the log does not reach back to an older one ("
                                + missing.getMessage() + "); this node cannot recover its state: remove the data "
                                + "directory and let it catch up from the leader");
            }
            log.close();
            throw missing;
        }
        if (why != null) {
            LOG.warn("The log in {} does not continue the {} ({}): it is discarded; the entries after the snapshot "
                    + "come from the leader", logDir, s, why);
            log.discardAll(s.index());
        }
        return log;
    }

    /** {@link #open(Path, String, int, Options)} with {@link Options#defaults()}. */
    public static DurableStorage open(Path dataDir, String clusterId, int nodeId) {
        return open(dataDir, clusterId, nodeId, Options.defaults());
    }

    /**
     * The hard state last saved, the newest snapshot, every entry appended after it (synced or
     * not), read back from disk, and the partial snapshot being received, if any.
     */
    @Override
    public PersistentState load() {
        return guarded(() -> {
            SnapshotMeta s = snapshots.newest();
            return new PersistentState(hardState, s, log.readAll(s.index()), snapshots.partial());
        });
    }

    @Override
    public long lastIndex() {
        return guarded(log::lastIndex);
    }

    /** Remembers the state; it is written, atomically, by the next {@link #sync}. */
    @Override
    public void saveHardState(HardState state) {
        Objects.requireNonNull(state, "state");
        guarded(() -> hardState = state);
    }

    /** Durable when it returns (one fsync of the cut segment, one of the directory if segments were deleted). */
    @Override
    public void truncateSuffix(long fromIndex) {
        guarded(() -> {
            log.truncateSuffix(fromIndex);
            return null;
        });
    }

    @Override
    public void append(List<LogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        guarded(() -> {
            log.append(entries);
            return null;
        });
    }

    /** One group commit: the hard state if it changed, then the log; a no-op when nothing changed. */
    @Override
    public void sync() {
        guarded(() -> {
            boolean hardStateChanged = !hardState.equals(durableHardState);
            if (!hardStateChanged && !log.hasUnsynced() && !snapshots.hasUnsynced()) {
                return null;
            }
            if (hardStateChanged) {
                // First, so that the durable term is never below the term of a durable entry.
                hardStateFile.store(hardState);
                durableHardState = hardState;
            }
            snapshots.syncPartial();
            log.sync();
            syncs++;
            return null;
        });
    }

    // ---- snapshots ----------------------------------------------------------------------------

    /** Deletes the log segments wholly at or before {@code index} (and the newest snapshot's index). */
    @Override
    public void compact(long index) {
        guarded(() -> log.compact(Math.min(index, snapshots.newest().index())));
    }

    @Override
    public void writeSnapshotChunk(SnapshotMeta snapshot, long offset, byte[] data) {
        guarded(() -> {
            snapshots.writeChunk(snapshot, offset, data);
            return null;
        });
    }

    /**
     * Verifies the received snapshot and makes it the newest, then resets the log after it:
     * segments wholly before it are deleted and the entries after it kept if the log holds its
     * last entry, otherwise every segment is deleted. Durable on return.
     */
    @Override
    public boolean installSnapshot(SnapshotMeta snapshot) {
        return guarded(() -> {
            SnapshotFiles.Installed outcome = snapshots.install(snapshot);
            if (outcome == SnapshotFiles.Installed.DID_NOT_VERIFY) {
                return false;
            }
            if (outcome == SnapshotFiles.Installed.INSTALLED) {
                if (log.holds(snapshot.index(), snapshot.term())) {
                    log.compact(snapshot.index());
                    log.sync();
                } else {
                    log.discardAll(snapshot.index());
                }
            }
            return true;
        });
    }

    /** Any thread; blocking. See {@link Storage#saveSnapshot}. */
    @Override
    public SnapshotMeta saveSnapshot(long index, long term, SnapshotWriter writer) {
        return snapshots.save(index, term, writer);
    }

    @Override
    public byte[] readSnapshot(SnapshotMeta snapshot, long offset, int length) {
        return snapshots.read(snapshot, offset, length);
    }

    @Override
    public InputStream openSnapshot(SnapshotMeta snapshot) {
        return snapshots.open(snapshot);
    }

    /** The newest stored snapshot ({@link SnapshotMeta#NONE} if none). Any thread. */
    public SnapshotMeta snapshot() {
        return snapshots.newest();
    }

    /** Bytes of snapshot files on disk, a partial one included. Any thread. */
    public long snapshotBytesOnDisk() {
        return snapshots.bytesOnDisk();
    }

    /** The log on disk: segments, their bytes, the first and last index they hold. Any thread. */
    public LogStats logStats() {
        SegmentedLog.Stats st = log.stats();
        return new LogStats(st.segments(), st.bytes(), st.firstIndex(), st.lastIndex());
    }

    /** Bytes of log segments read since the storage was opened (recovery included). Any thread. */
    public long logBytesRead() {
        return log.bytesRead();
    }

    /** The log segments on disk, for monitoring. */
    public record LogStats(int segments, long bytes, long firstIndex, long lastIndex) {
    }

    /**
     * Closes the files and releases the directory lock. Does not sync: what was not synced may
     * or may not survive. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            log.close();
            snapshots.close();
        } finally {
            dataDir.close();
        }
    }

    public Path dataDir() {
        return dataDir.path();
    }

    public Options options() {
        return options;
    }

    /** The log segment files, oldest first. Storage thread only. */
    public List<Path> segmentFiles() {
        return log.segmentFiles();
    }

    /** Syncs that had something to make durable (each one group commit). Any thread. */
    public long syncCount() {
        return syncs;
    }

    /** {@code FileChannel.force} calls on files and directories (0 with fsync off). Any thread. */
    public long forceCount() {
        return disk.forces();
    }

    /** Total time spent in {@code force}, in nanoseconds. Any thread. */
    public long fsyncNanos() {
        return disk.forceNanos();
    }

    /** Bytes written to log segments and hard-state files. Any thread. */
    public long bytesWritten() {
        return disk.bytesWritten();
    }

    /**
     * Why the log does not continue snapshot {@code s} — it neither starts right after its index
     * nor holds that index with its term — or null if it does (an empty log does). A log that
     * starts later than right after it has lost entries: corruption.
     */
    private static String divergence(SegmentedLog log, SnapshotMeta s) {
        Path file = log.firstReadSegment();
        if (file == null) {
            return null;
        }
        long first = log.firstReadIndex();
        if (first > s.index() + 1) {
            throw new CorruptLogException(file, 0, s.isNone()
                    ? "the log starts at index " + first + ", expected 1 (earlier segments missing?)"
                    : "the log starts at index " + first + " but the " + s + " ends at index " + s.index()
                            + ": entries " + (s.index() + 1) + ".." + (first - 1) + " are missing");
        }
        if (first == s.index() + 1) {
            return null;
        }
        if (log.lastIndex() < s.index()) {
            return "the log ends at index " + log.lastIndex() + ", before the snapshot's index";
        }
        long term = log.termAt(s.index());
        return term == s.term() ? null : "the log holds index " + s.index() + " with term " + term + ", not "
                + s.term();
    }

    private <T> T guarded(Supplier<T> op) {
        if (closed) {
            throw new IllegalStateException("storage at " + dataDir.path() + " is closed");
        }
        if (failure != null) {
            throw failure;
        }
        try {
            return op.get();
        } catch (UncheckedIOException | CorruptLogException e) {
            failure = e;
            throw e;
        }
    }
}
