package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.HardState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The hard state (term, vote) in one small file, replaced atomically by {@link AtomicFiles}:
 *
 * <pre>
 * offset 0        4          12         16         20
 *        +--------+----------+----------+----------+
 *        | "KHS1" | term     | votedFor | crc32c   |   big-endian; the CRC covers bytes 0..15
 *        +--------+----------+----------+----------+
 * </pre>
 *
 * A missing file is the initial hard state; a leftover {@code hardstate.tmp} (a crash between
 * writing and renaming it) is deleted on {@link #load}. Thread: one at a time. Blocking: yes.
 * Errors: {@link UncheckedIOException} or {@link CorruptLogException}, naming the file.
 */
final class HardStateFile {

    static final String NAME = "hardstate";
    private static final int MAGIC = 0x4B485331; // "KHS1"
    private static final int SIZE = 20;

    private final Path file;
    private final DiskSync disk;

    HardStateFile(Path dir, DiskSync disk) {
        this.file = dir.resolve(NAME);
        this.disk = disk;
    }

    Path file() {
        return file;
    }

    HardState load() {
        AtomicFiles.deleteLeftoverTmp(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return HardState.INITIAL;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length != SIZE) {
            throw new CorruptLogException(file, Math.min(bytes.length, SIZE),
                    "hard state file has " + bytes.length + " bytes, expected " + SIZE);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(0) != MAGIC) {
            throw new CorruptLogException(file, 0, "hard state file has a bad magic number");
        }
        int computed = crc(bytes);
        if (buf.getInt(16) != computed) {
            throw new CorruptLogException(file, 16, String.format("hard state CRC mismatch (stored %08x, computed %08x)",
                    buf.getInt(16), computed));
        }
        try {
            return new HardState(buf.getLong(4), buf.getInt(12));
        } catch (IllegalArgumentException e) {
            throw new CorruptLogException(file, 4, "invalid hard state under a valid CRC: " + e.getMessage());
        }
    }

    /** Replaces the file atomically; durable on return when fsync is enabled. */
    void store(HardState state) {
        byte[] bytes = new byte[SIZE];
        ByteBuffer buf = ByteBuffer.wrap(bytes).putInt(MAGIC).putLong(state.term()).putInt(state.votedFor());
        buf.putInt(crc(bytes));
        AtomicFiles.replace(file, bytes, disk);
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 16);
        return (int) crc.getValue();
    }
}
