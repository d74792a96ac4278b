package io.kontiki.raft.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.PersistentState;
import io.kontiki.raft.core.Storage;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snapshot half of the {@link Storage} contract: the same calls against
 * {@link InMemoryStorage} (the reference) and {@link DurableStorage} give the same loads (the
 * snapshot compared by index and term: the two store different bytes), also after the durable one
 * is reopened; and what only files can do wrong: a crash between installing a snapshot and
 * resetting the log, corrupt snapshot files, restarts that read only the log's tail, a snapshot
 * written on another thread while the log is written.
 */
class SnapshotStorageTest {

    @TempDir
    Path dir;

    private static final long SEGMENT = 256;

    private DurableStorage disk() {
        return DurableStorage.open(dir.resolve("node"), Fixtures.CLUSTER, Fixtures.NODE,
                DurableStorage.Options.defaults().withSegmentBytes(SEGMENT).withFsync(false));
    }

    /** A load with the snapshot reduced to its entry id: what both storages must agree on. */
    private record View(HardState hardState, long snapshotIndex, long snapshotTerm, List<LogEntry> entries,
                        Long receivingBytes) {
        static View of(PersistentState p) {
            return new View(p.hardState(), p.snapshot().index(), p.snapshot().term(), p.entries(),
                    p.receiving() == null ? null : p.receiving().bytes());
        }
    }

    private static byte[] payload(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readAll(Storage s, SnapshotMeta meta) {
        try (InputStream in = s.openSnapshot(meta)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fill(Storage s, long from, int count, long term) {
        s.saveHardState(new HardState(term, 1));
        s.append(Fixtures.entries(from, count, term));
        s.sync();
    }

    @Test
    void aSavedSnapshotThenCompactionGiveIdenticalLoadsAndTheLogAfterIt() {
        InMemoryStorage memory = new InMemoryStorage();
        try (DurableStorage disk = disk()) {
            for (Storage s : List.of(memory, disk)) {
                fill(s, 1, 40, 1);
                SnapshotMeta meta = s.saveSnapshot(30, 1, out -> out.write(payload("state@30")));
                assertEquals(30, meta.index());
                assertArrayEquals(payload("state@30"), readAll(s, meta));
                s.compact(25);
                s.sync();
            }
            assertEquals(View.of(memory.load()), View.of(disk.load()));
            assertEquals(10, disk.load().entries().size(), "entries 31..40");
            assertEquals(40, disk.lastIndex());
            assertTrue(disk.logStats().firstIndex() > 1, "segments before index 25 were deleted: " + disk.logStats());
            assertTrue(disk.logStats().firstIndex() <= 26);
        }
        try (DurableStorage disk = disk()) {
            assertEquals(View.of(memory.load()), View.of(disk.load()));
            assertArrayEquals(payload("state@30"), readAll(disk, disk.snapshot()));
        }
    }

    /** A leader of the same kind as {@code follower}, holding a snapshot at {@code index}, term 1. */
    private static SnapshotMeta leaderSnapshot(Storage leader, long index, String state) {
        leader.saveHardState(new HardState(1, 1));
        leader.append(Fixtures.entries(1, (int) index, 1));
        leader.sync();
        return leader.saveSnapshot(index, 1, out -> out.write(payload(state)));
    }

    /** Sends {@code meta} from {@code leader} to {@code follower} in chunks of {@code chunk} bytes. */
    private static void send(Storage leader, Storage follower, SnapshotMeta meta, int chunk, long from) {
        for (long offset = from; offset < meta.size(); offset += chunk) {
            int length = (int) Math.min(chunk, meta.size() - offset);
            follower.writeSnapshotChunk(meta, offset, leader.readSnapshot(meta, offset, length));
        }
        follower.sync();
    }

    @ParameterizedTest(name = "the follower's log {0} the snapshot's last entry")
    @ValueSource(booleans = {true, false})
    void aReceivedSnapshotIsInstalledAndTheLogResetAfterIt(boolean holds) {
        InMemoryStorage memory = new InMemoryStorage();
        InMemoryStorage memoryLeader = new InMemoryStorage();
        try (DurableStorage disk = disk();
             DurableStorage diskLeader = DurableStorage.open(dir.resolve("leader"), Fixtures.CLUSTER, 2,
                     DurableStorage.Options.defaults().withSegmentBytes(SEGMENT).withFsync(false))) {
            for (Storage[] pair : List.of(new Storage[] {memoryLeader, memory}, new Storage[] {diskLeader, disk})) {
                Storage leader = pair[0];
                Storage follower = pair[1];
                SnapshotMeta meta = leaderSnapshot(leader, 20, "state@20");
                // The follower holds 1..25 of term 1 (matching), or 1..10 of term 1 then 11..25 of term 2 (not).
                follower.saveHardState(new HardState(2, 1));
                follower.append(Fixtures.entries(1, holds ? 25 : 10, 1));
                if (!holds) {
                    follower.append(Fixtures.entries(11, 15, 2));
                }
                follower.sync();
                send(leader, follower, meta, 7, 0);
                assertTrue(follower.installSnapshot(meta));
                assertArrayEquals(payload("state@20"), readAll(follower, meta));
                assertEquals(holds ? 25 : 20, follower.lastIndex());
                follower.append(Fixtures.entries(follower.lastIndex() + 1, 3, 2));
                follower.sync();
            }
            assertEquals(View.of(memory.load()), View.of(disk.load()));
            assertNull(disk.load().receiving());
        }
        try (DurableStorage disk = disk()) {
            assertEquals(View.of(memory.load()), View.of(disk.load()));
            assertEquals(holds ? 28 : 23, disk.lastIndex());
        }
    }

    @Test
    void aPartialSnapshotSurvivesARestartAndTheTransferResumesThere() {
        SnapshotMeta meta;
        try (DurableStorage leader = DurableStorage.open(dir.resolve("leader"), Fixtures.CLUSTER, 2,
                DurableStorage.Options.defaults().withFsync(false))) {
            meta = leaderSnapshot(leader, 5, "x".repeat(1000));
            try (DurableStorage follower = disk()) {
                for (long offset = 0; offset < 400; offset += 100) {
                    follower.writeSnapshotChunk(meta, offset, leader.readSnapshot(meta, offset, 100));
                }
                follower.sync();
            }
            try (DurableStorage follower = disk()) {
                assertEquals(meta, follower.load().receiving().snapshot());
                assertEquals(400, follower.load().receiving().bytes());
                assertThrows(IllegalArgumentException.class, () -> follower.writeSnapshotChunk(meta, 300, new byte[1]),
                        "a chunk that does not continue the held bytes");
                send(leader, follower, meta, 100, 400);
                assertTrue(follower.installSnapshot(meta));
                assertEquals(5, follower.snapshot().index());
                assertEquals(5, follower.lastIndex());
            }
        }
    }

    @Test
    void aReceivedSnapshotThatDoesNotVerifyIsDiscardedAndNothingElseChanges() {
        InMemoryStorage memoryLeader = new InMemoryStorage();
        InMemoryStorage memory = new InMemoryStorage();
        try (DurableStorage diskLeader = DurableStorage.open(dir.resolve("leader"), Fixtures.CLUSTER, 2,
                DurableStorage.Options.defaults().withFsync(false));
             DurableStorage disk = disk()) {
            for (Storage[] pair : List.of(new Storage[] {memoryLeader, memory}, new Storage[] {diskLeader, disk})) {
                SnapshotMeta meta = leaderSnapshot(pair[0], 8, "the state");
                fill(pair[1], 1, 3, 1);
                byte[] bytes = pair[0].readSnapshot(meta, 0, (int) meta.size());
                bytes[bytes.length / 2] ^= 1;
                pair[1].writeSnapshotChunk(meta, 0, bytes);
                pair[1].sync();
                assertFalse(pair[1].installSnapshot(meta));
                assertTrue(pair[1].load().snapshot().isNone());
                assertNull(pair[1].load().receiving(), "the partial snapshot is gone");
                assertEquals(3, pair[1].lastIndex());
            }
            assertEquals(View.of(memory.load()), View.of(disk.load()));
        }
    }

    @Test
    void aReceivedSnapshotOlderThanTheStoredOneChangesNothing() {
        InMemoryStorage memoryLeader = new InMemoryStorage();
        InMemoryStorage memory = new InMemoryStorage();
        try (DurableStorage diskLeader = DurableStorage.open(dir.resolve("leader"), Fixtures.CLUSTER, 2,
                DurableStorage.Options.defaults().withFsync(false));
             DurableStorage disk = disk()) {
            for (Storage[] pair : List.of(new Storage[] {memoryLeader, memory}, new Storage[] {diskLeader, disk})) {
                SnapshotMeta old = leaderSnapshot(pair[0], 5, "old");
                fill(pair[1], 1, 12, 1);
                pair[1].saveSnapshot(10, 1, out -> out.write(payload("mine@10")));
                send(pair[0], pair[1], old, 4, 0);
                assertTrue(pair[1].installSnapshot(old));
                assertEquals(10, pair[1].load().snapshot().index());
                assertEquals(12, pair[1].lastIndex());
            }
            assertEquals(View.of(memory.load()), View.of(disk.load()));
        }
    }

    @Test
    void theNewestTwoSnapshotsAreKeptAndAnOlderOneCannotBeReadAnyMore() {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 30, 1);
            SnapshotMeta s10 = disk.saveSnapshot(10, 1, out -> out.write(payload("10")));
            SnapshotMeta s20 = disk.saveSnapshot(20, 1, out -> out.write(payload("20")));
            assertEquals(s20, disk.saveSnapshot(15, 1, out -> out.write(payload("15"))), "an older one is dropped");
            SnapshotMeta s30 = disk.saveSnapshot(30, 1, out -> out.write(payload("30")));
            assertArrayEquals(payload("20"), readAll(disk, s20), "the previous one is still served");
            UncheckedIOException gone = assertThrows(UncheckedIOException.class, () -> disk.readSnapshot(s10, 0, 1));
            assertTrue(gone.getMessage().contains("no longer stored"), gone.getMessage());
            assertEquals(s30, disk.snapshot());
            assertEquals(s20.size() + s30.size(), disk.snapshotBytesOnDisk());
        }
    }

    // ---- only files ----------------------------------------------------------------------------

    @Test
    void aCrashBetweenInstallingASnapshotAndResettingTheLogIsRepairedAtOpen() throws IOException {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 12, 1);
        }
        // As if a snapshot of 3/20 had been renamed into place and the node crashed before the
        // old log (1..12 of term 1, which does not hold 3/20) was discarded.
        Path other = dir.resolve("other");
        try (DurableStorage leader = DurableStorage.open(other, Fixtures.CLUSTER, 2,
                DurableStorage.Options.defaults().withFsync(false))) {
            leader.saveHardState(new HardState(3, 2));
            leader.append(Fixtures.entries(1, 20, 3));
            leader.sync();
            SnapshotMeta s = leader.saveSnapshot(20, 3, out -> out.write(payload("leader@20")));
            Path file = other.resolve(SnapshotFiles.DIR).resolve(String.format("snap-%020d-%020d.snap", 20, 3));
            Files.createDirectories(dir.resolve("node").resolve(SnapshotFiles.DIR));
            Files.copy(file, dir.resolve("node").resolve(SnapshotFiles.DIR).resolve(file.getFileName()));
            try (DurableStorage disk = disk()) {
                PersistentState p = disk.load();
                assertEquals(s, p.snapshot());
                assertEquals(List.of(), p.entries(), "the old log was discarded");
                assertEquals(20, disk.lastIndex());
                disk.append(Fixtures.entries(21, 2, 3));
                disk.sync();
            }
            try (DurableStorage disk = disk()) {
                assertEquals(2, disk.load().entries().size());
            }
        }
    }

    private Path newestSnapshotFile() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("node").resolve(SnapshotFiles.DIR))) {
            return files.filter(p -> p.toString().endsWith(".snap")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flipped byte", "truncated", "wrong header"})
    void aCorruptNewestSnapshotIsMovedAsideAndTheOneBeforeUsedIfTheLogReachesIt(String damage) throws IOException {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 30, 1);
            disk.saveSnapshot(10, 1, out -> out.write(payload("ten")));
            disk.saveSnapshot(20, 1, out -> out.write(payload("twenty")));
        }
        Path newest = newestSnapshotFile();
        damage(newest, damage);
        try (DurableStorage disk = disk()) {
            assertEquals(10, disk.snapshot().index(), "the corrupt one is never served");
            assertEquals(20, disk.load().entries().size(), "entries 11..30 replayed from the log");
            assertTrue(Files.exists(newest.resolveSibling(newest.getFileName() + ".corrupt")));
        }
    }

    @Test
    void aCorruptSnapshotTheLogCannotReplaceFailsTheOpenNamingTheFile() throws IOException {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 60, 1);
            disk.saveSnapshot(50, 1, out -> out.write(payload("fifty")));
            disk.compact(50);
            disk.sync();
        }
        Path newest = newestSnapshotFile();
        Fixtures.flipByte(newest, 30);
        CorruptLogException e = assertThrows(CorruptLogException.class, this::disk);
        assertTrue(e.getMessage().contains(newest.getFileName().toString()), e.getMessage());
    }

    private static void damage(Path file, String how) throws IOException {
        switch (how) {
            case "flipped byte" -> Fixtures.flipByte(file, 26);
            case "truncated" -> Fixtures.cut(file, Fixtures.size(file) - 5);
            default -> {
                byte[] b = Files.readAllBytes(file);
                b[15] ^= 1; // the index in the header: no longer the one the name says
                Files.write(file, b);
            }
        }
    }

    @Test
    void aRestartReadsOnlyTheLogAfterTheSnapshot() {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 2000, 1);
            disk.saveSnapshot(1990, 1, out -> out.write(payload("state")));
        }
        try (DurableStorage disk = disk()) {
            long total = disk.logStats().bytes();
            assertEquals(10, disk.load().entries().size());
            assertTrue(disk.logBytesRead() < total / 20, "read " + disk.logBytesRead() + " of " + total + " bytes");
        }
    }

    @Test
    void aSnapshotWrittenOnAnotherThreadDoesNotDisturbTheLog() throws Exception {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 10, 1);
            byte[] big = new byte[1 << 20];
            CompletableFuture<SnapshotMeta> saved = CompletableFuture.supplyAsync(() -> disk.saveSnapshot(10, 1, out -> {
                for (int i = 0; i < 8; i++) {
                    out.write(big);
                }
            }));
            for (int i = 0; i < 200; i++) {
                disk.append(Fixtures.entries(11 + i, 1, 1));
                disk.sync();
            }
            SnapshotMeta meta = saved.get();
            assertEquals(8L * big.length + SnapshotFiles.HEADER_BYTES + SnapshotFiles.TRAILER_BYTES, meta.size());
            assertEquals(210, disk.lastIndex());
            assertEquals(200, disk.load().entries().size());
        }
        try (DurableStorage disk = disk()) {
            assertEquals(10, disk.snapshot().index());
            assertEquals(200, disk.load().entries().size());
        }
    }

    @Test
    void aWriterThatFailsLeavesNoSnapshot() throws IOException {
        try (DurableStorage disk = disk()) {
            fill(disk, 1, 10, 1);
            assertThrows(UncheckedIOException.class, () -> disk.saveSnapshot(10, 1, out -> {
                out.write(1);
                throw new IOException("disk full");
            }));
            assertTrue(disk.snapshot().isNone());
        }
        try (Stream<Path> files = Files.list(dir.resolve("node").resolve(SnapshotFiles.DIR))) {
            assertEquals(List.of(), files.toList(), "no leftover file");
        }
    }
}
