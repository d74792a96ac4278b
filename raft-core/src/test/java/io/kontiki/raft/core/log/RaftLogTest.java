package io.kontiki.raft.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests for {@link RaftLog}: the log as one node holds it, ignorant of roles. */
class RaftLogTest {

    /** A stable log whose entry at index i+1 has term {@code terms[i]} and i+1 bytes of data. */
    private static RaftLog log(long... terms) {
        return new RaftLog(entries(1, terms));
    }

    private static List<LogEntry> entries(long firstIndex, long... terms) {
        List<LogEntry> list = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            long index = firstIndex + i;
            list.add(LogEntry.command(terms[i], index, new byte[(int) index]));
        }
        return list;
    }

    private static List<Long> terms(RaftLog log) {
        List<Long> terms = new ArrayList<>();
        for (long i = 1; i <= log.lastIndex(); i++) {
            terms.add(log.termAt(i));
        }
        return terms;
    }

    private static List<Long> list(long... values) {
        List<Long> list = new ArrayList<>();
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    // ---- append ------------------------------------------------------------------------

    @Test
    void appendPlacesEachEntryAfterTheLastAndLeavesItUnstable() {
        RaftLog log = log(1, 1);
        assertEquals(3, log.append(2, EntryType.COMMAND, new byte[] {7}));
        assertEquals(4, log.append(2, EntryType.NOOP, new byte[0]));

        assertEquals(new EntryId(2, 4), log.lastId());
        assertEquals(2, log.stableIndex());
        assertEquals(List.of(3L, 4L), log.unstableEntries().stream().map(LogEntry::index).toList());
        assertEquals(EntryType.NOOP, log.entryAt(4).type());
    }

    @Test
    void appendRefusesATermBelowTheLastTerm() {
        RaftLog log = log(1, 3);
        assertThrows(IllegalArgumentException.class, () -> log.append(2, EntryType.COMMAND, new byte[0]));
        assertEquals(2, log.lastIndex());
    }

    @Test
    void aLogMustBeContiguousFromIndexOne() {
        assertThrows(IllegalArgumentException.class, () -> new RaftLog(entries(2, 1, 1)));
    }

    @Test
    void anEmptyLogEndsAtZeroZero() {
        RaftLog log = new RaftLog(List.of());
        assertEquals(EntryId.ZERO, log.lastId());
        assertEquals(0, log.stableIndex());
        assertTrue(log.unstableEntries().isEmpty());
    }

    // ---- termAt / matches ----------------------------------------------------------------

    @ParameterizedTest(name = "log [1,1,2]: termAt({0}) = {1}")
    @CsvSource({
        "0, 0",   // before the first entry
        "1, 1",
        "3, 2",
        "4, -1",  // past the end
        "-1, -1",
    })
    void termAtNamesTheTermOrZeroBeforeTheLogOrMinusOneOutsideIt(long index, long expected) {
        assertEquals(expected, log(1, 1, 2).termAt(index));
    }

    @ParameterizedTest(name = "log [1,1,2]: matches({0}, {1}) = {2}")
    @CsvSource({
        "0, 0, true",    // the empty prefix always matches
        "2, 1, true",
        "3, 2, true",
        "3, 1, false",   // right index, wrong term
        "4, 2, false",   // past the end
        "4, -1, false",  // the "no entry" marker is not a term
        "0, 1, false",
    })
    void matchesOnlyAnEntryWithThatIndexAndTerm(long index, long term, boolean expected) {
        assertEquals(expected, log(1, 1, 2).matches(index, term));
    }

    // ---- isUpToDate (§5.4.1) -------------------------------------------------------------

    @ParameterizedTest(name = "log [1,1,2] vs other log ending {2}/{1}: up to date = {3}")
    @CsvSource({
        "higher last term wins even when shorter,     1, 3, true",
        "same last term and longer,                   4, 2, true",
        "same last term and same length,              3, 2, true",
        "same last term but shorter,                  2, 2, false",
        "lower last term loses even when longer,     10, 1, false",
        "empty log is behind a non-empty one,         0, 0, false",
    })
    void isUpToDateComparesLastTermsFirstThenLengths(String claim, long otherIndex, long otherTerm, boolean expected) {
        assertEquals(expected, log(1, 1, 2).isUpToDate(otherIndex, otherTerm), claim);
    }

    @Test
    void anyLogIsUpToDateWithAnEmptyLog() {
        RaftLog empty = new RaftLog(List.of());
        assertTrue(empty.isUpToDate(0, 0));
        assertTrue(empty.isUpToDate(1, 1));
    }

    // ---- appendOrTruncate (§5.3 steps 3-4) -----------------------------------------------

    static Stream<Arguments> appendOrTruncateCases() {
        return Stream.of(
                Arguments.of("an exact duplicate changes nothing",
                        new long[] {1, 1, 2}, 2L, new long[] {1, 2}, list(1, 1, 2), 0L),
                Arguments.of("an older, shorter message keeps the entries after it",
                        new long[] {1, 1, 2, 2}, 1L, new long[] {1}, list(1, 1, 2, 2), 0L),
                Arguments.of("new entries past the end are appended",
                        new long[] {1, 1}, 3L, new long[] {2, 2}, list(1, 1, 2, 2), 0L),
                Arguments.of("matching entries then new ones extend the log",
                        new long[] {1, 1}, 2L, new long[] {1, 2, 3}, list(1, 1, 2, 3), 0L),
                Arguments.of("the first conflict truncates the rest of the log",
                        new long[] {1, 1, 2, 2, 2}, 3L, new long[] {3}, list(1, 1, 3), 3L),
                Arguments.of("matching entries are kept, the suffix from the first conflict replaced",
                        new long[] {1, 1, 2, 2, 2}, 2L, new long[] {1, 2, 4, 4}, list(1, 1, 2, 4, 4), 4L),
                Arguments.of("a conflict at index 1 replaces the whole log",
                        new long[] {1, 1, 1}, 1L, new long[] {2}, list(2), 1L),
                Arguments.of("no entries is a no-op",
                        new long[] {1, 2}, 3L, new long[] {}, list(1, 2), 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appendOrTruncateCases")
    void appendOrTruncateKeepsMatchingEntriesAndTruncatesAtTheFirstConflict(String claim, long[] before,
            long firstIndex, long[] incoming, List<Long> after, long truncatedFrom) {
        RaftLog log = log(before);
        assertEquals(truncatedFrom, log.appendOrTruncate(entries(firstIndex, incoming)), claim);
        assertEquals(after, terms(log), claim);
    }

    @Test
    void appendOrTruncateKeepsMatchingEntriesOfADuplicateMessage() {
        RaftLog log = log(1, 1, 2);
        List<LogEntry> original = List.of(log.entryAt(1), log.entryAt(2), log.entryAt(3));

        assertEquals(0, log.appendOrTruncate(entries(2, 1, 2)));

        assertEquals(original, List.of(log.entryAt(1), log.entryAt(2), log.entryAt(3)));
        assertEquals(3, log.stableIndex(), "a duplicate must not make stable entries unstable");
    }

    @Test
    void truncationLowersTheStableIndexBelowTheFirstReplacedEntry() {
        RaftLog log = log(1, 1, 2, 2, 2);
        log.appendOrTruncate(entries(3, 3, 3));

        assertEquals(2, log.stableIndex());
        assertEquals(List.of(new EntryId(3, 3), new EntryId(3, 4)),
                log.unstableEntries().stream().map(LogEntry::id).toList());
    }

    @Test
    void truncationAboveTheStableIndexLeavesItAlone() {
        RaftLog log = log(1, 1);
        log.append(2, EntryType.COMMAND, new byte[0]);
        log.append(2, EntryType.COMMAND, new byte[0]);
        log.appendOrTruncate(entries(4, 3));

        assertEquals(2, log.stableIndex());
        assertEquals(list(1, 1, 2, 3), terms(log));
    }

    // ---- stableTo ------------------------------------------------------------------------

    @ParameterizedTest(name = "stable 2 of [1,1,2,2]: stableTo({0}/{1}) -> {2}")
    @CsvSource({
        "2, 4, 4",   // the handed-out entry is still there
        "2, 3, 3",   // a prefix of it
        "3, 4, 2",   // a different term at that index: the entry was replaced, keep the old mark
        "2, 5, 2",   // no such entry
        "1, 1, 2",   // never lowers
    })
    void stableToMovesOnlyToAnEntryThatIsStillInTheLog(long term, long index, long expectedStable) {
        RaftLog log = log(1, 1);
        log.append(2, EntryType.COMMAND, new byte[0]);
        log.append(2, EntryType.COMMAND, new byte[0]);

        log.stableTo(new EntryId(term, index));

        assertEquals(expectedStable, log.stableIndex());
    }

    @Test
    void stableToIgnoresAnEntryReplacedAfterItWasHandedOut() {
        RaftLog log = log(1);
        log.append(1, EntryType.COMMAND, new byte[0]);
        log.append(1, EntryType.COMMAND, new byte[0]);
        EntryId handedOut = log.lastId(); // 1/3, handed to the driver for persisting
        log.appendOrTruncate(entries(2, 2, 2)); // a new leader replaces 2 and 3 meanwhile

        log.stableTo(handedOut);

        assertEquals(1, log.stableIndex());
        assertEquals(2, log.unstableEntries().size());
    }

    // ---- slice ---------------------------------------------------------------------------

    /** Entry i carries i bytes: 1, 2, 3, 4, 5 (15 in all). */
    @ParameterizedTest(name = "slice({0}, {1}, maxEntries={2}, maxBytes={3}) -> {4}")
    @CsvSource({
        "1, 5, 100, 1000, 1..5",
        "2, 4, 100, 1000, 2..4",
        "1, 9, 100, 1000, 1..5",   // to is clipped at the last index
        "1, 5,   2, 1000, 1..2",   // count limit
        "1, 5, 100,    6, 1..3",   // 1+2+3 = 6 fits exactly
        "1, 5, 100,    5, 1..2",   // 1+2+3 > 5
        "4, 5, 100,    1, 4..4",   // one entry even if larger than maxBytes
        "5, 5,   1,    1, 5..5",
        "3, 2, 100, 1000, none",   // from > to
        "6, 9, 100, 1000, none",   // from past the end
        "0, 3, 100, 1000, none",   // index 0 holds no entry
    })
    void sliceIsLimitedByCountAndBytesButHoldsAtLeastOneEntry(long from, long to, int maxEntries, long maxBytes,
            String expected) {
        List<LogEntry> slice = log(1, 1, 1, 2, 2).slice(from, to, maxEntries, maxBytes);
        String actual = slice.isEmpty() ? "none"
                : slice.get(0).index() + ".." + slice.get(slice.size() - 1).index();
        assertEquals(expected, actual);
        for (int i = 1; i < slice.size(); i++) {
            assertEquals(slice.get(i - 1).index() + 1, slice.get(i).index(), "slice must be consecutive");
        }
    }

    @Test
    void sliceIsAReadOnlyView() {
        List<LogEntry> slice = log(1, 1).slice(1, 2, 10, 100);
        assertThrows(UnsupportedOperationException.class, () -> slice.remove(0));
    }

    // ---- firstIndexOfTermAt / lastIndexOfTerm --------------------------------------------

    @ParameterizedTest(name = "log [1,1,2,2,2,4,5,5]: firstIndexOfTermAt({0}) = {1}")
    @CsvSource({
        "1, 1",
        "2, 1",
        "3, 3",
        "5, 3",
        "6, 6",
        "8, 7",
    })
    void firstIndexOfTermAtFindsTheStartOfTheRunOfThatTerm(long index, long expected) {
        assertEquals(expected, log(1, 1, 2, 2, 2, 4, 5, 5).firstIndexOfTermAt(index));
    }

    @ParameterizedTest(name = "log [1,1,2,2,2,4,5,5]: lastIndexOfTerm({0}, atOrBelow {1}) = {2}")
    @CsvSource({
        "2, 8, 5",
        "2, 4, 4",    // bounded from above
        "1, 8, 2",
        "5, 8, 8",
        "5, 99, 8",   // bound past the end is clipped
        "3, 8, 0",    // a term the log skips
        "4, 5, 0",    // the term exists only above the bound
        "6, 8, 0",    // a term above every entry
        "1, 0, 0",
    })
    void lastIndexOfTermFindsTheLastEntryOfThatTermAtOrBelowTheBound(long term, long atOrBelow, long expected) {
        assertEquals(expected, log(1, 1, 2, 2, 2, 4, 5, 5).lastIndexOfTerm(term, atOrBelow));
    }

    // ---- a log that starts after a snapshot ------------------------------------------------

    /** A log after a snapshot of 2/5 holding entries 6..8 of terms 2, 3, 3. */
    private static RaftLog afterSnapshot() {
        return new RaftLog(new SnapshotMeta(5, 2, 100, 7), entries(6, 2, 3, 3));
    }

    @Test
    void aLogAfterASnapshotStartsAtTheIndexAfterIt() {
        RaftLog log = afterSnapshot();
        assertEquals(6, log.firstIndex());
        assertEquals(new EntryId(2, 5), log.base());
        assertEquals(new EntryId(2, 5), log.snapshotId());
        assertEquals(new EntryId(3, 8), log.lastId());
        assertEquals(8, log.stableIndex());
        assertEquals(6, log.entryAt(6).index());
        assertThrows(IndexOutOfBoundsException.class, () -> log.entryAt(5));
    }

    @ParameterizedTest(name = "log after 2/5 with [2,3,3]: termAt({0}) = {1}, compacted = {2}")
    @CsvSource({
        "0, -1, true",
        "4, -1, true",   // covered by the snapshot: the term is gone
        "5,  2, false",  // the base: its term is still known
        "6,  2, false",
        "8,  3, false",
        "9, -1, false",  // past the end
    })
    void termAtKnowsTheBaseButNotTheEntriesBeforeIt(long index, long term, boolean compacted) {
        RaftLog log = afterSnapshot();
        assertEquals(term, log.termAt(index));
        assertEquals(compacted, log.isCompacted(index));
    }

    @Test
    void anAppendEntriesMayFollowTheBase() {
        RaftLog log = afterSnapshot();
        assertTrue(log.matches(5, 2));
        assertEquals(false, log.matches(4, 2));
        assertEquals(false, log.matches(0, 0), "index 0 is compacted once a snapshot covers it");
    }

    @Test
    void aLogAfterASnapshotMustStartRightAfterIt() {
        assertThrows(IllegalArgumentException.class,
                () -> new RaftLog(new SnapshotMeta(5, 2, 100, 7), entries(7, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> new RaftLog(new SnapshotMeta(5, 2, 100, 7), entries(6, 1)), "terms must not decrease past the base");
    }

    @Test
    void anEmptyLogAfterASnapshotEndsAtTheSnapshot() {
        RaftLog log = new RaftLog(new SnapshotMeta(5, 2, 100, 7), List.of());
        assertEquals(new EntryId(2, 5), log.lastId());
        assertEquals(5, log.stableIndex());
        assertTrue(log.unstableEntries().isEmpty());
        assertEquals(6, log.append(2, EntryType.COMMAND, new byte[0]));
    }

    @Test
    void entriesAtOrBeforeTheBaseAreSkippedNotCompared() {
        RaftLog log = afterSnapshot();
        assertEquals(0, log.appendOrTruncate(entries(4, 1, 2, 2, 3)));
        assertEquals(list(2, 3, 3), List.of(log.termAt(6), log.termAt(7), log.termAt(8)));
        assertEquals(8, log.lastIndex());
    }

    @Test
    void sliceNeverReachesBeforeTheFirstHeldEntry() {
        RaftLog log = afterSnapshot();
        assertTrue(log.slice(5, 8, 10, 1000).isEmpty());
        assertEquals(3, log.slice(6, 8, 10, 1000).size());
    }

    @Test
    void termRunSearchesStopAtTheBase() {
        RaftLog log = afterSnapshot();
        assertEquals(6, log.firstIndexOfTermAt(6), "the run of term 2 may go on before the base; the log cannot tell");
        assertEquals(7, log.firstIndexOfTermAt(8));
        assertEquals(6, log.lastIndexOfTerm(2, 8));
        assertEquals(5, log.lastIndexOfTerm(2, 5), "the base's term is known");
        assertEquals(0, log.lastIndexOfTerm(1, 8));
    }

    // ---- compaction and snapshot install -------------------------------------------------

    @Test
    void compactionDiscardsOnlyWhatASnapshotCoversAndIsStable() {
        RaftLog log = log(1, 1, 2, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> log.compactTo(2), "no snapshot covers it yet");
        log.snapshotTaken(new EntryId(2, 4));
        log.compactTo(3);
        assertEquals(4, log.firstIndex());
        assertEquals(new EntryId(2, 3), log.base());
        assertEquals(new EntryId(2, 4), log.snapshotId());
        assertEquals(2, log.termAt(3));
        assertEquals(-1, log.termAt(2));
        assertThrows(IllegalArgumentException.class, () -> log.compactTo(5), "past the snapshot");
        log.append(3, EntryType.COMMAND, new byte[0]);
        log.snapshotTaken(new EntryId(3, 6));
        assertThrows(IllegalArgumentException.class, () -> log.compactTo(6), "entry 6 is not stable yet");
        assertThrows(IllegalArgumentException.class, () -> log.snapshotTaken(new EntryId(2, 5)), "not newer");
        assertThrows(IllegalArgumentException.class, () -> log.snapshotTaken(new EntryId(9, 7)), "not an entry of the log");
    }

    @Test
    void installingASnapshotKeepsTheEntriesAfterItWhenTheLogHoldsItsLastEntry() {
        RaftLog log = log(1, 1, 2, 2, 3);
        assertTrue(log.restore(new EntryId(2, 3)));
        assertEquals(4, log.firstIndex());
        assertEquals(list(2, 3), List.of(log.termAt(4), log.termAt(5)));
        assertEquals(5, log.stableIndex());
        assertEquals(new EntryId(2, 3), log.snapshotId());
    }

    @Test
    void installingASnapshotTheLogDoesNotMatchDiscardsTheWholeLog() {
        RaftLog log = log(1, 1, 2);
        log.append(2, EntryType.COMMAND, new byte[0]);
        assertEquals(false, log.restore(new EntryId(3, 3)), "a different term at the snapshot's index");
        assertEquals(new EntryId(3, 3), log.lastId());
        assertEquals(3, log.stableIndex());
        assertTrue(log.unstableEntries().isEmpty(), "the unstable entry after it went with the log");
        assertEquals(false, log.restore(new EntryId(3, 10)), "past the end");
        assertEquals(11, log.firstIndex());
        assertThrows(IllegalArgumentException.class, () -> log.restore(new EntryId(3, 9)), "older than the log's snapshot");
    }
}
