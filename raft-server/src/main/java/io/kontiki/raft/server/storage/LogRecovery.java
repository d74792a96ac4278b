package io.kontiki.raft.server.storage;

import io.kontiki.raft.server.storage.RecordFormat.Decoded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a log directory when it is opened, segment by segment in index order: every record's
 * framing and CRC, and index continuity (each record's index is the previous one's plus one,
 * across segment boundaries). The first segment may start at any index: the snapshot covers the
 * entries before it (whether the log and the snapshot fit together is the caller's check).
 *
 * <p>Only the live tail is read. A segment that the next segment's name shows to hold nothing
 * after the snapshot's index ({@code afterIndex}) is not opened at all but kept as a
 * {@link Segment#skipped skipped} segment, so that opening costs what the log after the snapshot
 * costs, not the whole history; compaction deletes such segments later.
 *
 * <p>A crash can only tear the end of what was written last, so the one repair made here is
 * dropping a torn last record of the last segment: a short header, a length that runs past the
 * end of the file, a bad CRC on a record that ends exactly at the end of the file, or a bad
 * record followed by nothing but zeros. The file is cut there and one WARN line says how many
 * bytes were dropped from which file. A bad record that the next record (by index) still follows
 * is not torn. Any other bad record is a {@link CorruptLogException} naming the file and the byte
 * offset.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {
    }

    /** What {@link #recover} found: the segments, oldest first, and the bytes it read. */
    record Recovered(List<Segment> segments, long bytesRead) {
    }

    /**
     * Blocks on the disk; the segments returned have their channels closed. Segments wholly at or
     * before {@code afterIndex} (0: none) are skipped unread.
     */
    static Recovered recover(Path logDir, DiskSync disk, long afterIndex) {
        List<Path> files = segmentFiles(logDir);
        List<Segment> segments = new ArrayList<>(files.size());
        int live = 0;
        while (live < files.size() - 1 && firstIndexOf(files.get(live + 1)) <= afterIndex + 1) {
            live++;
        }
        for (int i = 0; i < live; i++) {
            Path file = files.get(i);
            segments.add(Segment.skipped(file, firstIndexOf(file), firstIndexOf(files.get(i + 1)) - 1, sizeOf(file)));
        }
        long bytesRead = 0;
        long expected = -1;
        for (int i = live; i < files.size(); i++) {
            Path file = files.get(i);
            long first = firstIndexOf(file);
            if (expected >= 0 && first != expected) {
                throw new CorruptLogException(file, 0, "gap in indexes: segment starts at index " + first
                        + " but the previous one ends at " + (expected - 1));
            }
            ByteBuffer buf = readFile(file);
            bytesRead += buf.limit();
            Segment s = scan(file, buf, first, i == files.size() - 1, disk);
            segments.add(s);
            expected = s.lastIndex() + 1;
        }
        return new Recovered(segments, bytesRead);
    }

    private static long firstIndexOf(Path file) {
        return Segment.parseFirstIndex(file.getFileName().toString());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of log segment " + file + ": " + e.getMessage(), e);
        }
    }

    private static Segment scan(Path file, ByteBuffer buf, long firstIndex, boolean last, DiskSync disk) {
        long[] offsets = new long[64];
        int count = 0;
        int pos = 0;
        while (pos < buf.limit()) {
            Decoded d = RecordFormat.decode(buf, pos);
            if (!d.ok()) {
                long next = firstIndex + count + 1;
                int follower = d.reachesEnd() ? findRecord(buf, pos + 1, next) : -1;
                if (follower >= 0) {
                    throw new CorruptLogException(file, pos, d.problem() + ", but a valid record with index " + next
                            + " follows at byte offset " + follower);
                }
                if (last && (d.reachesEnd() || zerosFrom(buf, pos))) {
                    String problem = d.reachesEnd() ? d.problem() : "zero padding";
                    dropTornTail(file, pos, buf.limit() - pos, problem, firstIndex + count - 1, disk);
                    break;
                }
                throw new CorruptLogException(file, pos, d.problem() + " in record " + (count + 1) + " of the segment, "
                        + (buf.limit() - pos) + " bytes before its end" + (last ? "" : " (not the last segment)"));
            }
            long expected = firstIndex + count;
            if (d.entry().index() != expected) {
                throw new CorruptLogException(file, pos, "record has index " + d.entry().index()
                        + ", expected " + expected);
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = pos;
            pos += d.size();
        }
        return Segment.recovered(file, firstIndex, offsets, count, pos);
    }

    /**
     * The offset of a valid record with {@code index} at or after {@code from}, or -1. A torn
     * record is the last thing written, so finding its successor means the record is not torn
     * but corrupt (typically a damaged length field).
     */
    private static int findRecord(ByteBuffer buf, int from, long index) {
        for (int q = from; q <= buf.limit() - RecordFormat.HEADER_BYTES - RecordFormat.FIXED_PAYLOAD_BYTES; q++) {
            if (buf.get(q) == RecordFormat.ENTRY_RECORD && buf.getLong(q + 17) == index) {
                Decoded d = RecordFormat.decode(buf, q);
                if (d.ok() && d.entry().index() == index) {
                    return q;
                }
            }
        }
        return -1;
    }

    private static boolean zerosFrom(ByteBuffer buf, int pos) {
        for (int i = pos; i < buf.limit(); i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void dropTornTail(Path file, long offset, long bytes, String problem, long lastIndex,
                                     DiskSync disk) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(offset);
            disk.force(ch, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate torn tail of " + file + ": " + e.getMessage(), e);
        }
        LOG.warn("Dropped {} bytes of torn tail from {} at byte offset {} ({}); the log now ends at index {}",
                bytes, file, offset, problem, lastIndex);
    }

    private static List<Path> segmentFiles(Path logDir) {
        try (Stream<Path> list = Files.list(logDir)) {
            return list.filter(p -> Segment.parseFirstIndex(p.getFileName().toString()) >= 0)
                    .sorted(Comparator.comparingLong(p -> Segment.parseFirstIndex(p.getFileName().toString())))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readFile(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new CorruptLogException(file, 0, "segment too large to be ours (" + size + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            return buf.flip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log segment " + file + ": " + e.getMessage(), e);
        }
    }
}
