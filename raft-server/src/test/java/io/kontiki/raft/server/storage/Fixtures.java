package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.log.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers for the storage tests: entries, directory copies, byte surgery. */
final class Fixtures {

    static final String CLUSTER = "test-cluster";
    static final int NODE = 1;

    private Fixtures() {
    }

    /** {@code count} command entries from {@code firstIndex}, with distinct data of varying length. */
    static List<LogEntry> entries(long firstIndex, int count, long term) {
        List<LogEntry> out = new ArrayList<>(count);
        for (long i = firstIndex; i < firstIndex + count; i++) {
            out.add(LogEntry.command(term, i, ("entry-" + i + "-" + "x".repeat((int) (i % 7)))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static DurableStorage open(Path dir) {
        return DurableStorage.open(dir, CLUSTER, NODE);
    }

    static DurableStorage open(Path dir, long segmentBytes) {
        return DurableStorage.open(dir, CLUSTER, NODE, DurableStorage.Options.defaults().withSegmentBytes(segmentBytes));
    }

    /** Byte offset of each record in a segment holding {@code entries}, plus the end offset. */
    static long[] offsets(List<LogEntry> entries) {
        long[] out = new long[entries.size() + 1];
        for (int i = 0; i < entries.size(); i++) {
            out[i + 1] = out[i] + RecordFormat.recordSize(entries.get(i));
        }
        return out;
    }

    static Path segment(Path dataDir, long firstIndex) {
        return dataDir.resolve(DurableStorage.LOG_DIR).resolve(Segment.fileName(firstIndex));
    }

    static void copyDir(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(DataDirectory.LOCK_FILE)) {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void flipByte(Path file, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[Math.toIntExact(offset)] ^= (byte) 0xFF;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void cut(Path file, long size) {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
