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
 * framing and CRC, and index continuity (the log starts at 1; each record's index is the
 * previous one's plus one, across segment boundaries).
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

    /** Blocks on the disk; the segments returned have their channels closed. */
    static List<Segment> recover(Path logDir, DiskSync disk) {
        List<Path> files = segmentFiles(logDir);
        List<Segment> segments = new ArrayList<>(files.size());
        long expected = 1;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long first = Segment.parseFirstIndex(file.getFileName().toString());
            if (first != expected) {
                throw new CorruptLogException(file, 0, i == 0
                        ? "the log starts at index " + first + ", expected 1 (earlier segments missing?)"
                        : "gap in indexes: segment starts at index " + first + " but the previous one ends at "
                                + (expected - 1));
            }
            Segment s = scan(file, first, i == files.size() - 1, disk);
            segments.add(s);
            expected = s.lastIndex() + 1;
        }
        return segments;
    }

    private static Segment scan(Path file, long firstIndex, boolean last, DiskSync disk) {
        ByteBuffer buf = readFile(file);
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
