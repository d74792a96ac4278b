package io.kontiki.raft.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file atomically: write {@code <name>.tmp}, fsync it, rename it over
 * {@code <name>} ({@link StandardCopyOption#ATOMIC_MOVE}), fsync the directory. After a crash the
 * file holds either the old or the new content, never a mix; a leftover {@code .tmp} is garbage.
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    static Path tmpFor(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** Blocks on the disk (two fsyncs when enabled). Errors: {@link UncheckedIOException} naming the file. */
    static void replace(Path target, byte[] content, DiskSync disk) {
        Path tmp = tmpFor(target);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            disk.wrote(content.length);
            disk.force(channel, tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + tmp + " to " + target + ": " + e.getMessage(), e);
        }
        disk.syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Removes a leftover {@code .tmp} of {@code target}, if any. */
    static void deleteLeftoverTmp(Path target) {
        Path tmp = tmpFor(target);
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete leftover " + tmp + ": " + e.getMessage(), e);
        }
    }
}
