package io.kontiki.raft.core.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.progress.Progress.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests for {@link Progress}: a leader's view of one follower, in probe and replicate states. */
class ProgressTest {

    /** A progress with {@code match} acknowledged and {@code next} to send, in the given state. */
    private static Progress progress(State state, long match, long next, int maxInflight) {
        Progress p = new Progress(next, maxInflight);
        if (match > 0) {
            p.maybeUpdate(match, 0);
        }
        if (state == State.REPLICATE) {
            p.becomeReplicate();
            for (long i = match + 1; i < next; i++) {
                p.sent(i, 0);
            }
        }
        assertEquals(match, p.match());
        assertEquals(next, p.next());
        assertEquals(state, p.state());
        return p;
    }

    // ---- probe ---------------------------------------------------------------------------

    @Test
    void aNewProgressProbesFromTheGivenNext() {
        Progress p = new Progress(8, 4);
        assertEquals(State.PROBE, p.state());
        assertEquals(0, p.match());
        assertEquals(8, p.next());
        assertFalse(p.isPaused());
    }

    @Test
    void nextIsNeverBelowOne() {
        assertEquals(1, new Progress(0, 4).next());
    }

    @Test
    void aProbePausesAfterOneSendAndDoesNotAdvanceNext() {
        Progress p = new Progress(5, 4);
        p.sent(7, 0);
        assertTrue(p.isPaused());
        assertEquals(5, p.next(), "a probe does not move next optimistically");
    }

    @Test
    void aPausedProbeResumesOnTheHeartbeat() {
        Progress p = new Progress(5, 4);
        p.sent(7, 0);
        p.resumeProbe();
        assertFalse(p.isPaused());
    }

    @Test
    void aPausedProbeResumesOnAnAcknowledgement() {
        Progress p = new Progress(5, 4);
        p.sent(7, 0);
        p.maybeUpdate(4, 1);
        assertFalse(p.isPaused());
    }

    @Test
    void aPausedProbeResumesOnAValidRejection() {
        Progress p = new Progress(5, 4);
        p.sent(7, 0);
        assertTrue(p.maybeDecreaseTo(4, 2));
        assertFalse(p.isPaused());
        assertEquals(2, p.next());
    }

    @Test
    void anEmptyProbePausesToo() {
        Progress p = new Progress(5, 4);
        p.sent(0, 0);
        assertTrue(p.isPaused());
    }

    // ---- replicate -----------------------------------------------------------------------

    @Test
    void replicateStreamsAdvancingNextUntilTheInflightLimit() {
        Progress p = progress(State.PROBE, 3, 4, 3);
        p.becomeReplicate();
        assertEquals(4, p.next());

        p.sent(5, 1);   // entries 4..5
        assertEquals(6, p.next());
        p.sent(6, 1);
        assertFalse(p.isPaused());
        p.sent(9, 1);
        assertEquals(10, p.next());
        assertTrue(p.isPaused(), "three messages in flight with a limit of three");

        p.maybeUpdate(5, 2);
        p.inflights().freeUpTo(5);
        assertFalse(p.isPaused(), "one acknowledgement frees one slot");
        assertEquals(10, p.next(), "an acknowledgement does not rewind next");
    }

    @Test
    void anEmptyAppendInReplicateTakesNoInflightSlot() {
        Progress p = progress(State.REPLICATE, 3, 4, 1);
        p.sent(0, 1);
        assertFalse(p.isPaused());
        assertEquals(4, p.next());
    }

    @Test
    void becomingReplicateOrProbeRestartsFromMatchPlusOne() {
        Progress p = progress(State.REPLICATE, 3, 8, 8);
        p.becomeProbe();
        assertEquals(State.PROBE, p.state());
        assertEquals(4, p.next());
        assertTrue(p.inflights().isEmpty());

        p.sent(6, 0);
        p.becomeReplicate();
        assertEquals(4, p.next());
        assertFalse(p.isPaused());
    }

    // ---- maybeUpdate ---------------------------------------------------------------------

    @ParameterizedTest(name = "match 5, next 8; ack {0} -> moved {1}, match {2}, next {3}")
    @CsvSource({
        "6, true, 6, 8",
        "9, true, 9, 10",    // an ack past next pulls next along
        "5, false, 5, 8",    // a duplicate
        "2, false, 5, 8",    // a stale ack never lowers match or next
    })
    void maybeUpdateMovesMatchOnlyForward(long ack, boolean moved, long match, long next) {
        Progress p = progress(State.REPLICATE, 5, 8, 8);
        assertEquals(moved, p.maybeUpdate(ack, 7));
        assertEquals(match, p.match());
        assertEquals(next, p.next());
    }

    @Test
    void lastProgressTickIsTheTickOfTheLastAckThatMovedMatch() {
        Progress p = progress(State.REPLICATE, 5, 6, 8);
        p.maybeUpdate(6, 40);
        p.maybeUpdate(6, 50);
        assertEquals(40, p.lastProgressTick());
    }

    // ---- rejections ----------------------------------------------------------------------

    @ParameterizedTest(name = "probe match {0} next {1}: reject({2}) ignored")
    @CsvSource({
        "3, 10, 8",    // a rejection of an earlier probe (prev 8, but next-1 is 9)
        "3, 10, 10",   // prev 10 was never probed
        "0, 5, 3",
    })
    void aStaleRejectionIsIgnoredWhileProbing(long match, long next, long rejected) {
        Progress p = progress(State.PROBE, match, next, 4);
        p.sent(next, 0);
        assertFalse(p.maybeDecreaseTo(rejected, 1));
        assertEquals(next, p.next());
        assertTrue(p.isPaused(), "an ignored rejection does not unpause the probe");
    }

    @ParameterizedTest(name = "replicate match {0}: reject({1}) ignored")
    @CsvSource({
        "5, 5",
        "5, 3",
    })
    void aStaleRejectionIsIgnoredWhileReplicating(long match, long rejected) {
        Progress p = progress(State.REPLICATE, match, 9, 8);
        assertFalse(p.maybeDecreaseTo(rejected, 1));
        assertEquals(State.REPLICATE, p.state());
        assertEquals(9, p.next());
        assertEquals(3, p.inflights().count());
    }

    @Test
    void aRejectionWhileReplicatingFallsBackToProbe() {
        Progress p = progress(State.REPLICATE, 5, 9, 8);
        assertTrue(p.maybeDecreaseTo(7, 7));
        assertEquals(State.PROBE, p.state());
        assertEquals(7, p.next());
        assertTrue(p.inflights().isEmpty());
        assertFalse(p.isPaused());
    }

    @ParameterizedTest(name = "{0} match {1} next {2}: reject({3}, hint {4}) -> next {5}")
    @CsvSource({
        "PROBE,     3, 11, 10,  6,  6",   // the hint, inside the bounds
        "PROBE,     3, 11, 10,  1,  4",   // never below match + 1
        "PROBE,     3, 11, 10, 20, 10",   // never above the rejected index
        "PROBE,     0, 11, 10,  0,  1",
        "PROBE,     3, 11, 10, 10, 10",
        "REPLICATE, 3, 11, 10,  6,  6",
        "REPLICATE, 3, 11,  7,  1,  4",
        "REPLICATE, 3, 11,  7, 20,  7",
    })
    void aRejectionClampsTheHintedNextBetweenMatchPlusOneAndTheRejectedIndex(State state, long match, long next,
            long rejected, long hint, long expectedNext) {
        Progress p = progress(state, match, next, 16);
        assertTrue(p.maybeDecreaseTo(rejected, hint));
        assertEquals(expectedNext, p.next());
        assertEquals(match, p.match(), "a rejection never moves match");
    }

    // ---- snapshot ------------------------------------------------------------------------

    private static final io.kontiki.raft.core.log.SnapshotMeta SNAP = new io.kontiki.raft.core.log.SnapshotMeta(50, 3, 25, 7);

    /** Sends every chunk the window allows; returns their offsets. */
    private static java.util.List<Long> sendAll(Progress p, int chunk, long window) {
        java.util.List<Long> offsets = new java.util.ArrayList<>();
        int length;
        while ((length = p.nextChunkLength(chunk, window)) >= 0) {
            offsets.add(p.snapshotSent());
            p.chunkSent(length);
        }
        return offsets;
    }

    @Test
    void aSnapshotIsSentInChunksWithinTheFlowControlWindow() {
        Progress p = new Progress(1, 4);
        p.becomeSnapshot(SNAP, 0);
        assertTrue(p.isPaused(), "no AppendEntries with entries while sending a snapshot");
        assertEquals(java.util.List.of(0L, 10L), sendAll(p, 10, 15), "the second chunk starts below 15 bytes in flight");
        assertTrue(p.snapshotAcknowledged(10, 1));
        assertEquals(java.util.List.of(20L), sendAll(p, 10, 15));
        assertEquals(25, p.snapshotSent(), "the last chunk is short");
        assertTrue(p.snapshotAcknowledged(25, 2));
        assertEquals(java.util.List.of(), sendAll(p, 10, 15), "everything was sent");
    }

    @ParameterizedTest(name = "acked 10, sent 20: answer next={0} -> moved {1}, acked {2}, sent {3}")
    @CsvSource({
        "20, true,  20, 20",  // both chunks arrived
        "10, false, 10, 20",  // the same point again: wait for the retransmission timer
        "0,  true,   0,  0",  // the follower lost what it held: start over
        "24, true,  24, 24",  // the follower held more (a partial from before): skip ahead
        "99, false, 10, 20",  // past the end: nonsense, ignored
    })
    void anAcknowledgementMovesTheTransferOnOrBack(long next, boolean moved, long acked, long sent) {
        Progress p = new Progress(1, 4);
        p.becomeSnapshot(SNAP, 0);
        sendAll(p, 10, 20);
        p.snapshotAcknowledged(10, 1);
        assertEquals(moved, p.snapshotAcknowledged(next, 2));
        assertEquals(acked, p.snapshotAcked());
        assertEquals(sent, p.snapshotSent());
        assertEquals(moved ? 2 : 1, p.lastProgressTick());
    }

    @Test
    void aResendStartsAtTheAcknowledgedOffsetWithOneChunkUntilTheFollowerAnswers() {
        Progress p = new Progress(1, 4);
        p.becomeSnapshot(SNAP, 0);
        sendAll(p, 10, 100);
        p.snapshotAcknowledged(10, 1);
        p.resendFromAcked(10, 3);
        assertEquals(3, p.snapshotQuietSince());
        assertEquals(java.util.List.of(10L), sendAll(p, 10, 100), "one chunk: a probe, not a window");
        p.snapshotAcknowledged(20, 4);
        assertEquals(java.util.List.of(20L), sendAll(p, 10, 100), "the window reopens once the follower answers");
        p.snapshotAcknowledged(25, 5);
        p.resendFromAcked(10, 9);
        assertEquals(java.util.List.of(15L), sendAll(p, 10, 100), "all acknowledged: the last chunk again, so the follower answers");
    }

    @Test
    void rejectionsDoNotMoveAProgressSendingASnapshot() {
        Progress p = new Progress(1, 4);
        p.becomeSnapshot(SNAP, 0);
        assertFalse(p.maybeDecreaseTo(0, 1));
        assertEquals(State.SNAPSHOT, p.state());
        p.becomeProbe();
        assertEquals(io.kontiki.raft.core.log.SnapshotMeta.NONE, p.snapshot());
    }
}
