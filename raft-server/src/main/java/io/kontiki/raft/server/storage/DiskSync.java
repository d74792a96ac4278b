package io.kontiki.raft.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one place that calls {@link FileChannel#force}: counts forces, their time and the bytes
 * written, and turns every force into a no-op when fsync is disabled (benchmarks only).
 *
 * <p>Thread: any; the storage thread and a snapshot thread may force files at the same time, and
 * the counters may be read from any thread.
 * Errors: {@link UncheckedIOException} naming the path. A failed fsync is never retried: the
 * caller treats the storage as failed (the kernel may already have dropped the dirty pages).
 */
final class DiskSync {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final boolean enabled;
    private final LongAdder forces = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();

    DiskSync(boolean enabled) {
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    /** {@code fdatasync}: the file's data and the metadata needed to read it (its size). */
    void force(FileChannel channel, Path path) {
        if (!enabled) {
            return;
        }
        long start = System.nanoTime();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of " + path + " failed: " + e.getMessage(), e);
        }
        counted(start);
    }

    /** Makes a directory's entries (files created, renamed, deleted) durable. */
    void syncDirectory(Path dir) {
        if (!enabled || WINDOWS) {
            return; // Windows cannot open a directory as a channel; NTFS journals renames itself
        }
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of directory " + dir + " failed: " + e.getMessage(), e);
        }
        counted(start);
    }

    void wrote(long bytes) {
        bytesWritten.add(bytes);
    }

    long forces() {
        return forces.sum();
    }

    long forceNanos() {
        return forceNanos.sum();
    }

    long bytesWritten() {
        return bytesWritten.sum();
    }

    private void counted(long start) {
        forceNanos.add(System.nanoTime() - start);
        forces.increment();
    }
}
