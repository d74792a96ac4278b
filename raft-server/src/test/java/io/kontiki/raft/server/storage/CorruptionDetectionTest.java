package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.entries;
import static io.kontiki.raft.server.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage that a crash cannot explain — anywhere before the tail of the last segment — fails the
 * open with a {@link CorruptLogException} naming the file and the byte offset; nothing is dropped.
 */
class CorruptionDetectionTest {

    private static final int N = 5;

    @TempDir
    Path tmp;

    @Test
    void flippingAnyByteOfAnyRecordBeforeTheLastFailsTheOpenNamingTheFileAndTheRecordOffset() {
        Path original = tmp.resolve("original");
        List<LogEntry> written = write(original, 1 << 20);
        long[] offsets = Fixtures.offsets(written);
        for (int record = 0; record < N - 1; record++) {
            for (long b = offsets[record]; b < offsets[record + 1]; b++) {
                Path copy = tmp.resolve("flip-" + b);
                Fixtures.copyDir(original, copy);
                Path segment = Fixtures.segment(copy, 1);
                Fixtures.flipByte(segment, b);
                assertCorrupt(copy, 1 << 20, segment, offsets[record]);
            }
        }
    }

    @Test
    void aCorruptedLengthThatRunsPastTheEndIsNotMistakenForATornTail() {
        Path dir = tmp.resolve("d");
        List<LogEntry> written = write(dir, 1 << 20);
        long[] offsets = Fixtures.offsets(written);
        Path segment = Fixtures.segment(dir, 1);
        Fixtures.flipByte(segment, offsets[1] + 3); // length 0x000000xx -> 0x0000FFxx: far past the end
        CorruptLogException e = assertCorrupt(dir, 1 << 20, segment, offsets[1]);
        assertTrue(e.getMessage().contains("index 3 follows"), e.getMessage());
    }

    @Test
    void aBadRecordInANonLastSegmentFailsTheOpenEvenAtThatSegmentsEnd() {
        Path original = tmp.resolve("original");
        List<LogEntry> written = write(original, 1); // one record per segment
        long last = RecordFormat.recordSize(written.get(1));
        for (long b : new long[] {0, 5, last - 1}) {
            Path copy = tmp.resolve("flip-" + b);
            Fixtures.copyDir(original, copy);
            Path segment = Fixtures.segment(copy, 2);
            Fixtures.flipByte(segment, b);
            assertCorrupt(copy, 1, segment, 0);
        }
    }

    @Test
    void aTruncatedNonLastSegmentFailsTheOpen() {
        Path dir = tmp.resolve("d");
        write(dir, 1);
        Path segment = Fixtures.segment(dir, 3);
        Fixtures.cut(segment, 10);
        assertCorrupt(dir, 1, segment, 0);
    }

    @Test
    void aMissingMiddleSegmentIsAGapInIndexes() throws IOException {
        Path dir = tmp.resolve("d");
        write(dir, 1);
        Files.delete(Fixtures.segment(dir, 3));
        CorruptLogException e = assertCorrupt(dir, 1, Fixtures.segment(dir, 4), 0);
        assertTrue(e.getMessage().contains("gap in indexes"), e.getMessage());
    }

    @Test
    void aMissingFirstSegmentIsReported() throws IOException {
        Path dir = tmp.resolve("d");
        write(dir, 1);
        Files.delete(Fixtures.segment(dir, 1));
        assertCorrupt(dir, 1, Fixtures.segment(dir, 2), 0);
    }

    @Test
    void aRecordWithTheWrongIndexUnderAValidCrcFailsTheOpen() throws IOException {
        Path dir = tmp.resolve("d");
        write(dir, 1 << 20);
        // A well-formed segment named 7 whose record claims index 9.
        Path bogus = Fixtures.segment(dir, N + 1);
        LogEntry e = LogEntry.command(1, N + 3, new byte[3]);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(RecordFormat.recordSize(e));
        RecordFormat.encode(e, buf);
        Files.write(bogus, buf.array());
        CorruptLogException ex = assertCorrupt(dir, 1 << 20, bogus, 0);
        assertTrue(ex.getMessage().contains("expected " + (N + 1)), ex.getMessage());
    }

    @Test
    void theFailedOpenReleasesTheDirectoryLock() {
        Path dir = tmp.resolve("d");
        List<LogEntry> written = write(dir, 1 << 20);
        Path segment = Fixtures.segment(dir, 1);
        byte[] original = readAll(segment);
        Fixtures.flipByte(segment, Fixtures.offsets(written)[1] + 20);
        assertThrows(CorruptLogException.class, () -> open(dir));
        writeAll(segment, original);
        try (DurableStorage s = open(dir)) {
            assertEquals(written, s.load().entries());
        }
    }

    private List<LogEntry> write(Path dir, long segmentBytes) {
        List<LogEntry> written = entries(1, N, 1);
        try (DurableStorage s = open(dir, segmentBytes)) {
            s.append(written);
            s.sync();
        }
        return written;
    }

    private static CorruptLogException assertCorrupt(Path dir, long segmentBytes, Path file, long offset) {
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(dir, segmentBytes).close(),
                () -> "expected corruption in " + file + " at " + offset);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("at byte offset " + offset), e.getMessage());
        assertEquals(file, e.file());
        assertEquals(offset, e.offset());
        return e;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeAll(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
