package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.progress.Progress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log compaction and InstallSnapshot, driven by hand: "In Search of an Understandable Consensus
 * Algorithm (Extended Version)", §7 (each server snapshots its committed state and discards the
 * log it covers; a leader sends a snapshot to a follower that lags too far behind; a follower
 * that receives a snapshot of a prefix of its log keeps the entries after it, Figure 13 step 6),
 * with the transfer chunked by offset as Figure 13 describes, made resumable, and flow-controlled.
 */
class SnapshotPaperTest {

    private static final long SEED = 11;

    /** Lab timing, three or five nodes, small chunks so that a snapshot takes several. */
    private static RaftConfig config(int nodes, int chunk, long inflight, int sends) {
        return RaftConfig.builder(1, HandCluster.ids(nodes)).tickMillis(10).heartbeatTicks(10).electionTicks(40)
                .noopOnElection(false).catchUpEntries(0).snapshotChunkBytes(chunk)
                .maxSnapshotInflightBytes(inflight).maxSnapshotSends(sends).build();
    }

    /** Node 1 leads, node 3 is cut off while {@code n} entries commit, then node 1 snapshots them all. */
    private static HandCluster laggingFollower(RaftConfig config, int n, int snapshotBytes) {
        HandCluster c = HandCluster.of(config, SEED, Map.of());
        c.elect(1);
        c.isolate(3);
        for (int i = 1; i <= n; i++) {
            c.propose(1, "x" + i);
        }
        c.deliverAll();
        assertEquals(n, c.core(1).commitIndex());
        c.snapshot(1, n, snapshotBytes);
        return c;
    }

    private static List<InstallSnapshot> chunksTo(HandCluster c, int to) {
        return c.sent(m -> m instanceof InstallSnapshot s && s.to() == to).stream()
                .map(InstallSnapshot.class::cast).toList();
    }

    /** An election timeout of the leader's ticks: unanswered chunks are resent. */
    private static void resendInterval(HandCluster c) {
        for (int i = 0; i < c.config.electionTicks(); i++) {
            c.core(1).tick();
            c.flush(1);
        }
    }

    private static void heartbeatInterval(HandCluster c) {
        for (int i = 0; i < c.config.heartbeatTicks(); i++) {
            c.core(1).tick();
            c.flush(1);
        }
    }

    // ---- compaction --------------------------------------------------------------------

    @Test
    void aSnapshotDiscardsTheLogItCoversExceptTheCatchUpEntries() {
        RaftConfig config = RaftConfig.builder(1, HandCluster.ids(3)).tickMillis(10).heartbeatTicks(10)
                .electionTicks(40).noopOnElection(false).catchUpEntries(3).build();
        HandCluster c = HandCluster.of(config, SEED, Map.of());
        c.elect(1);
        for (int i = 1; i <= 10; i++) {
            c.propose(1, "x" + i);
        }
        c.deliverAll();

        SnapshotMeta meta = c.snapshot(1, 8, 40);

        RaftCore leader = c.core(1);
        assertEquals(meta, leader.snapshot());
        assertEquals(6, leader.firstIndex(), "entries 6..8 are kept before the snapshot's index");
        assertEquals(-1, leader.termAt(4));
        assertEquals(1, leader.termAt(5), "the new base's term is still known");
        assertEquals(5, c.readies.get(1).get(c.readies.get(1).size() - 1).compactTo());
        assertEquals(new io.kontiki.raft.core.log.EntryId(1, 8), c.storage(1).load().snapshot().id());
        assertEquals(2, c.storage(1).load().entries().size(), "storage returns the entries after the snapshot");
    }

    @Test
    void aSnapshotOfAnUncommittedEntryIsRefused() {
        HandCluster c = HandCluster.of(config(3, 100, 1000, 1), SEED, Map.of());
        c.elect(1);
        c.isolate(2);
        c.isolate(3);
        c.propose(1, "x");
        c.flushAll();
        SnapshotMeta meta = c.storage(1).saveSnapshot(1, 1, out -> out.write(1));
        assertThrows(IllegalArgumentException.class, () -> c.core(1).snapshotTaken(meta));
    }

    @Test
    void anOlderSnapshotThanTheNewestIsIgnored() {
        HandCluster c = laggingFollower(config(3, 100, 1000, 1), 10, 20);
        SnapshotMeta older = new SnapshotMeta(5, 1, 3, 0);
        c.core(1).snapshotTaken(older);
        assertEquals(10, c.core(1).snapshot().index());
    }

    // ---- sending -----------------------------------------------------------------------

    @Test
    void aFollowerThatNeedsDiscardedEntriesIsSentTheSnapshotInChunksAndCatchesUp() {
        HandCluster c = laggingFollower(config(3, 10, 1000, 1), 20, 35);
        c.heal(3);
        heartbeatInterval(c);
        c.deliverAll();

        List<InstallSnapshot> chunks = chunksTo(c, 3);
        assertEquals(List.of(0L, 10L, 20L, 30L), chunks.stream().map(InstallSnapshot::offset).toList());
        assertTrue(chunks.get(3).isLast());
        RaftCore follower = c.core(3);
        assertEquals(20, follower.snapshot().index());
        assertEquals(20, follower.commitIndex());
        assertEquals(21, follower.firstIndex());
        assertEquals(c.storage(1).snapshotData().length, c.storage(3).snapshotData().length);
        assertTrue(java.util.Arrays.equals(c.storage(1).snapshotData(), c.storage(3).snapshotData()));

        c.propose(1, "after");
        c.deliverAll();
        heartbeatInterval(c); // the follower learns the new commit index with the next AppendEntries
        c.deliverAll();
        assertEquals(21, follower.commitIndex(), "replication goes on from the log after the snapshot");
        assertEquals(c.core(1).termAt(21), follower.termAt(21));
        assertTrue(c.readies.get(3).stream().anyMatch(r -> r.restoreSnapshot() != null),
                "the state machine is handed the snapshot to restore");
    }

    @Test
    void flowControlBoundsTheSnapshotBytesInFlight() {
        HandCluster c = laggingFollower(config(3, 10, 25, 1), 20, 100);
        c.heal(3);
        heartbeatInterval(c);
        c.deliverWhile(m -> !(m instanceof InstallSnapshot)); // nothing reaches the follower

        List<InstallSnapshot> chunks = chunksTo(c, 3);
        assertEquals(List.of(0L, 10L, 20L), chunks.stream().map(InstallSnapshot::offset).toList(),
                "25 bytes in flight at most: 3 chunks of 10 (the third starts below the limit)");
    }

    @Test
    void anInterruptedTransferResumesAtTheLastAcknowledgedOffset() {
        HandCluster c = laggingFollower(config(3, 10, 20, 1), 20, 100);
        c.heal(3);
        heartbeatInterval(c);
        // The follower gets chunks 0 and 10 and acknowledges them; then the link is cut.
        int[] delivered = {0};
        c.deliverWhile(m -> !(m instanceof InstallSnapshot) || delivered[0]++ < 4);
        c.isolate(3);
        c.deliverAll();
        long acked = ((InstallSnapshotResponse) c.sent(m -> m instanceof InstallSnapshotResponse).stream()
                .reduce((a, b) -> b).orElseThrow()).nextOffset();
        assertTrue(acked >= 20 && acked < 100, "acknowledged " + acked);
        int before = chunksTo(c, 3).size();

        c.heal(3);
        resendInterval(c); // no answer for a heartbeat interval: resend from the acknowledged offset
        c.deliverAll();

        List<InstallSnapshot> after = chunksTo(c, 3).subList(before, chunksTo(c, 3).size());
        assertEquals(acked, after.get(0).offset(), "resumed at the last acknowledged offset, not at 0");
        assertTrue(after.stream().noneMatch(m -> m.offset() < acked), "nothing before it sent again: " + after);
        assertEquals(20, c.core(3).snapshot().index());
    }

    @Test
    void aFollowerRestartedMidTransferResumesFromItsDurableBytes() {
        HandCluster c = laggingFollower(config(3, 10, 30, 1), 20, 100);
        c.heal(3);
        heartbeatInterval(c);
        int[] delivered = {0};
        c.deliverWhile(m -> !(m instanceof InstallSnapshot) || delivered[0]++ < 3);
        c.isolate(3);
        c.deliverAll();
        long durable = c.storage(3).load().receiving().bytes();
        assertEquals(30, durable);

        RaftCore restarted = c.restart(3);
        c.heal(3);
        int before = chunksTo(c, 3).size();
        resendInterval(c);
        c.deliverAll();

        assertEquals(20, restarted.snapshot().index());
        List<InstallSnapshot> after = chunksTo(c, 3).subList(before, chunksTo(c, 3).size());
        assertTrue(after.stream().noneMatch(m -> m.offset() < durable && m.offset() > 0),
                "after the restart only the bytes not yet durable (and a probe at the old point) are sent: " + after);
        assertTrue(after.stream().anyMatch(m -> m.offset() == durable));
    }

    @Test
    void aTransferThatDoesNotVerifyIsSentAgainFromTheStart() {
        HandCluster c = laggingFollower(config(3, 10, 1000, 1), 20, 35);
        c.heal(3);
        heartbeatInterval(c);
        // Corrupt one byte of the second chunk on its way.
        boolean[] corrupted = {false};
        c.deliverWhile(m -> {
            if (m instanceof InstallSnapshot s && s.offset() == 10 && !corrupted[0]) {
                corrupted[0] = true;
                byte[] bad = s.data().clone();
                bad[0] ^= 1;
                c.inject(new InstallSnapshot(s.from(), s.to(), s.term(), s.snapshot(), s.offset(), bad));
                return false;
            }
            return true;
        });

        assertTrue(corrupted[0]);
        assertEquals(20, c.core(3).snapshot().index(), "installed after the resend");
        assertTrue(c.sent(m -> m instanceof InstallSnapshotResponse r && !r.installed() && r.nextOffset() == 0
                && r.from() == 3).size() >= 1, "the follower asked for the snapshot again from offset 0");
        assertTrue(java.util.Arrays.equals(c.storage(1).snapshotData(), c.storage(3).snapshotData()));
    }

    @Test
    void atMostMaxSnapshotSendsTransfersRunAtOnce() {
        HandCluster c = HandCluster.of(config(5, 10, 1000, 1), SEED, Map.of());
        c.elect(1);
        c.isolate(4);
        c.isolate(5);
        for (int i = 1; i <= 10; i++) {
            c.propose(1, "x" + i);
        }
        c.deliverAll();
        c.snapshot(1, 10, 50);
        c.heal(4);
        c.heal(5);
        heartbeatInterval(c);
        c.deliverWhile(m -> !(m instanceof InstallSnapshot));

        long sending = c.core(1).progress.values().stream().filter(p -> p.state() == Progress.State.SNAPSHOT).count();
        assertEquals(1, sending);
        assertEquals(1, c.sent(m -> m instanceof InstallSnapshot).stream().map(RaftMessage::to).distinct().count());

        for (int i = 0; i < 10; i++) {
            heartbeatInterval(c);
            c.deliverAll();
        }
        assertEquals(10, c.core(4).snapshot().index());
        assertEquals(10, c.core(5).snapshot().index(), "the second follower got its turn");
    }

    @Test
    void heartbeatsKeepAFollowerBeingSentASnapshotFromCampaigning() {
        HandCluster c = laggingFollower(config(3, 10, 10, 1), 20, 1000);
        c.heal(3);
        // Deliver only heartbeats and acknowledgements, no chunk, for several election timeouts.
        for (int i = 0; i < 3 * c.config.electionTicks(); i++) {
            c.tickAll();
            c.deliverWhile(m -> !(m instanceof InstallSnapshot));
        }
        assertEquals(Role.FOLLOWER, c.core(3).role());
        assertEquals(1, c.core(3).leaderId());
    }

    // ---- receiving ---------------------------------------------------------------------

    @Test
    void aSnapshotAtOrBelowTheCommitIndexIsAnsweredAsAnAppendEntries() {
        HandCluster c = laggingFollower(config(3, 100, 1000, 1), 10, 20);
        SnapshotMeta meta = c.core(1).snapshot();
        List<RaftMessage> out = c.stepAndFlush(new InstallSnapshot(1, 2, c.core(1).term(), meta, 0, new byte[20]));
        AppendEntriesResponse r = assertInstanceOf(AppendEntriesResponse.class, out.get(0));
        assertTrue(r.success());
        assertEquals(10, r.index());
        assertTrue(c.storage(2).snapshot().isNone(), "nothing installed");
    }

    @Test
    void aFollowerHoldingTheSnapshotsLastEntryKeepsItsLogAndJustCommits() {
        HandCluster c = laggingFollower(config(3, 100, 1000, 1), 10, 20);
        // Node 2 holds entries 1..10 but, say, learned only commit 5 so far.
        RaftCore f = c.core(2);
        f.commitIndex = 5;
        SnapshotMeta meta = c.core(1).snapshot();
        List<RaftMessage> out = c.stepAndFlush(new InstallSnapshot(1, 2, c.core(1).term(), meta, 0, new byte[20]));

        AppendEntriesResponse r = assertInstanceOf(AppendEntriesResponse.class, out.get(0));
        assertEquals(10, r.index());
        assertEquals(10, f.commitIndex());
        assertEquals(1, f.firstIndex(), "the log is kept whole");
    }

    @Test
    void theLogDoesNotChangeWhileAReceivedSnapshotIsBeingInstalled() {
        RaftCore f = new RaftCore(RaftConfig.lab(2, List.of(1, 2, 3)), new java.util.Random(1), PersistentState.EMPTY,
                RaftObserver.NONE);
        SnapshotMeta meta = new SnapshotMeta(10, 1, 4, 99);
        f.step(new InstallSnapshot(1, 2, 1, meta, 0, new byte[4]));
        Ready r1 = f.ready();
        assertEquals(meta, r1.installSnapshot());
        assertEquals(1, r1.snapshotChunks().size());
        assertTrue(r1.messages().isEmpty(), "no answer before the install");
        f.advance(r1);

        f.step(new AppendEntries(1, 2, 1, 10, 1, List.of(LogEntry.command(1, 11, new byte[1])), 11));
        Ready r2 = f.ready();
        assertTrue(r2.entries().isEmpty() && r2.messages().isEmpty(), "AppendEntries dropped while installing");
        f.advance(r2);
        for (int i = 0; i < 200; i++) {
            f.tick();
        }
        assertEquals(Role.FOLLOWER, f.role(), "no campaign while installing");

        f.snapshotInstalled(meta, true);
        Ready r3 = f.ready();
        assertEquals(meta, r3.restoreSnapshot());
        InstallSnapshotResponse ack = assertInstanceOf(InstallSnapshotResponse.class, r3.messages().get(0));
        assertTrue(ack.installed());
        assertEquals(10, f.commitIndex());
        assertEquals(11, f.firstIndex());
        assertEquals(1, f.termAt(10));
    }

    @Test
    void aChunkThatDoesNotContinueTheHeldBytesIsAnsweredWithWhereTheyEnd() {
        RaftCore f = new RaftCore(RaftConfig.lab(2, List.of(1, 2, 3)), new java.util.Random(1), PersistentState.EMPTY,
                RaftObserver.NONE);
        SnapshotMeta meta = new SnapshotMeta(10, 1, 30, 99);
        f.step(new InstallSnapshot(1, 2, 1, meta, 10, new byte[10]));
        InstallSnapshotResponse r = assertInstanceOf(InstallSnapshotResponse.class, f.ready().messages().get(0));
        assertEquals(0, r.nextOffset(), "nothing of this snapshot held: start over");

        f.step(new InstallSnapshot(1, 2, 1, meta, 0, new byte[10]));
        f.step(new InstallSnapshot(1, 2, 1, meta, 20, new byte[10]));
        Ready ready = f.ready();
        assertEquals(1, ready.snapshotChunks().size(), "only the chunk at 0 is written");
        assertEquals(List.of(10L, 10L), ready.messages().stream()
                .map(m -> ((InstallSnapshotResponse) m).nextOffset()).toList());
        assertNull(ready.installSnapshot());
    }

    @Test
    void aStaleTermInstallSnapshotIsAnsweredWithTheNewerTerm() {
        RaftCore f = new RaftCore(RaftConfig.lab(2, List.of(1, 2, 3)), new java.util.Random(1),
                new PersistentState(new HardState(5, RaftConfig.NO_NODE), List.of()), RaftObserver.NONE);
        f.step(new InstallSnapshot(1, 2, 3, new SnapshotMeta(10, 1, 4, 99), 0, new byte[4]));
        InstallSnapshotResponse r = assertInstanceOf(InstallSnapshotResponse.class, f.ready().messages().get(0));
        assertEquals(5, r.term());
        assertFalse(r.installed());
    }

    @Test
    void aRestartedNodeStartsAfterItsSnapshot() {
        HandCluster c = laggingFollower(config(3, 100, 1000, 1), 10, 20);
        c.propose(1, "more");
        c.deliverAll();
        RaftCore restarted = c.restart(1);
        assertEquals(10, restarted.snapshot().index());
        assertEquals(10, restarted.commitIndex(), "the snapshot is committed");
        assertEquals(11, restarted.firstIndex());
        assertEquals(11, restarted.lastIndex());
        assertNotNull(restarted.entryAt(11));
    }
}
