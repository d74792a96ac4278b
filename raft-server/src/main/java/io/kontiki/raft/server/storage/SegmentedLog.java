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
 * {@code segmentBytes} (a record larger than that gets a segment of its own).
 *
 * <p>Durability: {@link #append} writes through the file channel to the OS at once (so
 * {@link #readAll} sees it) but is durable only after {@link #sync}, which forces every segment
 * written since the last sync and the directory if a segment was created. {@link #truncateSuffix}
 * is durable when it returns: it deletes later segments newest first, fsyncs the directory, then
 * cuts and fsyncs the surviving segment, so that no crash can leave stale records after newer
 * ones or a gap between segments.
 *
 * <p>Thread: confined to one thread at a time. Blocking: every method may block on the disk.
 * Errors: {@link UncheckedIOException} naming the file; {@link CorruptLogException} from
 * {@link #open} or {@link #readAll}.
 */
final class SegmentedLog implements AutoCloseable {

    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final DiskSync disk;
    private final List<Segment> segments;
    private boolean dirUnsynced;
    private ByteBuffer batch = ByteBuffer.allocate(64 * 1024);
    private int[] batchLengths = new int[256];
    private int batchCount;

    private SegmentedLog(Path dir, long segmentBytes, DiskSync disk, List<Segment> segments) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.disk = disk;
        this.segments = new ArrayList<>(segments);
    }

    /** Creates {@code dir} if missing, then recovers it (see {@link LogRecovery}). */
    static SegmentedLog open(Path dir, long segmentBytes, DiskSync disk) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                disk.syncDirectory(dir.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
        return new SegmentedLog(dir, segmentBytes, disk, LogRecovery.recover(dir, disk));
    }

    /** The index of the last entry, 0 when the log is empty. */
    long lastIndex() {
        return segments.isEmpty() ? 0 : last().lastIndex();
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
    }

    private boolean startsNewSegment(int recordSize) {
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
        boolean deleted = false;
        while (!segments.isEmpty() && last().firstIndex() >= fromIndex) {
            segments.remove(segments.size() - 1).delete();
            deleted = true;
        }
        if (deleted) {
            disk.syncDirectory(dir);
        }
        if (!segments.isEmpty() && last().lastIndex() >= fromIndex) {
            last().truncateAt(fromIndex);
            last().force(disk);
        }
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

    /** Every entry, in order, re-validated as it is read. */
    List<LogEntry> readAll() {
        List<LogEntry> entries = new ArrayList<>((int) Math.min(lastIndex(), Integer.MAX_VALUE - 8));
        for (int n = 0; n < segments.size(); n++) {
            Segment s = segments.get(n);
            ByteBuffer buf = s.readAll();
            int pos = 0;
            for (int i = 0; i < s.count(); i++) {
                Decoded d = RecordFormat.decode(buf, pos);
                if (!d.ok() || d.entry().index() != s.firstIndex() + i) {
                    throw new CorruptLogException(s.path(), pos, d.ok()
                            ? "record has index " + d.entry().index() + ", expected " + (s.firstIndex() + i)
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
