package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.server.storage.RecordFormat.Decoded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-ahead log: append-only segment files in one directory, each named after its first
 * index ({@code log-00000000000000000001.seg}) and holding records framed by
 * {@link RecordFormat}. A new segment starts when the next record would push the current one past
 * {@code segmentBytes} (a record larger than that gets a segment of its own). The first segment
 * may start at any index: a snapshot covers what came before; with no segment at all the log is
 * empty after its {@code base} (the snapshot's index, or 0).
 *
 * <p>Durability: {@link #append} writes through the file channel to the OS at once (so
 * {@link #readAll} sees it) but is durable only after {@link #sync}, which forces every segment
 * written since the last sync and the directory if a segment was created or deleted.
 * {@link #truncateSuffix} is durable when it returns: it deletes later segments newest first,
 * fsyncs the directory, then cuts and fsyncs the surviving segment, so that no crash can leave
 * stale records after newer ones or a gap between segments. {@link #compact} deletes whole
 * segments oldest first (a crash leaves a suffix, which still continues); the directory is forced
 * by the next sync. {@link #discardAll} deletes every segment newest first and is durable when it
 * returns (a crash leaves a prefix, which still does not continue the snapshot that replaced it).
 *
 * <p>Thread: confined to one thread at a time; the statistics ({@link #bytes()} …) may be read
 * from any thread. Blocking: every method may block on the disk. Errors:
 * {@link UncheckedIOException} naming the file; {@link CorruptLogException} from {@link #open} or
 * {@link #readAll}.
 */
final class SegmentedLog implements AutoCloseable {

    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final DiskSync disk;
    private final List<Segment> segments;
    /** The last index when there is no segment. */
    private long base;
    private boolean dirUnsynced;
    private ByteBuffer batch = ByteBuffer.allocate(64 * 1024);
    private int[] batchLengths = new int[256];
    private int batchCount;
    private volatile long bytesRead;
    private volatile Stats stats;

    /** The log on disk, for monitoring: segment files, their bytes, the first and last index they hold. */
    record Stats(int segments, long bytes, long firstIndex, long lastIndex) {
    }

    private SegmentedLog(Path dir, long segmentBytes, DiskSync disk, List<Segment> segments, long base,
                         long bytesRead) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.disk = disk;
        this.segments = new ArrayList<>(segments);
        this.base = base;
        this.bytesRead = bytesRead;
        publishStats();
    }

    /**
     * Creates {@code dir} if missing, then recovers it (see {@link LogRecovery}), skipping the
     * segments wholly at or before {@code snapshotIndex}; an empty log starts after it.
     */
    static SegmentedLog open(Path dir, long segmentBytes, DiskSync disk, long snapshotIndex) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                disk.syncDirectory(dir.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
        LogRecovery.Recovered r = LogRecovery.recover(dir, disk, snapshotIndex);
        return new SegmentedLog(dir, segmentBytes, disk, r.segments(), snapshotIndex, r.bytesRead());
    }

    /** The index of the last entry; the base (the snapshot's index, or 0) when there is no segment. */
    long lastIndex() {
        return segments.isEmpty() ? base : last().lastIndex();
    }

    /** The first index of the first segment; {@code lastIndex() + 1} when there is none. */
    long firstIndex() {
        return segments.isEmpty() ? base + 1 : segments.get(0).firstIndex();
    }

    /** The first segment that was read (not skipped), or null when there is no segment. */
    Path firstReadSegment() {
        Segment s = firstRead();
        return s == null ? null : s.path();
    }

    /** The first index of {@link #firstReadSegment}; {@code lastIndex() + 1} when there is none. */
    long firstReadIndex() {
        Segment s = firstRead();
        return s == null ? lastIndex() + 1 : s.firstIndex();
    }

    /** The term of the entry at {@code index}, which a segment that was read must hold. */
    long termAt(long index) {
        return segmentHolding(index).termAt(index);
    }

    /** Whether the log holds an entry at {@code index} with {@code term} (false for skipped segments). */
    boolean holds(long index, long term) {
        if (index < firstReadIndex() || index > lastIndex()) {
            return false;
        }
        return termAt(index) == term;
    }

    /** Appends entries whose first index is {@code lastIndex() + 1}, without gaps. */
    void append(List<LogEntry> entries) {
        long expected = lastIndex() + 1;
        for (LogEntry e : entries) {
            if (e.index() != expected++) {
                throw new IllegalArgumentException("append out of order: expected index " + (expected - 1)
                        + ", got " + e.index());
            }
        }
        for (LogEntry e : entries) {
            int size = RecordFormat.recordSize(e);
            if (segments.isEmpty() || startsNewSegment(size)) {
                flushBatch();
                segments.add(Segment.create(dir, e.index()));
                dirUnsynced = true;
            }
            if (batch.remaining() < size || batchCount == batchLengths.length) {
                flushBatch();
                if (batch.capacity() < size) {
                    batch = ByteBuffer.allocate(size);
                }
            }
            RecordFormat.encode(e, batch);
            batchLengths[batchCount++] = size;
        }
        flushBatch();
        if (batch.capacity() > MAX_BATCH_BYTES) {
            batch = ByteBuffer.allocate(64 * 1024);
        }
        publishStats();
    }

    private boolean startsNewSegment(int recordSize) {
        if (last().skipped()) {
            return true; // truncateSuffix cut back to a segment that was never read: it is not appended to
        }
        long current = last().size() + batch.position();
        return current > 0 && current + recordSize > segmentBytes;
    }

    private void flushBatch() {
        if (batchCount == 0) {
            return;
        }
        batch.flip();
        int bytes = batch.remaining();
        last().write(batch, batchLengths, batchCount);
        disk.wrote(bytes);
        batch.clear();
        batchCount = 0;
    }

    /** Removes every entry with index {@code >= fromIndex}; durable on return. */
    void truncateSuffix(long fromIndex) {
        if (fromIndex < 1) {
            throw new IllegalArgumentException("fromIndex must be >= 1: " + fromIndex);
        }
        if (fromIndex > lastIndex()) {
            return;
        }
        if (fromIndex < firstReadIndex()) {
            throw new IllegalArgumentException("cannot truncate at " + fromIndex + ": the log was read from index "
                    + firstReadIndex() + " (a snapshot covers what comes before)");
        }
        boolean deleted = false;
        while (!segments.isEmpty() && last().firstIndex() >= fromIndex) {
            segments.remove(segments.size() - 1).delete();
            deleted = true;
        }
        if (segments.isEmpty()) {
            base = fromIndex - 1;
        }
        if (deleted) {
            disk.syncDirectory(dir);
        }
        if (!segments.isEmpty() && last().lastIndex() >= fromIndex) {
            last().truncateAt(fromIndex);
            last().force(disk);
        }
        publishStats();
    }

    /**
     * Deletes the segments, oldest first, that hold nothing after {@code upTo}, except the last
     * one (appends go there). Returns how many; the directory is forced by the next {@link #sync}.
     */
    int compact(long upTo) {
        int deleted = 0;
        while (segments.size() > 1 && segments.get(0).lastIndex() <= upTo) {
            segments.remove(0).delete();
            deleted++;
        }
        if (deleted > 0) {
            dirUnsynced = true;
            publishStats();
        }
        return deleted;
    }

    /**
     * Deletes every segment, newest first, and forces the directory: the log is then empty after
     * {@code newBase}, and the next append (at {@code newBase + 1}) starts a new segment. Returns
     * how many segments were deleted.
     */
    int discardAll(long newBase) {
        int deleted = segments.size();
        while (!segments.isEmpty()) {
            segments.remove(segments.size() - 1).delete();
        }
        base = newBase;
        disk.syncDirectory(dir);
        dirUnsynced = false;
        publishStats();
        return deleted;
    }

    /** Whether anything written since the last {@link #sync} is not yet durable. */
    boolean hasUnsynced() {
        return dirUnsynced || segments.stream().anyMatch(Segment::unsynced);
    }

    /** Forces every segment written since the last sync, then the directory if it changed. */
    void sync() {
        for (Segment s : segments) {
            if (s.unsynced()) {
                s.force(disk);
            }
        }
        if (dirUnsynced) {
            disk.syncDirectory(dir);
            dirUnsynced = false;
        }
        for (int i = 0; i < segments.size() - 1; i++) {
            segments.get(i).closeChannel();
        }
    }

    /**
     * Every entry after {@code afterIndex}, in order, re-validated as it is read. Reads only the
     * segments that hold such entries, from the first such record on.
     */
    List<LogEntry> readAll(long afterIndex) {
        long from = Math.max(afterIndex + 1, firstIndex());
        List<LogEntry> entries = new ArrayList<>((int) Math.min(Math.max(0, lastIndex() - from + 1),
                Integer.MAX_VALUE - 8));
        for (int n = 0; n < segments.size(); n++) {
            Segment s = segments.get(n);
            if (s.lastIndex() < from) {
                continue;
            }
            if (from < firstReadIndex()) {
                throw new IllegalArgumentException("cannot read from index " + from + ": the log was read from index "
                        + firstReadIndex() + " (a snapshot covers what comes before)");
            }
            long first = Math.max(from, s.firstIndex());
            long start = s.offsetOf(first);
            ByteBuffer buf = s.readFrom(start);
            bytesRead += buf.limit();
            int pos = 0;
            for (long index = first; index <= s.lastIndex(); index++) {
                Decoded d = RecordFormat.decode(buf, pos);
                if (!d.ok() || d.entry().index() != index) {
                    throw new CorruptLogException(s.path(), start + pos, d.ok()
                            ? "record has index " + d.entry().index() + ", expected " + index
                            : d.problem() + " (the file changed after it was opened)");
                }
                entries.add(d.entry());
                pos += d.size();
            }
            if (n < segments.size() - 1 && !s.unsynced()) {
                s.closeChannel();
            }
        }
        return entries;
    }

    /** The segment files, oldest first. */
    List<Path> segmentFiles() {
        return segments.stream().map(Segment::path).toList();
    }

    /** The segments on disk, their bytes and indexes. Any thread. */
    Stats stats() {
        return stats;
    }

    /** Bytes of segment files read since the log was opened (recovery included). Any thread. */
    long bytesRead() {
        return bytesRead;
    }

    private void publishStats() {
        long bytes = 0;
        for (Segment s : segments) {
            bytes += s.size();
        }
        stats = new Stats(segments.size(), bytes, firstIndex(), lastIndex());
    }

    private Segment firstRead() {
        for (Segment s : segments) {
            if (!s.skipped()) {
                return s;
            }
        }
        return null;
    }

    private Segment segmentHolding(long index) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            if (s.firstIndex() <= index) {
                if (index > s.lastIndex()) {
                    break;
                }
                return s;
            }
        }
        throw new IllegalArgumentException("the log holds no entry at index " + index + " (it holds "
                + firstIndex() + ".." + lastIndex() + ")");
    }

    @Override
    public void close() {
        UncheckedIOException first = null;
        for (Segment s : segments) {
            try {
                s.closeChannel();
            } catch (UncheckedIOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Segment last() {
        return segments.get(segments.size() - 1);
    }
}
