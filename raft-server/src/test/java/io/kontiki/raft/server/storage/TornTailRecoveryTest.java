package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.entries;
import static io.kontiki.raft.server.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.server.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash during an unsynced append can leave the last record of the last segment torn; recovery
 * drops exactly that record, keeps everything before it, and lets the log continue.
 */
class TornTailRecoveryTest {

    private static final int N = 6;
    private static final long ONE_SEGMENT = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void everyCutInsideTheLastRecordKeepsTheFirstNMinus1RecordsAndAppendContinuesAtN() {
        Path original = tmp.resolve("original");
        List<LogEntry> written = writeAndSync(original, ONE_SEGMENT);
        long[] offsets = Fixtures.offsets(written);
        assertEveryCutRecovers(original, Fixtures.segment(original, 1), offsets[N - 1], offsets[N], written);
    }

    @Test
    void everyCutInsideALastSegmentHoldingOnlyTheLastRecordLeavesAnEmptySegmentThatAppendReuses() {
        Path original = tmp.resolve("original");
        List<LogEntry> written = writeAndSync(original, 1); // one record per segment
        long end = RecordFormat.recordSize(written.get(N - 1));
        assertEveryCutRecovers(original, Fixtures.segment(original, N), 0, end, written);
    }

    @Test
    void zeroPaddingAfterTheLastRecordIsDropped() throws IOException {
        Path dir = tmp.resolve("d");
        List<LogEntry> written = writeAndSync(dir, ONE_SEGMENT);
        Path segment = Fixtures.segment(dir, 1);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        try (LogCapture log = new LogCapture(LogRecovery.class);
             DurableStorage s = open(dir)) {
            assertEquals(written, s.load().entries());
            assertTrue(log.lines(Level.WARN).get(0).contains("Dropped 4096 bytes"), log.lines(Level.WARN).toString());
            assertTrue(log.lines(Level.WARN).get(0).contains("zero padding"), log.lines(Level.WARN).toString());
        }
        assertEquals(Fixtures.offsets(written)[N], Fixtures.size(segment));
    }

    @Test
    void aBadCrcOnTheLastRecordIsATornWriteAndIsDropped() {
        Path dir = tmp.resolve("d");
        List<LogEntry> written = writeAndSync(dir, ONE_SEGMENT);
        long[] offsets = Fixtures.offsets(written);
        Fixtures.flipByte(Fixtures.segment(dir, 1), offsets[N] - 1);
        try (LogCapture log = new LogCapture(LogRecovery.class);
             DurableStorage s = open(dir)) {
            assertEquals(written.subList(0, N - 1), s.load().entries());
            assertTrue(log.lines(Level.WARN).get(0).contains("CRC mismatch"), log.lines(Level.WARN).toString());
        }
    }

    @Test
    void droppingATornTailLogsOneWarningNamingTheFileAndTheBytesDropped() {
        Path dir = tmp.resolve("d");
        List<LogEntry> written = writeAndSync(dir, ONE_SEGMENT);
        long[] offsets = Fixtures.offsets(written);
        Path segment = Fixtures.segment(dir, 1);
        Fixtures.cut(segment, offsets[N] - 3);
        long dropped = offsets[N] - 3 - offsets[N - 1];
        try (LogCapture log = new LogCapture(LogRecovery.class);
             DurableStorage s = open(dir)) {
            List<String> warnings = log.lines(Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(segment.toString()), warnings.get(0));
            assertTrue(warnings.get(0).contains("Dropped " + dropped + " bytes"), warnings.get(0));
            assertEquals(N - 1, s.lastIndex());
        }
    }

    @Test
    void aCleanLogOpensWithoutWarnings() {
        Path dir = tmp.resolve("d");
        writeAndSync(dir, 100);
        try (LogCapture log = new LogCapture(LogRecovery.class);
             DurableStorage s = open(dir, 100)) {
            assertEquals(List.of(), log.lines(Level.WARN));
            assertEquals(N, s.lastIndex());
        }
    }

    private List<LogEntry> writeAndSync(Path dir, long segmentBytes) {
        List<LogEntry> written = entries(1, N, 1);
        try (DurableStorage s = open(dir, segmentBytes)) {
            s.saveHardState(new HardState(1, 1));
            s.append(written);
            s.sync();
        }
        return written;
    }

    /**
     * For every cut in [from, to): copy, cut the segment there, reopen, check, append, reopen.
     * Every cut but the one at a record boundary logs exactly one WARN.
     */
    private void assertEveryCutRecovers(Path original, Path segment, long from, long to, List<LogEntry> written) {
        Path relative = original.relativize(segment);
        try (LogCapture log = new LogCapture(LogRecovery.class)) {
            for (long cut = from; cut < to; cut++) {
                log.clear();
                assertCutRecovers(original, relative, cut, written);
                assertEquals(cut == from ? 0 : 1, log.lines(Level.WARN).size(), "cut at " + cut);
            }
        }
    }

    private void assertCutRecovers(Path original, Path relative, long cut, List<LogEntry> written) {
        Path copy = tmp.resolve("cut-" + cut);
        Fixtures.copyDir(original, copy);
        Fixtures.cut(copy.resolve(relative), cut);
        LogEntry replacement = LogEntry.command(2, N, ("new-" + cut).getBytes(StandardCharsets.UTF_8));
        try (DurableStorage s = open(copy, segmentBytesOf(original))) {
            assertEquals(written.subList(0, N - 1), s.load().entries(), "cut at " + cut);
            assertEquals(new HardState(1, 1), s.load().hardState(), "cut at " + cut);
            assertEquals(N - 1, s.lastIndex(), "cut at " + cut);
            s.append(List.of(replacement));
            s.sync();
        }
        List<LogEntry> expected = new ArrayList<>(written.subList(0, N - 1));
        expected.add(replacement);
        try (DurableStorage s = open(copy, segmentBytesOf(original))) {
            assertEquals(expected, s.load().entries(), "cut at " + cut + ", after append and reopen");
        }
    }

    private static long segmentBytesOf(Path dir) {
        return Files.exists(Fixtures.segment(dir, 2)) ? 1 : ONE_SEGMENT;
    }
}
