package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.RaftMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Commitment, driven by hand: "In Search of an Understandable Consensus Algorithm (Extended
 * Version)", §5.3 (an entry is committed once the leader that created it has replicated it on a
 * majority; followers learn the commit index from later AppendEntries) and §5.4.2 (a leader
 * commits by counting replicas only entries of its current term; earlier entries commit
 * indirectly — Figure 8). The leader counts its own entries only once they are persisted.
 */
class CommitPaperTest {

    private static final long SEED = 11;
    private static final List<Integer> THREE = List.of(1, 2, 3);

    private static void tickLeaderThroughAHeartbeat(HandCluster c, int leader) {
        for (int t = 0; t < c.config.heartbeatTicks(); t++) {
            c.core(leader).tick();
        }
        c.deliverAll();
    }

    // ---- §5.3: majority ------------------------------------------------------------------

    @Test
    void aLeaderCommitsAnEntryOnlyOnceAMajorityStoredIt() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, List.of(1, 2, 3, 4, 5)), SEED, Map.of());
        RaftCore leader = c.elect(1);
        c.isolate(3);
        c.isolate(4);
        c.isolate(5);

        long index = c.propose(1, "x");
        c.deliverAll();
        assertEquals(1, c.core(2).lastIndex());
        assertEquals(0, leader.commitIndex(), "two of five is not a majority");

        c.heal(3);
        tickLeaderThroughAHeartbeat(c, 1);
        tickLeaderThroughAHeartbeat(c, 1);

        assertEquals(1, c.core(3).lastIndex(), "the heartbeat retransmitted the lost entry");
        assertEquals(index, leader.commitIndex(), "three of five is");
    }

    @Test
    void followersLearnTheCommitIndexFromTheNextAppendEntries() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore leader = c.elect(1);
        c.propose(1, "x");
        c.deliverAll();
        assertEquals(1, leader.commitIndex());
        assertEquals(0, c.core(2).commitIndex(), "the commit happened after the append was answered");

        tickLeaderThroughAHeartbeat(c, 1);

        assertEquals(1, c.core(2).commitIndex());
        assertEquals(1, c.core(3).commitIndex());
        List<LogEntry> applied = c.readies.get(2).stream().flatMap(r -> r.committedEntries().stream()).toList();
        assertEquals(List.of(leader.entryAt(1)), applied, "the follower hands the entry to its application once");
    }

    @Test
    void theLeaderCountsItsOwnEntryOnlyOnceItIsPersisted() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore leader = c.elect(1);
        c.propose(1, "x");

        Ready notYetPersisted = leader.ready();
        RaftMessage toNode2 = notYetPersisted.messages().stream().filter(m -> m.to() == 2).findFirst().orElseThrow();
        for (RaftMessage ack : c.stepAndFlush(toNode2)) {
            leader.step(ack); // node 2 stored it before the leader did
        }
        assertEquals(0, leader.commitIndex(), "node 2 alone is not a majority while the leader's copy is not durable");

        leader.advance(notYetPersisted);
        assertEquals(1, leader.commitIndex(), "node 2 and the leader are");
    }

    @Test
    void aSingleNodeClusterElectsItselfAndCommitsAfterAdvance() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, List.of(1)), SEED, Map.of());
        RaftCore solo = c.campaign(1);
        assertEquals(Role.LEADER, solo.role());
        assertEquals(1, solo.term());
        assertEquals(new HardState(1, 1), c.storage(1).hardState());

        long first = c.propose(1, "a");
        long second = c.propose(1, "b");
        c.flush(1);

        assertEquals(List.of(1L, 2L), List.of(first, second));
        assertEquals(2, solo.commitIndex());
        List<LogEntry> applied = c.readies.get(1).stream().flatMap(r -> r.committedEntries().stream()).toList();
        assertEquals(List.of("a", "b"), applied.stream().map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList());
        assertEquals(List.of(), c.sent, "a single node sends nothing");
    }

    // ---- §5.4.2: Figure 8 ------------------------------------------------------------------

    /**
     * Figure 8 in three nodes. Node 1 led term 2 and wrote 2/2 only locally; node 3 led term 3 and
     * wrote 3/2 only locally; node 2 holds just 1/1. Node 3 is cut off; node 1 wins term 4 with
     * node 2's vote and copies 2/2 to node 2.
     */
    private static HandCluster figure8(RaftConfig config) {
        HandCluster c = HandCluster.of(config, SEED, Map.of(
                1, HandCluster.persisted(3, RaftConfig.NO_NODE, 1, 2),
                2, HandCluster.persisted(3, 3, 1),
                3, HandCluster.persisted(3, 3, 1, 3)));
        c.isolate(3);
        RaftCore leader = c.elect(1);
        assertEquals(4, leader.term());
        return c;
    }

    @Test
    void anOldTermEntryOnAMajorityIsNotCommittedByCountingReplicas() {
        HandCluster c = figure8(RaftConfig.lab(1, THREE));
        tickLeaderThroughAHeartbeat(c, 1);
        assertEquals(List.of(1L, 2L), c.logTerms(2), "2/2 is now stored on a majority");

        assertEquals(0, c.core(1).commitIndex(), "but it is not of the leader's term 4");
        assertEquals(0, c.core(2).commitIndex());

        // Why: node 1 crashes, node 3 comes back and may win term 5 with node 2's vote, erasing 2/2.
        c.isolate(1);
        c.heal(3);
        RaftCore next = c.campaign(3);
        assertEquals(Role.CANDIDATE, next.role(), "node 2 already voted in term 4");
        c.campaign(3);
        assertEquals(Role.LEADER, next.role(), "node 2 votes for 3/2 over 2/2 in term 5");
        assertEquals(5, next.term());
        assertEquals(List.of(1L, 3L), c.logTerms(2), "2/2 was overwritten, which is safe only because it never committed");
    }

    @Test
    void anOldTermEntryCommitsIndirectlyWithTheFirstEntryOfTheLeadersTerm() {
        HandCluster c = figure8(RaftConfig.lab(1, THREE));
        long index = c.propose(1, "x");
        c.deliverAll();

        assertEquals(3, index);
        assertEquals(3, c.core(1).commitIndex(), "4/3 commits, and 1/1 and 2/2 with it");
        tickLeaderThroughAHeartbeat(c, 1);
        assertEquals(3, c.core(2).commitIndex());

        // Now node 3's 3/2 can never win: node 2's log is more up-to-date.
        c.isolate(1);
        c.heal(3);
        for (int attempt = 1; attempt <= 3; attempt++) {
            RaftCore stale = c.campaign(3);
            assertNotEquals(Role.LEADER, stale.role(), "attempt " + attempt + " in term " + stale.term());
        }
        assertEquals(List.of(1L, 2L, 4L), c.logTerms(2));
    }

    @Test
    void theNewLeadersNoopCommitsTheOldTermEntryWithoutAClientCommand() {
        HandCluster c = figure8(RaftConfig.builder(1, THREE).noopOnElection(true).build());

        RaftCore leader = c.core(1);
        assertEquals(EntryType.NOOP, leader.entryAt(3).type());
        assertEquals(4, leader.termAt(3));
        assertEquals(3, leader.commitIndex());
        assertTrue(c.readies.get(1).stream().flatMap(r -> r.committedEntries().stream())
                .anyMatch(e -> e.index() == 2 && e.term() == 2), "2/2 is handed to the application");
    }
}
