package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leader election, driven by hand: "In Search of an Understandable Consensus Algorithm
 * (Extended Version)", §5.1 (terms: a server that sees a higher term becomes a follower; a
 * request with a stale term is rejected), §5.2 (election timeouts randomized in a fixed
 * interval, a candidate votes for itself, at most one vote per term, won with a majority) and
 * §5.4.1 (the election restriction: no vote for a candidate whose log is less up-to-date).
 * Figure 2 requires currentTerm and votedFor to be persisted before answering.
 */
class ElectionPaperTest {

    private static final long SEED = 42;
    private static final List<Integer> THREE = List.of(1, 2, 3);

    private static RaftCore follower(long seed) {
        return new RaftCore(RaftConfig.lab(1, THREE), new Random(seed), PersistentState.EMPTY, RaftObserver.NONE);
    }

    /** Ticks until the term changes; returns the number of ticks it took. */
    private static int ticksUntilCampaign(RaftCore core, long seed) {
        long term = core.term();
        for (int t = 1; t <= 10 * core.config().electionTicks(); t++) {
            core.tick();
            if (core.term() != term) {
                return t;
            }
        }
        throw new AssertionError("no campaign within 10 election timeouts (seed " + seed + ")");
    }

    // ---- §5.2: election timeouts -----------------------------------------------------------

    @Test
    void aFollowerThatHearsNothingCampaignsWithinOneToTwoElectionTimeouts() {
        int e = RaftConfig.lab(1, THREE).electionTicks();
        Set<Integer> seen = new TreeSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            RaftCore core = follower(seed);
            int ticks = ticksUntilCampaign(core, seed);
            assertTrue(ticks >= e && ticks < 2 * e, "campaigned after " + ticks + " ticks (seed " + seed + ")");
            assertEquals(Role.CANDIDATE, core.role(), "seed " + seed);
            assertEquals(1, core.term(), "seed " + seed);
            seen.add(ticks);
        }
        assertTrue(seen.size() >= e / 2, "timeouts are randomized over [e, 2e): saw only " + seen);
    }

    @Test
    void aCandidateThatHearsNothingCampaignsAgainWithinOneToTwoElectionTimeouts() {
        int e = RaftConfig.lab(1, THREE).electionTicks();
        for (long seed = 1; seed <= 50; seed++) {
            RaftCore core = follower(seed);
            ticksUntilCampaign(core, seed);
            int ticks = ticksUntilCampaign(core, seed);
            assertTrue(ticks >= e && ticks < 2 * e, "re-campaigned after " + ticks + " ticks (seed " + seed + ")");
            assertEquals(2, core.term(), "seed " + seed);
            assertEquals(Role.CANDIDATE, core.role(), "seed " + seed);
        }
    }

    @Test
    void aFollowerThatHearsFromTheLeaderRestartsItsElectionTimer() {
        int e = RaftConfig.lab(1, THREE).electionTicks();
        RaftCore core = follower(SEED);
        for (int round = 0; round < 10; round++) {
            for (int t = 0; t < e - 1; t++) {
                core.tick();
            }
            core.step(new AppendEntries(2, 1, 1, 0, 0, List.of(), 0));
        }
        assertEquals(Role.FOLLOWER, core.role());
        assertEquals(1, core.term());
        assertEquals(2, core.leaderId());
    }

    // ---- §5.2: campaigning -----------------------------------------------------------------

    @Test
    void aCandidateVotesForItselfAndPersistsTermAndVoteInTheReadyThatCarriesItsRequestVotes() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(1, HandCluster.persisted(2, RaftConfig.NO_NODE, 1, 1, 2)));
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }

        assertEquals(1, core.votedFor());
        Ready ready = core.ready();
        assertEquals(new HardState(3, 1), ready.hardState(), "term and self-vote must be persisted first");
        assertTrue(ready.mustPersist());
        assertEquals(List.of(new RequestVote(1, 2, 3, 3, 2), new RequestVote(1, 3, 3, 3, 2)), ready.messages());
        core.advance(ready);
        assertFalse(core.hasReady(), "the same hard state is not handed out twice");
    }

    @Test
    void aCandidateAsksAgainEveryHeartbeatIntervalOnlyThePeersThatHaveNotAnswered() {
        RaftConfig config = RaftConfig.lab(1, List.of(1, 2, 3, 4, 5));
        HandCluster c = HandCluster.of(config, SEED, Map.of());
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }
        core.advance(core.ready()); // the first round of RequestVotes, all lost
        core.step(new RequestVoteResponse(2, 1, 1, false));
        core.step(new RequestVoteResponse(3, 1, 1, true));
        core.advance(core.ready());

        for (int t = 1; t < config.heartbeatTicks(); t++) {
            core.tick();
            assertFalse(core.hasReady(), "no retry before a heartbeat interval (tick " + t + ")");
        }
        core.tick();
        Ready retry = core.ready();
        assertEquals(List.of(new RequestVote(1, 4, 1, 0, 0), new RequestVote(1, 5, 1, 0, 0)), retry.messages(),
                "only the silent peers are asked again, in the same term");
        assertEquals(1, core.term());
        core.advance(retry);

        core.step(new RequestVoteResponse(5, 1, 1, true));
        assertEquals(Role.LEADER, core.role(), "a retried request's vote completes the majority");
    }

    @Test
    void aCandidateBecomesLeaderOnAMajorityOfVotes() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, List.of(1, 2, 3, 4, 5)), SEED, Map.of());
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }
        c.flush(1);
        core.step(new RequestVoteResponse(2, 1, 1, true));
        assertEquals(Role.CANDIDATE, core.role(), "two of five is not a majority");
        core.step(new RequestVoteResponse(2, 1, 1, true));
        assertEquals(Role.CANDIDATE, core.role(), "a duplicate vote counts once");
        core.step(new RequestVoteResponse(4, 1, 1, false));
        core.step(new RequestVoteResponse(5, 1, 1, true));
        assertEquals(Role.LEADER, core.role());
        assertEquals(1, core.leaderId());
    }

    @Test
    void aCandidateStepsBackOnAMajorityOfRejections() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, List.of(1, 2, 3, 4, 5)), SEED, Map.of());
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }
        core.step(new RequestVoteResponse(2, 1, 1, false));
        core.step(new RequestVoteResponse(3, 1, 1, false));
        assertEquals(Role.CANDIDATE, core.role(), "three may still grant");
        core.step(new RequestVoteResponse(4, 1, 1, false));
        assertEquals(Role.FOLLOWER, core.role());
        assertEquals(1, core.term(), "losing does not change the term");
        assertEquals(1, core.votedFor(), "the self-vote of the term stands");
    }

    // ---- §5.2: one vote per term -----------------------------------------------------------

    private static RequestVoteResponse answer(List<RaftMessage> released) {
        assertEquals(1, released.size(), "one answer: " + released);
        return assertInstanceOf(RequestVoteResponse.class, released.get(0));
    }

    @Test
    void aNodeGrantsAtMostOneVotePerTermEvenAcrossARestart() {
        HandCluster c = HandCluster.lab(3, SEED);

        assertTrue(answer(c.stepAndFlush(new RequestVote(2, 1, 1, 0, 0))).granted());
        assertEquals(new HardState(1, 2), c.storage(1).hardState(), "the vote is durable before it is sent");
        assertFalse(answer(c.stepAndFlush(new RequestVote(3, 1, 1, 0, 0))).granted(), "a second candidate, same term");
        assertTrue(answer(c.stepAndFlush(new RequestVote(2, 1, 1, 0, 0))).granted(), "the same candidate again");

        c.restart(1);
        assertEquals(2, c.core(1).votedFor());
        assertFalse(answer(c.stepAndFlush(new RequestVote(3, 1, 1, 0, 0))).granted(), "still no after a restart");

        RequestVoteResponse nextTerm = answer(c.stepAndFlush(new RequestVote(3, 1, 2, 0, 0)));
        assertTrue(nextTerm.granted(), "a new term, a new vote");
        assertEquals(2, nextTerm.term());
        assertEquals(new HardState(2, 3), c.storage(1).hardState());
    }

    @Test
    void aCandidateDoesNotVoteForAnotherCandidateOfItsTerm() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }
        c.flush(1);
        assertFalse(answer(c.stepAndFlush(new RequestVote(2, 1, 1, 0, 0))).granted());
        assertEquals(Role.CANDIDATE, core.role());
    }

    // ---- §5.4.1: the election restriction ---------------------------------------------------

    @ParameterizedTest(name = "voter log [1,1,2], candidate last {1}/{0}: granted {2}")
    @CsvSource({
        "3, 2, true",    // same last term, same length
        "4, 2, true",    // same last term, longer
        "1, 3, true",    // higher last term, shorter
        "2, 2, false",   // same last term, shorter
        "9, 1, false",   // lower last term, however long
        "0, 0, false",   // empty
    })
    void aNodeRejectsACandidateWhoseLogIsLessUpToDate(long lastIndex, long lastTerm, boolean granted) {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(1, HandCluster.persisted(2, RaftConfig.NO_NODE, 1, 1, 2)));

        RequestVoteResponse r = answer(c.stepAndFlush(new RequestVote(2, 1, 3, lastIndex, lastTerm)));

        assertEquals(granted, r.granted());
        assertEquals(3, r.term());
        assertEquals(granted ? 2 : RaftConfig.NO_NODE, c.core(1).votedFor());
        assertEquals(new HardState(3, granted ? 2 : RaftConfig.NO_NODE), c.storage(1).hardState());
    }

    @Test
    void aRejectedCandidateLeavesTheVoteFreeForABetterOneInTheSameTerm() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(1, HandCluster.persisted(2, RaftConfig.NO_NODE, 1, 1, 2)));
        assertFalse(answer(c.stepAndFlush(new RequestVote(2, 1, 3, 2, 1))).granted());
        assertTrue(answer(c.stepAndFlush(new RequestVote(3, 1, 3, 3, 2))).granted());
    }

    // ---- §5.1: terms -----------------------------------------------------------------------

    static Stream<Arguments> higherTermMessages() {
        return Stream.of(
                Arguments.of(new RequestVote(2, 1, 5, 9, 1), RaftConfig.NO_NODE),
                Arguments.of(new RequestVoteResponse(2, 1, 5, false), RaftConfig.NO_NODE),
                Arguments.of(new AppendEntries(2, 1, 5, 0, 0, List.of(), 0), 2),
                Arguments.of(AppendEntriesResponse.reject(2, 1, 5, 0, 0, 0), RaftConfig.NO_NODE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("higherTermMessages")
    void aMessageWithAHigherTermTurnsALeaderIntoAFollower(RaftMessage m, int expectedLeader) {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore leader = c.elect(1);
        c.propose(1, "x");
        c.deliverAll();
        assertEquals(1, leader.term());

        c.stepAndFlush(m);

        assertEquals(Role.FOLLOWER, leader.role(), m.describe());
        assertEquals(5, leader.term());
        assertEquals(expectedLeader, leader.leaderId());
        assertEquals(5, c.storage(1).hardState().term(), "the new term is persisted");
        assertNull(leader.progressOf(2), "a follower tracks no progress");
        assertFalse(leader.propose(new byte[] {1}).isLeader());
    }

    @Test
    void aStaleTermRequestVoteIsRejectedWithTheNewerTerm() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(1, HandCluster.persisted(4, RaftConfig.NO_NODE)));

        RequestVoteResponse r = answer(c.stepAndFlush(new RequestVote(2, 1, 3, 0, 0)));

        assertFalse(r.granted());
        assertEquals(4, r.term());
        assertEquals(RaftConfig.NO_NODE, c.core(1).votedFor());
    }

    @Test
    void aCandidateThatHearsFromALeaderOfItsTermBecomesItsFollower() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore core = c.core(1);
        while (core.role() != Role.CANDIDATE) {
            core.tick();
        }
        c.flush(1);
        List<RaftMessage> out = c.stepAndFlush(new AppendEntries(2, 1, 1, 0, 0, List.of(), 0));
        assertEquals(Role.FOLLOWER, core.role());
        assertEquals(1, core.term());
        assertEquals(2, core.leaderId());
        assertEquals(List.of(AppendEntriesResponse.accept(1, 2, 1, 0)), out);
    }

    /**
     * A candidate retries its RequestVote every heartbeat interval. If it can send but not hear
     * (a one-way cut), a reset on every repeated grant would keep the voters from ever timing
     * out: only casting the vote resets the timer; a repeat is granted again without a reset.
     */
    @Test
    void aRepeatedVoteRequestIsGrantedAgainWithoutRestartingTheElectionTimer() {
        HandCluster c = HandCluster.lab(3, SEED);
        RaftCore core = c.core(1);
        int e = core.config().electionTicks();
        RequestVote request = new RequestVote(2, 1, 1, 0, 0);
        assertTrue(answer(c.stepAndFlush(request)).granted());
        int ticks = 0;
        while (core.role() == Role.FOLLOWER && ticks < 4 * e) {
            core.tick();
            ticks++;
            if (ticks % core.config().heartbeatTicks() == 0 && core.role() == Role.FOLLOWER) {
                assertTrue(answer(c.stepAndFlush(request)).granted(), "the repeat is granted again");
            }
        }
        assertEquals(Role.CANDIDATE, core.role(), "repeated requests kept the voter from campaigning");
        assertTrue(ticks < 2 * e, "campaigned after " + ticks + " ticks, past the timeout set by the first grant");
    }

    /**
     * Figure 2 resets the election timer only on a granted vote or on hearing the current
     * leader. A higher-term vote request from a candidate with a stale log must not reset it,
     * or such candidates (which can never win) keep an up-to-date node from ever campaigning.
     */
    @Test
    void aRefusedHigherTermVoteRequestDoesNotRestartTheElectionTimer() {
        HandCluster c = HandCluster.of(RaftConfig.lab(1, THREE), SEED,
                Map.of(1, HandCluster.persisted(2, RaftConfig.NO_NODE, 1, 1, 2)));
        RaftCore core = c.core(1);
        int timeout = ticksUntilCampaign(follower(SEED), SEED);
        for (int t = 0; t < timeout - 1; t++) {
            core.tick();
        }
        long termBefore = core.term();

        RequestVoteResponse r = answer(c.stepAndFlush(new RequestVote(2, 1, termBefore + 5, 1, 1)));
        assertFalse(r.granted());
        assertEquals(termBefore + 5, core.term());
        for (int t = 0; t < 2 && core.role() == Role.FOLLOWER; t++) {
            core.tick();
        }

        assertEquals(Role.CANDIDATE, core.role(), "the refused vote request restarted the timer");
    }
}
