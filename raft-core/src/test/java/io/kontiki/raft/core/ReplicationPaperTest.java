package io.kontiki.raft.core;

import static io.kontiki.raft.core.HandCluster.concat;
import static io.kontiki.raft.core.HandCluster.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Log replication, driven by hand: "In Search of an Understandable Consensus Algorithm
 * (Extended Version)", §5.1 (a request with a stale term is rejected with the current term),
 * §5.3 (the consistency check on prevLogIndex/prevLogTerm, truncation of a conflicting suffix
 * only, heartbeats as empty AppendEntries, and the optimization at the end of §5.3 that lets a
 * leader back up over a whole conflicting term per round trip) and §8 (a new leader's no-op).
 */
class ReplicationPaperTest {

    private static final long SEED = 7;
    private static final List<Integer> THREE = List.of(1, 2, 3);

    private static AppendEntriesResponse answer(List<RaftMessage> released) {
        assertEquals(1, released.size(), "one answer: " + released);
        return assertInstanceOf(AppendEntriesResponse.class, released.get(0));
    }

    private static List<LogEntry> entries(long firstIndex, long... terms) {
        List<LogEntry> list = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            list.add(LogEntry.command(terms[i], firstIndex + i, new byte[] {(byte) (firstIndex + i)}));
        }
        return list;
    }

    // ---- §5.1: stale terms -----------------------------------------------------------------

    @Test
    void aStaleTermAppendEntriesGetsARejectionCarryingTheNewerTerm() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(2, HandCluster.persisted(3, RaftConfig.NO_NODE, 1, 3)));

        AppendEntriesResponse r = answer(c.stepAndFlush(
                new AppendEntries(1, 2, 2, 2, 3, entries(3, 2), 0)));

        assertFalse(r.success());
        assertEquals(3, r.term());
        assertEquals(List.of(1L, 3L), c.logTerms(2), "a stale leader's entries are not appended");
        assertEquals(RaftConfig.NO_NODE, c.core(2).leaderId(), "a stale leader is not recognised");
    }

    @Test
    void aDeposedLeaderStepsDownWhenItsAppendEntriesIsRejectedWithANewerTerm() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore old = c.elect(1);
        c.isolate(1);
        c.elect(2);
        c.heal(1);
        assertEquals(Role.LEADER, old.role(), "cut off, node 1 still believes it leads term 1");

        c.propose(1, "lost");
        c.deliverAll();

        assertEquals(Role.FOLLOWER, old.role());
        assertEquals(2, old.term());
        List<RaftMessage> replies = c.sent(m -> m instanceof AppendEntriesResponse && m.to() == 1 && m.term() == 2);
        assertFalse(replies.isEmpty(), "the newer term reaches the old leader in a rejection");
        assertTrue(replies.stream().noneMatch(m -> ((AppendEntriesResponse) m).success()));
        assertEquals(List.of(), c.logTerms(2), "the stale entry went nowhere");
    }

    // ---- §5.3: the consistency check -------------------------------------------------------

    @ParameterizedTest(name = "follower log [1,1,2,2,2,4], prev {1}/{0} -> success {2} index {3} hint {4}/{5}")
    @CsvSource({
        "6, 4, true,  6, 0, 0",
        "3, 2, true,  3, 0, 0",    // an older prefix matches: accepted, nothing truncated
        "0, 0, true,  0, 0, 0",
        "6, 5, false, 6, 4, 6",    // conflict in term 4, which starts at 6
        "5, 3, false, 5, 2, 3",    // conflict in term 2, which starts at 3
        "4, 1, false, 4, 2, 3",
        "2, 3, false, 2, 1, 1",
        "7, 4, false, 7, 0, 7",    // log too short: term 0, length + 1
        "9, 4, false, 9, 0, 7",
    })
    void aFollowerRejectsAMismatchedPrevAndHintsTheConflict(long prevIndex, long prevTerm, boolean success,
            long index, long conflictTerm, long conflictIndex) {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(2, HandCluster.persisted(4, RaftConfig.NO_NODE, 1, 1, 2, 2, 2, 4)));

        AppendEntriesResponse r = answer(c.stepAndFlush(
                new AppendEntries(1, 2, 5, prevIndex, prevTerm, List.of(), 0)));

        assertEquals(new AppendEntriesResponse(2, 1, 5, success, index, conflictTerm, conflictIndex), r);
        assertEquals(List.of(1L, 1L, 2L, 2L, 2L, 4L), c.logTerms(2), "a heartbeat never changes the log");
    }

    @Test
    void aFollowerAppendsAfterAMatchingPrevAndTruncatesOnlyFromTheFirstConflict() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(2, HandCluster.persisted(4, RaftConfig.NO_NODE, 1, 1, 2, 2, 2, 4)));

        AppendEntriesResponse r = answer(c.stepAndFlush(
                new AppendEntries(1, 2, 5, 2, 1, entries(3, 2, 5, 5), 0)));

        assertEquals(AppendEntriesResponse.accept(2, 1, 5, 5), r);
        assertEquals(List.of(1L, 1L, 2L, 5L, 5L), c.logTerms(2));
        assertEquals(List.of(1L, 1L, 2L, 5L, 5L),
                c.storage(2).load().entries().stream().map(LogEntry::term).toList(),
                "the truncation reached storage through the Ready");
    }

    static Stream<Arguments> duplicatedOrReorderedAppends() {
        AppendEntries all = new AppendEntries(1, 2, 1, 0, 0, entries(1, 1, 1, 1), 0);
        AppendEntries first = new AppendEntries(1, 2, 1, 0, 0, entries(1, 1), 0);
        AppendEntries firstTwo = new AppendEntries(1, 2, 1, 0, 0, entries(1, 1, 1), 0);
        AppendEntries second = new AppendEntries(1, 2, 1, 1, 1, entries(2, 1), 0);
        AppendEntries third = new AppendEntries(1, 2, 1, 2, 1, entries(3, 1), 0);
        AppendEntries allCommitted = new AppendEntries(1, 2, 1, 0, 0, entries(1, 1, 1, 1), 3);
        AppendEntries heartbeatAtOne = new AppendEntries(1, 2, 1, 1, 1, List.of(), 3);
        return Stream.of(
                Arguments.of("a duplicate of the whole batch", List.of(all, all)),
                Arguments.of("the first entry alone, after the batch", List.of(all, first)),
                Arguments.of("the first two, after the batch", List.of(all, firstTwo)),
                Arguments.of("the middle one, after the batch", List.of(all, second)),
                Arguments.of("one by one, then all again out of order", List.of(first, second, third, second, first)),
                Arguments.of("an old message below the commit index", List.of(allCommitted, first, firstTwo)),
                Arguments.of("an old heartbeat below the commit index", List.of(allCommitted, heartbeatAtOne)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicatedOrReorderedAppends")
    void aDuplicateOrReorderedOlderAppendEntriesNeverTruncatesEntries(String claim, List<AppendEntries> deliveries) {
        HandCluster c = HandCluster.lab(3, SEED);
        long lastSeen = 0;
        for (AppendEntries ae : deliveries) {
            AppendEntriesResponse r = answer(c.stepAndFlush(ae));
            assertTrue(r.success(), claim + ": " + r.describe());
            long last = c.core(2).lastIndex();
            assertTrue(last >= lastSeen, claim + ": the log shrank from " + lastSeen + " to " + last);
            lastSeen = last;
        }
        assertEquals(List.of(1L, 1L, 1L), c.logTerms(2), claim);
        assertEquals(3, c.storage(2).lastIndex(), claim);
    }

    // ---- §5.3: backing up over a divergent log --------------------------------------------

    static Stream<Arguments> divergentLogs() {
        return Stream.of(
                Arguments.of("50 conflicting entries of one old term",
                        concat(repeat(1, 5), repeat(3, 5)), concat(repeat(1, 5), repeat(2, 50)), 1),
                Arguments.of("50 conflicting entries of a term the leader also has",
                        concat(repeat(1, 5), repeat(2, 30), repeat(3, 5)), concat(repeat(1, 5), repeat(2, 50)), 1),
                Arguments.of("three conflicting terms after the first entry",
                        concat(repeat(1, 1), repeat(5, 5)), concat(repeat(1, 1), repeat(2, 1), repeat(3, 1), repeat(4, 50)),
                        3),
                Arguments.of("a follower 57 entries behind",
                        concat(repeat(1, 5), repeat(3, 55)), repeat(1, 3), 1),
                Arguments.of("an empty follower",
                        repeat(1, 60), new long[0], 1),
                Arguments.of("a longer follower of an older term",
                        concat(repeat(1, 2), repeat(4, 10)), concat(repeat(1, 2), repeat(2, 20), repeat(3, 30)), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("divergentLogs")
    void theLeaderBacksUpOverALongDivergentLogInAFewRoundTrips(String claim, long[] leaderLog, long[] followerLog,
            int maxRejections) {
        long leaderTerm = leaderLog[leaderLog.length - 1];
        long followerTerm = followerLog.length == 0 ? 0 : followerLog[followerLog.length - 1];
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED, Map.of(
                1, HandCluster.persisted(leaderTerm, RaftConfig.NO_NODE, leaderLog),
                2, HandCluster.persisted(followerTerm, RaftConfig.NO_NODE, followerLog)));
        c.isolate(3);

        c.elect(1);

        long rejections = c.sent(m -> m instanceof AppendEntriesResponse r && r.from() == 2 && !r.success()).size();
        assertTrue(rejections <= maxRejections, claim + ": " + rejections + " rejections");
        assertEquals(c.logTerms(1), c.logTerms(2), claim);
        assertEquals(c.logTerms(1), c.storage(2).load().entries().stream().map(LogEntry::term).toList(), claim);
    }

    // ---- §5.3: heartbeats ------------------------------------------------------------------

    /** For each peer, the ticks (counted from 1 after the election) at which the leader sent it an AppendEntries. */
    private static Map<Integer, List<Integer>> appendTicks(HandCluster c, int leader, int ticks,
            boolean proposeEveryTick) {
        Map<Integer, List<Integer>> at = new TreeMap<>();
        for (int t = 1; t <= ticks; t++) {
            int before = c.sent.size();
            if (proposeEveryTick) {
                c.propose(leader, "cmd" + t);
            }
            c.tickAll();
            c.deliverAll();
            for (RaftMessage m : c.sent.subList(before, c.sent.size())) {
                if (m instanceof AppendEntries && m.from() == leader) {
                    at.computeIfAbsent(m.to(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        return at;
    }

    @Test
    void theLeaderSendsExactlyOneHeartbeatPerHeartbeatIntervalToEachIdlePeer() {
        HandCluster c = HandCluster.lab(3, SEED);
        c.elect(1);
        int h = c.config.heartbeatTicks();

        Map<Integer, List<Integer>> at = appendTicks(c, 1, 10 * h, false);

        for (int peer : List.of(2, 3)) {
            List<Integer> ticks = at.get(peer);
            assertEquals(10, ticks.size(), "peer " + peer + " got AppendEntries at ticks " + ticks);
            for (int i = 1; i < ticks.size(); i++) {
                assertTrue(ticks.get(i) - ticks.get(i - 1) >= h, "peer " + peer + ": " + ticks);
            }
        }
        assertEquals(1, c.core(1).term(), "no follower timed out");
        assertEquals(Role.LEADER, c.core(1).role());
    }

    @Test
    void theLeaderProbesAPeerItNeverHeardFromAtMostOncePerHeartbeatIntervalWhateverIsProposed() {
        HandCluster c = HandCluster.lab(3, SEED);
        c.isolate(3);
        c.elect(1);
        int h = c.config.heartbeatTicks();

        Map<Integer, List<Integer>> at = appendTicks(c, 1, 10 * h, true);

        List<Integer> toDown = at.get(3);
        assertEquals(10, toDown.size(), "peer 3 got AppendEntries at ticks " + toDown);
        for (int i = 1; i < toDown.size(); i++) {
            assertTrue(toDown.get(i) - toDown.get(i - 1) >= h, "peer 3: " + toDown);
        }
        assertEquals(10 * h, c.core(2).lastIndex(), "the live peer kept up meanwhile");
        assertEquals(10 * h, c.core(1).commitIndex());
    }

    @Test
    void aReplicatingPeerThatStopsAnsweringIsProbedAtMostOncePerHeartbeatIntervalFromTheSecondInterval() {
        HandCluster c = HandCluster.lab(3, SEED);
        c.elect(1);
        c.isolate(3);
        int h = c.config.heartbeatTicks();

        Map<Integer, List<Integer>> at = appendTicks(c, 1, 10 * h, true);

        List<Integer> late = at.get(3).stream().filter(t -> t >= 2 * h).toList();
        assertTrue(late.size() <= 9, "peer 3 got AppendEntries at ticks " + at.get(3));
        for (int i = 1; i < late.size(); i++) {
            assertTrue(late.get(i) - late.get(i - 1) >= h, "peer 3: " + at.get(3));
        }
        assertTrue(c.core(1).progressOf(3).startsWith("PROBE"), c.core(1).progressOf(3));
    }

    // ---- §8: the new leader's no-op ----------------------------------------------------------

    @Test
    void withNoopOnElectionTheNewLeadersFirstEntryIsANoopOfItsTerm() {
        HandCluster c = HandCluster.of(RaftConfig.builder(1, THREE).noopOnElection(true).build(), SEED, Map.of());
        RaftCore leader = c.elect(1);

        LogEntry first = leader.entryAt(1);
        assertEquals(EntryType.NOOP, first.type());
        assertEquals(leader.term(), first.term());
        assertEquals(0, first.data().length);
        assertEquals(2, c.propose(1, "x"), "the first command follows the no-op");
        assertEquals(1, leader.commitIndex(), "the no-op commits without any client command");
    }

    @Test
    void withoutNoopTheFirstCommandLandsAtIndexOne() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore leader = c.elect(1);
        assertEquals(0, leader.lastIndex());

        assertEquals(1, c.propose(1, "x"));
        c.deliverAll();

        assertEquals(EntryType.COMMAND, leader.entryAt(1).type());
        assertEquals(1, leader.commitIndex());
        assertEquals(List.of(1L), c.logTerms(2));
    }
}
