package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A log that starts anywhere: compaction by whole segments, a reset after a snapshot, and an open
 * that reads only the segments holding entries after the snapshot.
 */
class SegmentedLogTest {

    /** Small segments: about three records each. */
    private static final long SEGMENT_BYTES = 120;

    @TempDir
    Path dir;

    private SegmentedLog open(long snapshotIndex) {
        return SegmentedLog.open(dir, SEGMENT_BYTES, new DiskSync(false), snapshotIndex);
    }

    private SegmentedLog written(int count) {
        SegmentedLog log = open(0);
        log.append(entries(1, count, 1));
        log.sync();
        return log;
    }

    @Test
    void afterAResetTheNextAppendStartsASegmentNamedAfterIt() {
        try (SegmentedLog log = written(10)) {
            assertTrue(log.discardAll(100) > 1);
            assertEquals(List.of(), log.segmentFiles());
            assertEquals(100, log.lastIndex());
            assertThrows(IllegalArgumentException.class, () -> log.append(entries(100, 1, 2)));
            log.append(entries(101, 5, 2));
            log.sync();
            assertEquals(Segment.fileName(101), log.segmentFiles().get(0).getFileName().toString());
        }
        try (SegmentedLog log = open(100)) {
            assertEquals(entries(101, 5, 2), log.readAll(100));
            assertEquals(101, log.firstIndex());
            assertEquals(105, log.lastIndex());
        }
    }

    @Test
    void anEmptyLogOpenedAfterASnapshotEndsAtTheSnapshotsIndex() {
        try (SegmentedLog log = open(42)) {
            assertEquals(42, log.lastIndex());
            assertEquals(43, log.firstIndex());
            assertEquals(List.of(), log.readAll(42));
            log.append(entries(43, 1, 1));
            assertEquals(entries(43, 1, 1), log.readAll(42));
        }
    }

    @ParameterizedTest(name = "compact({0}) leaves segments from index {1}")
    @CsvSource({
        "0, 1",    // nothing covered
        "2, 1",    // inside the first segment: it stays
        "3, 4",    // the first segment's last entry: it goes
        "8, 7",
        "30, 28",  // past the end: every segment but the last
    })
    void compactDeletesWholeSegmentsAtOrBeforeTheIndexButNeverTheLast(long upTo, long firstLeft) {
        try (SegmentedLog log = written(30)) {
            List<Path> before = log.segmentFiles();
            assertEquals(Segment.fileName(4), before.get(1).getFileName().toString(), "three records a segment");
            int deleted = log.compact(upTo);
            assertEquals(firstLeft, log.firstIndex());
            assertEquals(before.size() - deleted, log.segmentFiles().size());
            for (Path gone : before.subList(0, deleted)) {
                assertFalse(Files.exists(gone), gone.toString());
            }
            assertEquals(30, log.lastIndex());
            assertEquals(entries(firstLeft, (int) (31 - firstLeft), 1), log.readAll(0));
            log.append(entries(31, 1, 1));
            assertEquals(31, log.lastIndex());
        }
    }

    @Test
    void compactionIsMadeDurableByTheNextSync() {
        DiskSync disk = new DiskSync(true);
        try (SegmentedLog log = SegmentedLog.open(dir, SEGMENT_BYTES, disk, 0)) {
            log.append(entries(1, 10, 1));
            log.sync();
            assertFalse(log.hasUnsynced());
            log.compact(6);
            assertTrue(log.hasUnsynced(), "the directory lost names");
            long forces = disk.forces();
            log.sync();
            assertEquals(forces + 1, disk.forces(), "the directory, once");
        }
    }

    @Test
    void openSkipsSegmentsWhollyAtOrBeforeTheSnapshotWithoutReadingThem() throws Exception {
        try (SegmentedLog log = written(30)) {
            assertEquals(10, log.segmentFiles().size());
        }
        // Damage a segment the snapshot covers: it is never read, so it cannot fail the open.
        Fixtures.flipByte(dir.resolve(Segment.fileName(4)), 3);
        long tail = Files.size(dir.resolve(Segment.fileName(25))) + Files.size(dir.resolve(Segment.fileName(28)));
        try (SegmentedLog log = open(26)) {
            assertEquals(tail, log.bytesRead(), "only the segments from the one holding index 27");
            assertEquals(25, log.firstReadIndex());
            assertEquals(1, log.firstIndex(), "the skipped segments are still on disk");
            assertEquals(entries(27, 4, 1), log.readAll(26));
            long fromRecord27 = RecordFormat.recordSize(entries(27, 1, 1).get(0))
                    + Files.size(dir.resolve(Segment.fileName(28)));
            assertEquals(tail + fromRecord27, log.bytesRead(), "load reads from the record of index 27 on");
            assertTrue(log.holds(26, 1));
            assertFalse(log.holds(24, 1), "a skipped segment holds nothing that can be read");
            assertThrows(IllegalArgumentException.class, () -> log.truncateSuffix(24));
            assertEquals(8, log.compact(26));
            assertEquals(25, log.firstIndex());
        }
    }

    @Test
    void aSnapshotAtASegmentsLastIndexSkipsThatSegmentToo() {
        try (SegmentedLog log = written(9)) {
            assertEquals(3, log.segmentFiles().size());
        }
        try (SegmentedLog log = open(6)) {
            assertEquals(7, log.firstReadIndex());
            assertEquals(entries(7, 3, 1), log.readAll(6));
        }
    }

    @Test
    void theLastSegmentIsReadEvenWhenTheSnapshotCoversIt() {
        try (SegmentedLog log = written(9)) {
            assertEquals(3, log.segmentFiles().size());
        }
        try (SegmentedLog log = open(20)) {
            assertEquals(7, log.firstReadIndex());
            assertEquals(9, log.lastIndex());
            assertEquals(List.of(), log.readAll(20));
        }
    }

    @Test
    void statsCountTheSegmentsTheirBytesAndIndexes() throws Exception {
        try (SegmentedLog log = written(10)) {
            long bytes = 0;
            for (Path p : log.segmentFiles()) {
                bytes += Files.size(p);
            }
            assertEquals(new SegmentedLog.Stats(4, bytes, 1, 10), log.stats());
            log.compact(6);
            assertEquals(2, log.stats().segments());
            assertEquals(7, log.stats().firstIndex());
            log.discardAll(50);
            assertEquals(new SegmentedLog.Stats(0, 0, 51, 50), log.stats());
        }
    }

    @Test
    void truncatingEveryEntryAfterAResetKeepsTheBase() {
        try (SegmentedLog log = open(0)) {
            log.discardAll(20);
            log.append(entries(21, 4, 3));
            log.truncateSuffix(21);
            assertEquals(20, log.lastIndex());
            log.append(List.of(LogEntry.noop(4, 21)));
            assertEquals(List.of(LogEntry.noop(4, 21)), log.readAll(20));
        }
    }

    @Test
    void truncatingBackToASkippedSegmentStartsANewSegmentForTheNextAppend() {
        try (SegmentedLog log = written(9)) {
            assertEquals(3, log.segmentFiles().size());
        }
        // Reopened with room to spare in every segment, so only being skipped can start a new one.
        try (SegmentedLog log = SegmentedLog.open(dir, 1 << 20, new DiskSync(false), 6)) {
            log.truncateSuffix(7); // a conflict right after the snapshot: the segment from 7 goes
            assertEquals(6, log.lastIndex());
            log.append(entries(7, 2, 2));
            log.sync();
            assertEquals(Segment.fileName(7), log.segmentFiles().get(2).getFileName().toString());
            assertEquals(entries(7, 2, 2), log.readAll(6));
        }
        try (SegmentedLog log = open(6)) {
            assertEquals(entries(7, 2, 2), log.readAll(6));
        }
    }
}
