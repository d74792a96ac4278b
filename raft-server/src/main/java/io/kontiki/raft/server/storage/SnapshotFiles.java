package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.PartialSnapshot;
import io.kontiki.raft.core.SnapshotWriter;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of a data directory ({@code <dataDir>/snapshot/}): the stored snapshots
 * (the newest two are kept: a leader may still be sending the older), and the one being
 * received from a leader. The format is drawn in this package's documentation; a snapshot's
 * {@link SnapshotMeta#size()} is its file's length and its {@link SnapshotMeta#checksum()} the
 * CRC32C in its trailer, so a follower that writes the received bytes verbatim verifies them the
 * same way.
 *
 * <p><b>Threads.</b> Thread-safe: {@link #save}, {@link #read} and {@link #open(SnapshotMeta)}
 * may run on any thread while the storage thread receives and installs; the list of stored
 * snapshots is guarded by this object's lock, and a file is written outside it. Receiving
 * ({@link #writeChunk}, {@link #syncPartial}, {@link #install}) is the storage thread's.
 * <b>Blocking:</b> every method but {@link #newest} may block on the disk. <b>Errors:</b>
 * {@link UncheckedIOException} naming the file; a snapshot that does not verify at open is
 * renamed {@code *.corrupt} with one ERROR line and never served.
 */
final class SnapshotFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);

    static final String DIR = "snapshot";
    static final int MAGIC = 0x4B534E31; // "KSN1"
    static final int VERSION = 1;
    /** magic, version, index, term. */
    static final int HEADER_BYTES = 24;
    /** payload length, crc32c. */
    static final int TRAILER_BYTES = 12;
    static final String PART = "receiving.part";
    static final String PART_META = "receiving.meta";
    private static final int PART_META_MAGIC = 0x4B535231; // "KSR1"
    private static final int PART_META_BYTES = 4 + 8 + 8 + 8 + 4 + 4;
    private static final Pattern NAME = Pattern.compile("snap-(\\d{20})-(\\d{20})\\.snap");
    private static final int KEEP = 2;

    /** The outcome of {@link #install}. */
    enum Installed { INSTALLED, ALREADY_NEWER, DID_NOT_VERIFY }

    private final Path dir;
    private final DiskSync disk;
    /** Stored snapshots, oldest first. Guarded by this. */
    private final List<SnapshotMeta> stored;
    private final List<Path> corrupt;
    /** Storage thread: the partial snapshot being received, its channel and size. */
    private SnapshotMeta partial = SnapshotMeta.NONE;
    private FileChannel partChannel;
    private long partBytes;
    private boolean partUnsynced;

    private SnapshotFiles(Path dir, DiskSync disk, List<SnapshotMeta> stored, List<Path> corrupt,
                          SnapshotMeta partial, long partBytes) {
        this.dir = dir;
        this.disk = disk;
        this.stored = new ArrayList<>(stored);
        this.corrupt = List.copyOf(corrupt);
        this.partial = partial;
        this.partBytes = partBytes;
    }

    /**
     * Opens (creating if need be) the snapshot directory under {@code dataDir}: deletes leftover
     * {@code .tmp} files, verifies every stored snapshot (a bad one is renamed {@code .corrupt},
     * with an ERROR line) and finds the partial snapshot, if its sidecar verifies.
     */
    static SnapshotFiles open(Path dataDir, DiskSync disk) {
        Path dir = dataDir.resolve(DIR);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                disk.syncDirectory(dataDir);
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.toList();
            }
            List<SnapshotMeta> ok = new ArrayList<>();
            List<Path> bad = new ArrayList<>();
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(f);
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                try {
                    SnapshotMeta meta = verify(f, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                    ok.add(meta);
                } catch (CorruptLogException e) {
                    Path moved = f.resolveSibling(name + ".corrupt");
                    Files.move(f, moved, StandardCopyOption.REPLACE_EXISTING);
                    disk.syncDirectory(dir);
                    LOG.error("Snapshot file {} is corrupt ({}); moved aside to {} and not used", f, e.getMessage(), moved);
                    bad.add(f);
                }
            }
            ok.sort(Comparator.comparingLong(SnapshotMeta::index));
            SnapshotMeta partial = SnapshotMeta.NONE;
            long partBytes = 0;
            SnapshotMeta sidecar = readPartMeta(dir.resolve(PART_META));
            if (sidecar != null && Files.exists(dir.resolve(PART))) {
                partial = sidecar;
                partBytes = Math.min(Files.size(dir.resolve(PART)), sidecar.size());
            } else {
                Files.deleteIfExists(dir.resolve(PART));
                Files.deleteIfExists(dir.resolve(PART_META));
            }
            return new SnapshotFiles(dir, disk, ok, bad, partial, partBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open snapshot directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest stored snapshot; {@link SnapshotMeta#NONE} if none. Any thread; never blocks on the disk. */
    synchronized SnapshotMeta newest() {
        return stored.isEmpty() ? SnapshotMeta.NONE : stored.get(stored.size() - 1);
    }

    /** Every stored snapshot, oldest first. */
    synchronized List<SnapshotMeta> stored() {
        return List.copyOf(stored);
    }

    /** The snapshot files found corrupt at open (moved aside). */
    List<Path> corrupt() {
        return corrupt;
    }

    /** The stored snapshot before the newest, for falling back at open; NONE if none. */
    synchronized SnapshotMeta previous() {
        return stored.size() < 2 ? SnapshotMeta.NONE : stored.get(stored.size() - 2);
    }

    /** Forgets the newest snapshot (deleting its file): at open, when the log cannot follow it. */
    synchronized void dropNewest() {
        SnapshotMeta s = stored.remove(stored.size() - 1);
        delete(fileOf(s));
    }

    /** Bytes of snapshot files on disk, the partial one included. */
    synchronized long bytesOnDisk() {
        long total = 0;
        for (SnapshotMeta s : stored) {
            total += s.size();
        }
        return total + partBytes;
    }

    // ---- the application's snapshots ---------------------------------------------------------

    /**
     * Stores a snapshot of entry {@code term/index} written by {@code writer}: streamed into a
     * temporary file with its CRC computed on the way, forced, renamed into place, the directory
     * forced; then snapshots older than the previous one are deleted. Any thread. If a snapshot at
     * or past {@code index} is stored by then, the new one is dropped and the newest returned.
     */
    SnapshotMeta save(long index, long term, SnapshotWriter writer) {
        if (index <= newest().index()) {
            return newest();
        }
        Path tmp = dir.resolve("snap-" + index + "-" + Thread.currentThread().getId() + ".tmp");
        SnapshotMeta meta;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CrcOutputStream out = new CrcOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16),
                    () -> disk.force(ch, tmp));
            out.write(ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).putLong(index).putLong(term).array());
            long payloadStart = out.count;
            writer.writeTo(new NonClosing(out));
            long payload = out.count - payloadStart;
            out.write(ByteBuffer.allocate(8).putLong(payload).array());
            int crc = out.crc();
            out.writeRaw(ByteBuffer.allocate(4).putInt(crc).array());
            out.flush();
            disk.wrote(out.count);
            disk.force(ch, tmp);
            meta = new SnapshotMeta(index, term, out.count, crc);
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e instanceof UncheckedIOException u ? u : new UncheckedIOException("cannot write snapshot "
                    + term + "/" + index + " to " + tmp + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        synchronized (this) {
            if (index <= newest().index()) {
                delete(tmp);
                return newest();
            }
            moveIntoPlace(tmp, meta);
        }
        return meta;
    }

    /** Renames {@code file} to {@code meta}'s name, forces the directory, records it and prunes. Holds the lock. */
    private void moveIntoPlace(Path file, SnapshotMeta meta) {
        Path target = fileOf(meta);
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + file + " to " + target + ": " + e.getMessage(), e);
        }
        disk.syncDirectory(dir);
        stored.add(meta);
        while (stored.size() > KEEP) {
            delete(fileOf(stored.remove(0)));
        }
    }

    /** {@code length} bytes at {@code offset} of a stored snapshot. Any thread. */
    byte[] read(SnapshotMeta meta, long offset, int length) {
        Path file = storedFile(meta);
        byte[] data = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(data);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("the file ends at " + (offset + buf.position()) + " bytes");
                }
            }
        } catch (NoSuchFileException e) {
            throw gone(meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return data;
    }

    /** The payload of a stored snapshot (what its writer wrote), as a stream. Any thread. */
    InputStream open(SnapshotMeta meta) {
        Path file = storedFile(meta);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(HEADER_BYTES);
            InputStream in = Channels.newInputStream(ch);
            long payload = meta.size() - HEADER_BYTES - TRAILER_BYTES;
            return new java.io.FilterInputStream(new java.io.BufferedInputStream(in, 1 << 16)) {
                private long left = payload;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (NoSuchFileException e) {
            throw gone(meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private synchronized Path storedFile(SnapshotMeta meta) {
        if (!stored.contains(meta)) {
            throw gone(meta);
        }
        return fileOf(meta);
    }

    private UncheckedIOException gone(SnapshotMeta meta) {
        return new UncheckedIOException(new IOException(meta + " is no longer stored in " + dir + " (newest: "
                + newest() + ")"));
    }

    // ---- receiving (storage thread) ------------------------------------------------------------

    /** The snapshot being received and the bytes of it on disk, or null. */
    PartialSnapshot partial() {
        return partial.isNone() ? null : new PartialSnapshot(partial, partBytes);
    }

    /**
     * Writes a received chunk: at offset 0 a new partial snapshot starts (its sidecar written
     * atomically first, any other partial discarded); any other offset must continue the partial
     * of {@code meta}. Forced by the next {@link #syncPartial}.
     */
    void writeChunk(SnapshotMeta meta, long offset, byte[] data) {
        Path part = dir.resolve(PART);
        try {
            if (offset == 0) {
                closePart();
                Files.deleteIfExists(part);
                AtomicFiles.replace(dir.resolve(PART_META), encodePartMeta(meta), disk);
                partial = meta;
                partBytes = 0;
                partChannel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else if (!partial.equals(meta) || offset != partBytes) {
                throw new IllegalArgumentException("chunk at " + offset + " of " + meta + " does not continue "
                        + (partial.isNone() ? "any partial snapshot" : partBytes + " bytes of " + partial));
            } else if (partChannel == null) {
                partChannel = FileChannel.open(part, StandardOpenOption.WRITE);
            }
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                partChannel.write(buf, partBytes + buf.position());
            }
            partBytes += data.length;
            partUnsynced = true;
            disk.wrote(data.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + part + ": " + e.getMessage(), e);
        }
    }

    /** Forces the chunks written since the last call. */
    void syncPartial() {
        if (partUnsynced && partChannel != null) {
            disk.force(partChannel, dir.resolve(PART));
            partUnsynced = false;
        }
    }

    boolean hasUnsynced() {
        return partUnsynced;
    }

    /**
     * The partial of {@code meta} is complete and forced: verifies it (size, header, CRC32C against
     * its trailer and {@code meta}); if it matches and is newer than the newest stored, renames it
     * into place as the newest snapshot, durably. The partial is gone afterwards in every case.
     */
    Installed install(SnapshotMeta meta) {
        if (!partial.equals(meta)) {
            throw new IllegalArgumentException("no partial " + meta + " to install (have " + partial + ")");
        }
        Path part = dir.resolve(PART);
        closePart();
        partial = SnapshotMeta.NONE;
        partBytes = 0;
        try {
            SnapshotMeta found;
            try {
                found = verify(part, meta.index(), meta.term());
            } catch (CorruptLogException e) {
                LOG.warn("The {} received from the leader does not verify ({}); discarded", meta, e.getMessage());
                discardPart();
                return Installed.DID_NOT_VERIFY;
            }
            if (!found.equals(meta)) {
                LOG.warn("The snapshot received from the leader is {}, but the leader sent {}; discarded", found, meta);
                discardPart();
                return Installed.DID_NOT_VERIFY;
            }
            synchronized (this) {
                if (meta.index() <= newest().index()) {
                    discardPart();
                    return Installed.ALREADY_NEWER;
                }
                moveIntoPlace(part, meta);
            }
            Files.deleteIfExists(dir.resolve(PART_META));
            return Installed.INSTALLED;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + part + ": " + e.getMessage(), e);
        }
    }

    private void discardPart() throws IOException {
        Files.deleteIfExists(dir.resolve(PART));
        Files.deleteIfExists(dir.resolve(PART_META));
    }

    private void closePart() {
        if (partChannel != null) {
            try {
                partChannel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + dir.resolve(PART) + ": " + e.getMessage(), e);
            } finally {
                partChannel = null;
            }
        }
    }

    void close() {
        closePart();
    }

    // ---- the format ------------------------------------------------------------------------------

    Path fileOf(SnapshotMeta meta) {
        return dir.resolve(String.format("snap-%020d-%020d.snap", meta.index(), meta.term()));
    }

    /**
     * Verifies a snapshot file against the index and term it should hold: header, payload length
     * and CRC32C; returns its metadata.
     *
     * @throws CorruptLogException naming the file and what is wrong
     */
    static SnapshotMeta verify(Path file, long index, long term) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES + TRAILER_BYTES) {
                throw new CorruptLogException(file, 0, "snapshot file of " + size + " bytes is shorter than its header "
                        + "and trailer");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(ch, header, 0);
            if (header.getInt(0) != MAGIC) {
                throw new CorruptLogException(file, 0, String.format("bad snapshot magic %08x", header.getInt(0)));
            }
            if (header.getInt(4) != VERSION) {
                throw new CorruptLogException(file, 4, "snapshot format version " + header.getInt(4)
                        + " is not supported (this build reads " + VERSION + ")");
            }
            if (header.getLong(8) != index || header.getLong(16) != term) {
                throw new CorruptLogException(file, 8, "the file holds snapshot " + header.getLong(16) + "/"
                        + header.getLong(8) + ", expected " + term + "/" + index);
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            readFully(ch, trailer, size - TRAILER_BYTES);
            long payload = trailer.getLong(0);
            if (payload != size - HEADER_BYTES - TRAILER_BYTES) {
                throw new CorruptLogException(file, size - TRAILER_BYTES, "payload length " + payload + " does not fit a "
                        + size + "-byte file (truncated or extended?)");
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = 0;
            long end = size - 4;
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                readFully(ch, buf, pos);
                buf.flip();
                crc.update(buf);
                pos += buf.limit();
            }
            int computed = (int) crc.getValue();
            int storedCrc = trailer.getInt(8);
            if (computed != storedCrc) {
                throw new CorruptLogException(file, size - 4, String.format("snapshot CRC mismatch (stored %08x, "
                        + "computed %08x)", storedCrc, computed));
            }
            return new SnapshotMeta(index, term, size, storedCrc);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long start = at;
        while (buf.hasRemaining()) {
            if (ch.read(buf, start + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static byte[] encodePartMeta(SnapshotMeta m) {
        ByteBuffer b = ByteBuffer.allocate(PART_META_BYTES).putInt(PART_META_MAGIC).putLong(m.index()).putLong(m.term())
                .putLong(m.size()).putInt(m.checksum());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, PART_META_BYTES - 4);
        return b.putInt((int) crc.getValue()).array();
    }

    /** The sidecar's metadata, or null if it is missing or does not verify (then the partial is discarded). */
    private static SnapshotMeta readPartMeta(Path file) throws IOException {
        AtomicFiles.deleteLeftoverTmp(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        if (bytes.length != PART_META_BYTES || b.getInt(0) != PART_META_MAGIC) {
            LOG.warn("{} is not a partial snapshot's metadata; the partial snapshot is discarded", file);
            return null;
        }
        crc.update(bytes, 0, PART_META_BYTES - 4);
        if ((int) crc.getValue() != b.getInt(PART_META_BYTES - 4)) {
            LOG.warn("{} has a bad CRC; the partial snapshot is discarded", file);
            return null;
        }
        try {
            return new SnapshotMeta(b.getLong(4), b.getLong(12), b.getLong(20), b.getInt(28));
        } catch (IllegalArgumentException e) {
            LOG.warn("{} holds an invalid snapshot ({}); the partial snapshot is discarded", file, e.getMessage());
            return null;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Counts the bytes and computes the CRC32C of what passes through, except {@link #writeRaw};
     * forces the file every {@value #FORCE_EVERY_BYTES} bytes, so that a large snapshot never
     * leaves much dirty data in the page cache: on file systems that order data before the
     * journal (ext4's default), the log's next fsync would otherwise wait for all of it, and
     * every write acknowledged meanwhile with it.
     */
    private static final class CrcOutputStream extends OutputStream {
        static final long FORCE_EVERY_BYTES = 8L << 20;
        private final OutputStream out;
        private final Runnable force;
        private final CRC32C crc = new CRC32C();
        long count;
        private long forcedAt;

        CrcOutputStream(OutputStream out, Runnable force) {
            this.out = out;
            this.force = force;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
            maybeForce();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
            maybeForce();
        }

        private void maybeForce() throws IOException {
            if (count - forcedAt >= FORCE_EVERY_BYTES) {
                out.flush();
                force.run();
                forcedAt = count;
            }
        }

        void writeRaw(byte[] b) throws IOException {
            out.write(b);
            count += b.length;
        }

        int crc() {
            return (int) crc.getValue();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    /** Keeps a writer from closing the file under us. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
