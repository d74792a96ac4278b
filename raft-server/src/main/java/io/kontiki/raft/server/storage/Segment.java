package io.kontiki.raft.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file: consecutive records starting at {@link #firstIndex}, named after it. Keeps the
 * byte offset of every record in memory. The channel is opened on demand and may be closed
 * between uses (only the last segment of a log stays open), so a long log does not hold one
 * file descriptor per segment.
 *
 * <p>A segment wholly covered by the snapshot when the log was opened is {@link #skipped}: it was
 * never read, holds no offsets, and can only be deleted (by compaction); its last index is the
 * next segment's first index minus one.
 *
 * <p>Invariants: records {@code firstIndex .. lastIndex()} live at {@code offsets[0 .. count)}
 * (offsets null when skipped); {@code size} is the file's length as this process wrote it.
 * Confined to the storage thread.
 */
final class Segment {

    private static final Pattern NAME = Pattern.compile("log-(\\d{20})\\.seg");

    private final Path path;
    private final long firstIndex;
    private long[] offsets;
    private int count;
    private long size;
    private boolean unsynced;
    private FileChannel channel;

    private Segment(Path path, long firstIndex, long[] offsets, int count, long size) {
        this.path = path;
        this.firstIndex = firstIndex;
        this.offsets = offsets;
        this.count = count;
        this.size = size;
    }

    static String fileName(long firstIndex) {
        return String.format("log-%020d.seg", firstIndex);
    }

    /** The first index encoded in a segment file name, or -1 if the name is not a segment's. */
    static long parseFirstIndex(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Creates a new, empty segment file; the caller makes the directory entry durable. */
    static Segment create(Path dir, long firstIndex) {
        Path path = dir.resolve(fileName(firstIndex));
        Segment s = new Segment(path, firstIndex, new long[16], 0, 0);
        try {
            s.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log segment " + path + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** A recovered segment whose records were validated at the given offsets. */
    static Segment recovered(Path path, long firstIndex, long[] offsets, int count, long size) {
        return new Segment(path, firstIndex, offsets, count, size);
    }

    /** A segment left unread because a snapshot covers it: {@code firstIndex .. lastIndex}, {@code size} bytes. */
    static Segment skipped(Path path, long firstIndex, long lastIndex, long size) {
        return new Segment(path, firstIndex, null, Math.toIntExact(lastIndex - firstIndex + 1), size);
    }

    /** True if the segment was never read (see the class comment). */
    boolean skipped() {
        return offsets == null;
    }

    Path path() {
        return path;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** {@code firstIndex - 1} when empty. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    boolean unsynced() {
        return unsynced;
    }

    /**
     * Writes whole records at the end of the file. {@code lengths[0 .. n)} are the sizes of the
     * records in {@code batch}, in order.
     */
    void write(ByteBuffer batch, int[] lengths, int n) {
        long pos = size;
        try {
            FileChannel ch = channel();
            while (batch.hasRemaining()) {
                pos += ch.write(batch, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to log segment " + path + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < n; i++) {
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = size;
            size += lengths[i];
        }
        unsynced = true;
    }

    /** The byte offset of the record with {@code index} ({@code firstIndex <= index <= lastIndex()}). */
    long offsetOf(long index) {
        if (offsets == null) {
            throw new IllegalStateException(path + " was not read: a snapshot covers it");
        }
        return offsets[Math.toIntExact(index - firstIndex)];
    }

    /** The term of the record with {@code index} ({@code firstIndex <= index <= lastIndex()}), read from the file. */
    long termAt(long index) {
        long at = offsetOf(index) + RecordFormat.HEADER_BYTES;
        ByteBuffer buf = ByteBuffer.allocate(8);
        try {
            FileChannel ch = channel();
            while (buf.hasRemaining()) {
                if (ch.read(buf, at + buf.position()) < 0) {
                    throw new IOException("file ends before the record of index " + index + " at byte offset " + at);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log segment " + path + ": " + e.getMessage(), e);
        }
        return buf.getLong(0);
    }

    /** Cuts the file just before the record with {@code index} ({@code firstIndex <= index <= lastIndex()}). */
    void truncateAt(long index) {
        long offset = offsetOf(index);
        try {
            channel().truncate(offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate log segment " + path + " to " + offset + " bytes: "
                    + e.getMessage(), e);
        }
        count = Math.toIntExact(index - firstIndex);
        size = offset;
        unsynced = true;
    }

    void force(DiskSync disk) {
        try {
            disk.force(channel(), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log segment " + path + ": " + e.getMessage(), e);
        }
        unsynced = false;
    }

    /** The file from byte {@code from} to its end as this process wrote it. */
    ByteBuffer readFrom(long from) {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - from));
        try {
            FileChannel ch = channel();
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new IOException("file is shorter than expected (" + (from + buf.position()) + " of " + size
                            + " bytes)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log segment " + path + ": " + e.getMessage(), e);
        }
        return buf.flip();
    }

    void delete() {
        closeChannel();
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete log segment " + path + ": " + e.getMessage(), e);
        }
    }

    void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close log segment " + path + ": " + e.getMessage(), e);
        } finally {
            channel = null;
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }
}
