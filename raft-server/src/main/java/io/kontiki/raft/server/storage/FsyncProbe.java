package io.kontiki.raft.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Measures the disk's own fsync rate, the ceiling for a node that syncs once per group commit:
 * append 64 bytes to a scratch file and {@code force(false)} it, {@code count} times, one after
 * another. The benchmark reports it next to the cluster's commit rate.
 *
 * <p>Usage: {@code java -cp … io.kontiki.raft.server.storage.FsyncProbe <dir> [count]}. Blocks
 * for as long as the fsyncs take; the scratch file is deleted afterwards.
 */
public final class FsyncProbe {

    private FsyncProbe() {
    }

    /**
     * @param fsyncs       fsyncs performed
     * @param totalNanos   wall time of the whole run
     * @param p50Micros    median fsync latency
     * @param p99Micros    99th-percentile fsync latency
     */
    public record Result(int fsyncs, long totalNanos, long p50Micros, long p99Micros) {

        public double fsyncsPerSecond() {
            return totalNanos == 0 ? 0 : fsyncs * 1e9 / totalNanos;
        }

        public String describe() {
            return String.format("%d fsyncs in %.1f ms: %.0f fsyncs/s, p50 %d us, p99 %d us", fsyncs,
                    totalNanos / 1e6, fsyncsPerSecond(), p50Micros, p99Micros);
        }
    }

    /** Runs {@code count} write-and-force rounds in a scratch file under {@code dir}. */
    public static Result measure(Path dir, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        long[] micros = new long[count];
        Path file;
        try {
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "fsync-probe-", ".tmp");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch file in " + dir + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            ByteBuffer record = ByteBuffer.allocate(64);
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                record.clear();
                while (record.hasRemaining()) {
                    ch.write(record, (long) i * 64 + record.position());
                }
                ch.force(false);
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("fsync probe on " + file + " failed: " + e.getMessage(), e);
        }
        long total = System.nanoTime() - start;
        Arrays.sort(micros);
        return new Result(count, total, micros[count / 2], micros[Math.min(count - 1, (int) (count * 0.99))]);
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: FsyncProbe <dir> [count=1000]");
            System.exit(2);
        }
        int count = args.length == 2 ? Integer.parseInt(args[1]) : 1000;
        System.out.println(Path.of(args[0]).toAbsolutePath() + ": " + measure(Path.of(args[0]), count).describe());
    }
}
