package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.StateMachine;
import io.kontiki.raft.core.log.LogEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each safety property of Figure 3 is caught, and legal histories are not flagged. */
class SafetyCheckerTest {

    private final List<Throwable> failures = new ArrayList<>();
    private final Trace trace = new Trace(() -> 0, 20);
    private final SafetyChecker checker = new SafetyChecker(trace, failures::add);

    private static LogEntry entry(long term, long index, int value) {
        return LogEntry.command(term, index, new byte[] {(byte) value});
    }

    /** A log given as the terms of its entries, from index 1. */
    private static long termAt(long[] terms, long index) {
        return index == 0 ? 0 : index <= terms.length ? terms[(int) index - 1] : -1;
    }

    private void leader(int node, long term, long... logTerms) {
        checker.leaderElected(node, term, i -> termAt(logTerms, i), 0, logTerms.length);
    }

    @Test
    void twoLeadersInOneTermAreCaught() {
        leader(0, 1);
        leader(1, 2);
        leader(1, 2);
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> leader(2, 1));
        assertTrue(v.getMessage().contains("term 1 has two leaders"), v.getMessage());
        assertSame(v, failures.get(0), "the failure sink hears of it too");
        assertTrue(trace.dump().contains("INVARIANT VIOLATED"));
    }

    @Test
    void logMatchingChecksThePreviousTermAndTheContents() {
        checker.entryPersisted(0, entry(1, 1, 10), 0);
        checker.entryPersisted(0, entry(2, 2, 20), 1);
        checker.entryPersisted(1, entry(1, 1, 10), 0);
        checker.entryPersisted(1, entry(2, 2, 20), 1);
        assertThrows(InvariantViolation.class, () -> checker.entryPersisted(2, entry(2, 2, 20), 2),
                "same id after a different previous entry");
        assertThrows(InvariantViolation.class, () -> checker.entryPersisted(2, entry(1, 1, 11), 0),
                "same id, different command");
        assertThrows(InvariantViolation.class, () -> checker.entryPersisted(2, entry(1, 3, 1), 2),
                "terms decrease along the log");
    }

    @Test
    void aNewLeaderMustHoldEveryEntryCommittedInAnEarlierTerm() {
        checker.entryCommitted(0, 2, entry(1, 1, 10));
        checker.entryCommitted(0, 2, entry(2, 2, 20));
        assertDoesNotThrow(() -> leader(1, 3, 1, 2), "holds both");
        assertDoesNotThrow(() -> leader(2, 2, 1), "a leader of the commit's own term (or older) is not blamed");
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> leader(3, 4, 1, 3));
        assertTrue(v.getMessage().contains("leader completeness"), v.getMessage());
        assertThrows(InvariantViolation.class, () -> leader(4, 5, 1), "a log too short");
    }

    @Test
    void twoDifferentCommitsAtOneIndexAreCaught() {
        checker.entryCommitted(0, 1, entry(1, 1, 10));
        checker.entryCommitted(1, 1, entry(1, 1, 10));
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> checker.entryCommitted(2, 2, entry(2, 1, 10)));
        assertTrue(v.getMessage().contains("state machine safety"), v.getMessage());
    }

    @Test
    void eachIncarnationAppliesInOrderWhatWasCommitted() {
        List<Long> applied = new ArrayList<>();
        StateMachine sm = checker.checkedStateMachine(0, 1, e -> applied.add(e.index()));
        checker.entryCommitted(0, 1, entry(1, 1, 10));
        checker.entryCommitted(0, 1, entry(1, 2, 20));
        checker.entryCommitted(0, 1, entry(1, 3, 30));
        sm.apply(entry(1, 1, 10));
        assertThrows(InvariantViolation.class, () -> sm.apply(entry(1, 3, 30)), "a gap");
        StateMachine restarted = checker.checkedStateMachine(0, 2, e -> applied.add(e.index()));
        restarted.apply(entry(1, 1, 10));
        assertThrows(InvariantViolation.class, () -> restarted.apply(entry(1, 2, 21)), "not what was committed");
        assertEquals(List.of(1L, 1L), applied);
    }

    @Test
    void aLeaderHoldsTheEntriesBeforeItsSnapshotThroughTheSnapshot() {
        checker.entryCommitted(0, 2, entry(1, 1, 10));
        checker.entryCommitted(0, 2, entry(1, 2, 20));
        checker.entryCommitted(0, 2, entry(2, 3, 30));
        // A log whose base is 2 (entries 1 and 2 compacted, only the base's term known).
        long[] terms = {-1, 1, 2};
        assertDoesNotThrow(() -> checker.leaderElected(1, 3, i -> i < 2 ? -1 : terms[(int) i - 1], 2, 3));
        InvariantViolation v = assertThrows(InvariantViolation.class,
                () -> checker.leaderElected(2, 4, i -> i < 2 ? -1 : i == 2 ? 1 : 3, 2, 3));
        assertTrue(v.getMessage().contains("leader completeness"), v.getMessage());
    }

    @Test
    void aSnapshotIsRestoredOnlyAtACommittedIndexAndApplyingGoesOnAfterIt() throws Exception {
        checker.entryCommitted(0, 1, entry(1, 1, 10));
        checker.entryCommitted(0, 1, entry(1, 2, 20));
        checker.entryCommitted(0, 1, entry(1, 3, 30));
        List<Long> applied = new ArrayList<>();
        StateMachine sm = checker.checkedStateMachine(0, 1, new StateMachine() {
            @Override
            public void apply(LogEntry e) {
                applied.add(e.index());
            }

            @Override
            public void restore(io.kontiki.raft.core.log.SnapshotMeta s, java.io.InputStream in) {
                applied.add(-s.index());
            }
        });
        sm.restore(new io.kontiki.raft.core.log.SnapshotMeta(2, 1, 0, 0), java.io.InputStream.nullInputStream());
        sm.apply(entry(1, 3, 30));
        assertEquals(List.of(-2L, 3L), applied);
        assertThrows(InvariantViolation.class, () -> sm.restore(new io.kontiki.raft.core.log.SnapshotMeta(3, 1, 0, 0),
                java.io.InputStream.nullInputStream()), "restoring backwards");
        StateMachine other = checker.checkedStateMachine(1, 1, e -> { });
        assertThrows(InvariantViolation.class, () -> other.restore(new io.kontiki.raft.core.log.SnapshotMeta(9, 1, 0, 0),
                java.io.InputStream.nullInputStream()), "an index nobody committed");
        assertThrows(InvariantViolation.class, () -> other.restore(new io.kontiki.raft.core.log.SnapshotMeta(2, 5, 0, 0),
                java.io.InputStream.nullInputStream()), "another term than the committed entry's");
    }

    @Test
    void aFailingStateMachineFailsTheRun() {
        checker.entryCommitted(0, 1, entry(1, 1, 10));
        LabFailure boom = new LabFailure("apply error");
        StateMachine sm = checker.checkedStateMachine(0, 1, e -> {
            throw boom;
        });
        assertThrows(LabFailure.class, () -> sm.apply(entry(1, 1, 10)));
        assertSame(boom, failures.get(0));
    }
}
