package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.CLUSTER;
import static io.kontiki.raft.server.storage.Fixtures.NODE;
import static io.kontiki.raft.server.storage.Fixtures.entries;
import static io.kontiki.raft.server.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.log.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability is what {@code sync} forces: appends alone force nothing, one sync forces everything
 * written since the last (group commit), fsync=false forces nothing, and I/O failures are never
 * reported as success.
 */
class SyncDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void appendForcesNothingAndTheFollowingSyncForcesTheSegment() {
        try (DurableStorage s = open(dir)) {
            long opened = s.forceCount();
            s.append(entries(1, 3, 1));
            assertEquals(opened, s.forceCount(), "append must not wait for the disk");
            assertEquals(0, s.syncCount());
            s.sync();
            assertEquals(1, s.syncCount());
            // The new segment's data, then the log directory that gained its name.
            assertEquals(opened + 2, s.forceCount());
            s.append(entries(4, 1, 1));
            s.sync();
            assertEquals(2, s.syncCount());
            assertEquals(opened + 3, s.forceCount(), "only the segment this time");
        }
    }

    @Test
    void aSyncWithNothingNewForcesNothing() {
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(1, 1));
            s.append(entries(1, 1, 1));
            s.sync();
            long forces = s.forceCount();
            s.saveHardState(new HardState(1, 1)); // unchanged
            s.sync();
            s.sync();
            assertEquals(forces, s.forceCount());
            assertEquals(1, s.syncCount());
        }
    }

    @Test
    void oneSyncCommitsTheHardStateAndEveryAppendSinceTheLastSync() {
        try (DurableStorage s = open(dir)) {
            s.append(entries(1, 1, 1));
            s.sync();
            long forces = s.forceCount();
            s.saveHardState(new HardState(2, 1));
            s.append(entries(2, 2, 2));
            s.append(entries(4, 3, 2));
            s.saveHardState(new HardState(2, 3));
            s.sync();
            assertEquals(2, s.syncCount());
            // hardstate.tmp, the directory after the rename, the one segment written.
            assertEquals(forces + 3, s.forceCount());
        }
        try (DurableStorage s = open(dir)) {
            assertEquals(new HardState(2, 3), s.load().hardState());
            assertEquals(6, s.lastIndex());
        }
    }

    @Test
    void aSyncAfterRolloverForcesEverySegmentWrittenAndTheDirectoryOnce() {
        try (DurableStorage s = open(dir, 100)) {
            long opened = s.forceCount();
            s.append(entries(1, 10, 1));
            int segments = s.segmentFiles().size();
            assertTrue(segments > 2);
            s.sync();
            assertEquals(opened + segments + 1, s.forceCount());
        }
    }

    @Test
    void withFsyncOffSyncForcesNothingButStillWritesToTheOs() {
        DurableStorage.Options noFsync = DurableStorage.Options.defaults().withFsync(false);
        try (DurableStorage s = DurableStorage.open(dir, CLUSTER, NODE, noFsync)) {
            s.saveHardState(new HardState(3, 1));
            s.append(entries(1, 5, 3));
            s.sync();
            s.truncateSuffix(4);
            s.sync();
            assertEquals(0, s.forceCount());
            assertEquals(0, s.fsyncNanos());
            assertEquals(1, s.syncCount());
        }
        try (DurableStorage s = DurableStorage.open(dir, CLUSTER, NODE, noFsync)) {
            assertEquals(new HardState(3, 1), s.load().hardState());
            assertEquals(entries(1, 3, 3), s.load().entries());
        }
    }

    @Test
    void truncateSuffixIsDurableWhenItReturns() {
        try (DurableStorage s = open(dir, 300)) {
            s.append(entries(1, 20, 1));
            s.sync();
            assertTrue(s.segmentFiles().size() >= 3);
            long forces = s.forceCount();
            long insideSecond = Segment.parseFirstIndex(s.segmentFiles().get(1).getFileName().toString()) + 1;
            s.truncateSuffix(insideSecond);
            assertEquals(2, s.segmentFiles().size());
            assertEquals(forces + 2, s.forceCount(), "the directory after deleting segments, then the cut segment");
            s.sync();
            assertEquals(forces + 2, s.forceCount(), "nothing left for sync");
        }
    }

    @Test
    void bytesWrittenCountsEveryRecordAndHardStateFile() {
        List<LogEntry> written = entries(1, 4, 1);
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(1, 1));
            s.append(written);
            s.sync();
            assertEquals(Fixtures.offsets(written)[4] + 20, s.bytesWritten());
        }
    }

    @Test
    void anIoFailureIsReportedWithThePathAndEveryLaterCallFailsToo() throws IOException {
        DurableStorage s = open(dir, 100);
        try {
            s.append(entries(1, 2, 1));
            s.sync();
            Path logDir = dir.resolve(DurableStorage.LOG_DIR);
            for (Path p : s.segmentFiles()) {
                Files.delete(p);
            }
            Files.delete(logDir);
            // The next append needs a new segment file in a directory that is gone.
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> s.append(entries(3, 5, 1)));
            assertTrue(e.getMessage().contains(logDir.toString()), e.getMessage());
            assertSame(e, assertThrows(UncheckedIOException.class, s::sync));
            assertSame(e, assertThrows(UncheckedIOException.class, s::lastIndex));
        } finally {
            s.close();
        }
    }
}
