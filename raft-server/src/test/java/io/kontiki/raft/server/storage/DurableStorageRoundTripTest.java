package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.entries;
import static io.kontiki.raft.server.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.PersistentState;
import io.kontiki.raft.core.log.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is synced comes back after close and reopen, through truncations and segment rollovers. */
class DurableStorageRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void freshDataDirectoryLoadsTheInitialState() {
        try (DurableStorage s = open(dir)) {
            assertEquals(PersistentState.EMPTY, s.load());
            assertEquals(0, s.lastIndex());
        }
        assertTrue(Files.isRegularFile(dir.resolve(DataDirectory.META_FILE)));
    }

    @Test
    void entriesAndHardStateSurviveCloseAndReopen() {
        List<LogEntry> written = new ArrayList<>(entries(1, 10, 1));
        written.add(LogEntry.noop(2, 11));
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(2, 3));
            s.append(written);
            s.sync();
        }
        try (DurableStorage s = open(dir)) {
            assertEquals(new PersistentState(new HardState(2, 3), written), s.load());
            assertEquals(11, s.lastIndex());
        }
    }

    @Test
    void truncateSuffixThenAppendSurvivesReopen() {
        try (DurableStorage s = open(dir)) {
            s.append(entries(1, 10, 1));
            s.sync();
            s.truncateSuffix(6);
            s.append(entries(6, 3, 2));
            s.sync();
        }
        List<LogEntry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 3, 2));
        try (DurableStorage s = open(dir)) {
            assertEquals(expected, s.load().entries());
            s.append(entries(9, 1, 2));
            assertEquals(9, s.lastIndex());
        }
    }

    @Test
    void truncateAcrossSegmentBoundariesDeletesLaterSegmentsAndCutsTheOneHoldingTheIndex() {
        try (DurableStorage s = open(dir, 200)) {
            s.append(entries(1, 30, 1));
            s.sync();
            int before = s.segmentFiles().size();
            assertTrue(before >= 5, "expected several segments, got " + before);
            s.truncateSuffix(12);
            assertEquals(11, s.lastIndex());
            assertTrue(s.segmentFiles().size() < before);
            for (Path p : s.segmentFiles()) {
                assertTrue(Segment.parseFirstIndex(p.getFileName().toString()) < 12, p.toString());
            }
            s.append(entries(12, 5, 2));
            s.sync();
        }
        List<LogEntry> expected = new ArrayList<>(entries(1, 11, 1));
        expected.addAll(entries(12, 5, 2));
        try (DurableStorage s = open(dir, 200)) {
            assertEquals(expected, s.load().entries());
        }
    }

    @Test
    void truncatingFromTheFirstIndexOfASegmentDeletesThatSegment() {
        try (DurableStorage s = open(dir, 200)) {
            s.append(entries(1, 30, 1));
            s.sync();
            Path second = s.segmentFiles().get(1);
            long first = Segment.parseFirstIndex(second.getFileName().toString());
            s.truncateSuffix(first);
            assertFalse(Files.exists(second));
            assertEquals(first - 1, s.lastIndex());
        }
    }

    @Test
    void truncatingFromIndexOneEmptiesTheLog() {
        try (DurableStorage s = open(dir, 200)) {
            s.append(entries(1, 30, 1));
            s.sync();
            s.truncateSuffix(1);
            assertEquals(0, s.lastIndex());
            assertTrue(s.segmentFiles().isEmpty());
            s.append(entries(1, 2, 3));
            s.sync();
        }
        try (DurableStorage s = open(dir, 200)) {
            assertEquals(entries(1, 2, 3), s.load().entries());
        }
    }

    @Test
    void truncatingPastTheEndChangesNothing() {
        try (DurableStorage s = open(dir)) {
            s.append(entries(1, 3, 1));
            s.truncateSuffix(4);
            assertEquals(3, s.lastIndex());
            assertThrows(IllegalArgumentException.class, () -> s.truncateSuffix(0));
        }
    }

    @Test
    void tinySegmentSizeRollsOverIntoSeveralFilesNamedByFirstIndexAndReadsBackInOrder() {
        List<LogEntry> written = entries(1, 40, 1);
        try (DurableStorage s = open(dir, 150)) {
            for (int i = 0; i < 40; i += 4) {
                s.append(written.subList(i, i + 4));
                s.sync();
            }
            List<Path> files = s.segmentFiles();
            assertTrue(files.size() >= 10, "expected many segments, got " + files.size());
            long expectedFirst = 1;
            for (Path f : files) {
                assertEquals(Segment.fileName(expectedFirst), f.getFileName().toString());
                assertTrue(Fixtures.size(f) <= 150, f + " exceeds the segment size");
                expectedFirst = Segment.parseFirstIndex(f.getFileName().toString()) + countRecords(f, written);
            }
        }
        try (DurableStorage s = open(dir, 150)) {
            assertEquals(written, s.load().entries());
        }
    }

    @Test
    void anEntryLargerThanTheSegmentSizeGetsASegmentOfItsOwn() {
        List<LogEntry> written = List.of(LogEntry.command(1, 1, new byte[10]),
                LogEntry.command(1, 2, new byte[5_000]), LogEntry.command(1, 3, new byte[10]));
        try (DurableStorage s = open(dir, 100)) {
            s.append(written);
            s.sync();
            assertEquals(3, s.segmentFiles().size());
        }
        try (DurableStorage s = open(dir, 100)) {
            assertEquals(written, s.load().entries());
        }
    }

    @Test
    void hardStateIsWrittenOnlyBySync() {
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(1, 2));
            s.sync();
            s.saveHardState(new HardState(5, 3));
            assertEquals(new HardState(5, 3), s.load().hardState(), "load sees the latest saved state");
        }
        try (DurableStorage s = open(dir)) {
            assertEquals(new HardState(1, 2), s.load().hardState());
        }
    }

    @Test
    void appendOutOfOrderIsRejectedAndWritesNothing() {
        try (DurableStorage s = open(dir)) {
            s.append(entries(1, 2, 1));
            assertThrows(IllegalArgumentException.class, () -> s.append(entries(4, 1, 1)));
            assertThrows(IllegalArgumentException.class, () -> s.append(entries(2, 1, 1)));
            assertEquals(2, s.lastIndex());
            s.append(entries(3, 1, 1));
            assertEquals(entries(1, 3, 1), s.load().entries());
        }
    }

    @Test
    void aClosedStorageRefusesCalls() {
        DurableStorage s = open(dir);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::lastIndex);
        assertThrows(IllegalStateException.class, () -> s.append(entries(1, 1, 1)));
    }

    private static int countRecords(Path segment, List<LogEntry> all) {
        long first = Segment.parseFirstIndex(segment.getFileName().toString());
        long size = Fixtures.size(segment);
        int n = 0;
        for (long pos = 0; pos < size; n++) {
            pos += RecordFormat.recordSize(all.get((int) (first - 1 + n)));
        }
        return n;
    }
}
