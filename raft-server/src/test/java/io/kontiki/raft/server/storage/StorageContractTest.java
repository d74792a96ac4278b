package io.kontiki.raft.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.PersistentState;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.Storage;
import io.kontiki.raft.core.log.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Storage} contract, checked by running the same calls against {@link InMemoryStorage}
 * (the reference) and {@link DurableStorage}, the way {@code RaftNode} makes them (hard state,
 * truncate, append, sync), and expecting identical {@code load()} results — also after the
 * durable one is closed and reopened.
 */
class StorageContractTest {

    @TempDir
    Path dir;

    @Test
    void aScriptedElectionAndConflictGiveIdenticalLoads() {
        InMemoryStorage memory = new InMemoryStorage();
        try (DurableStorage disk = Fixtures.open(dir, 128)) {
            for (Storage s : List.of(memory, disk)) {
                s.saveHardState(new HardState(1, 1));
                s.append(Fixtures.entries(1, 5, 1));
                s.sync();
                s.saveHardState(new HardState(2, RaftConfig.NO_NODE));
                s.sync();
                s.saveHardState(new HardState(2, 3));
                s.truncateSuffix(3);
                s.append(List.of(LogEntry.noop(2, 3)));
                s.append(Fixtures.entries(4, 2, 2));
                s.sync();
            }
            assertEquals(memory.load(), disk.load());
            assertEquals(memory.lastIndex(), disk.lastIndex());
        }
        try (DurableStorage disk = Fixtures.open(dir, 128)) {
            assertEquals(memory.load(), disk.load());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomDriverTurnsGiveIdenticalLoadsBeforeAndAfterReopen(long seed) {
        Random random = new Random(seed);
        InMemoryStorage memory = new InMemoryStorage();
        long segmentBytes = 64 + random.nextInt(400);
        String context = "seed " + seed + ", segmentBytes " + segmentBytes;
        try (DurableStorage disk = DurableStorage.open(dir, Fixtures.CLUSTER, Fixtures.NODE, noFsync(segmentBytes))) {
            long term = 1;
            for (int turn = 0; turn < 200; turn++) {
                if (random.nextInt(5) == 0) {
                    term++;
                }
                HardState hs = random.nextBoolean() ? new HardState(term, random.nextInt(4) - 1) : null;
                List<LogEntry> batch = randomBatch(random, memory.lastIndex(), term);
                for (Storage s : List.of(memory, disk)) {
                    turn(s, hs, batch);
                }
                if (turn % 20 == 0) {
                    assertEquals(memory.load(), disk.load(), context + ", turn " + turn);
                }
            }
            assertEquals(memory.load(), disk.load(), context);
        }
        try (DurableStorage disk = DurableStorage.open(dir, Fixtures.CLUSTER, Fixtures.NODE, noFsync(segmentBytes))) {
            PersistentState reloaded = disk.load();
            assertEquals(memory.load(), reloaded, context + ", after reopen");
        }
    }

    /** The contract is about what {@code load()} returns; forcing is covered by SyncDurabilityTest. */
    private static DurableStorage.Options noFsync(long segmentBytes) {
        return DurableStorage.Options.defaults().withSegmentBytes(segmentBytes).withFsync(false);
    }

    /** What {@code RaftNode.persist} does with one {@code Ready}. */
    private static void turn(Storage s, HardState hs, List<LogEntry> entries) {
        if (hs != null) {
            s.saveHardState(hs);
        }
        if (!entries.isEmpty()) {
            long first = entries.get(0).index();
            if (first <= s.lastIndex()) {
                s.truncateSuffix(first);
            }
            s.append(entries);
        }
        s.sync();
    }

    /** Appends at the end, or overwrites a suffix (a conflict), with 0..5 entries. */
    private static List<LogEntry> randomBatch(Random random, long lastIndex, long term) {
        int n = random.nextInt(6);
        long first = lastIndex + 1;
        if (lastIndex > 0 && random.nextInt(4) == 0) {
            first = 1 + random.nextInt((int) lastIndex);
            n = Math.max(n, 1);
        }
        List<LogEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[random.nextInt(random.nextInt(8) == 0 ? 300 : 40)];
            random.nextBytes(data);
            out.add(random.nextInt(10) == 0 ? LogEntry.noop(term, first + i) : LogEntry.command(term, first + i, data));
        }
        return out;
    }
}
