package io.kontiki.raft.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.quorum.MajorityConfig.VoteResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests for {@link MajorityConfig}: quorum sizes, the commit point and vote counting. */
class MajorityConfigTest {

    private static List<Integer> ids(int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }

    /** Parses "1:y 2:n 9:y" into votes; an absent voter has not answered. */
    private static Map<Integer, Boolean> votes(String spec) {
        Map<Integer, Boolean> votes = new HashMap<>();
        for (String v : spec.trim().split("\\s+")) {
            if (v.isEmpty()) {
                continue;
            }
            String[] kv = v.split(":");
            votes.put(Integer.parseInt(kv[0]), kv[1].equals("y"));
        }
        return votes;
    }

    @ParameterizedTest(name = "{0} voters: quorum {1}")
    @CsvSource({
        "1, 1",
        "2, 2",
        "3, 2",
        "4, 3",
        "5, 3",
        "6, 4",
        "7, 4",
    })
    void quorumIsTheSmallestMajority(int voters, int quorum) {
        MajorityConfig c = new MajorityConfig(ids(voters));
        assertEquals(voters, c.size());
        assertEquals(quorum, c.quorum());
        assertTrue(2 * c.quorum() > voters, "a quorum is a majority");
        assertTrue(2 * (c.quorum() - 1) <= voters, "one fewer is not");
    }

    @ParameterizedTest(name = "matches [{0}] -> committed {1}")
    @CsvSource({
        "'0',             0",
        "'7',             7",
        "'5 3',           3",   // two voters: both must have it
        "'5 3 1',         3",
        "'1 3 5',         3",   // order of voters does not matter
        "'5 5 1',         5",
        "'9 0 0',         0",   // one voter ahead is not a majority
        "'4 4 2 2',       2",   // four voters need three
        "'4 4 4 2',       4",
        "'9 8 7 1 1',     7",
        "'2 2 9 9 9 9 0', 9",
        "'2 2 9 9 9 1 0', 2",
    })
    void committedIndexIsTheHighestIndexAMajorityHasMatched(String matches, long committed) {
        long[] m = Arrays.stream(matches.trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
        MajorityConfig c = new MajorityConfig(ids(m.length));
        assertEquals(committed, c.committedIndex(id -> m[id - 1]));
    }

    @Test
    void committedIndexAsksOnlyTheVoters() {
        MajorityConfig c = new MajorityConfig(List.of(2, 4, 6));
        List<Integer> asked = new ArrayList<>();
        long committed = c.committedIndex(id -> {
            asked.add(id);
            return id;
        });
        assertEquals(4, committed);
        assertEquals(List.of(2, 4, 6), asked.stream().sorted().toList());
    }

    @ParameterizedTest(name = "{0} voters, votes [{1}] -> {2}")
    @CsvSource({
        "1, '1:y',              WON",
        "1, '1:n',              LOST",
        "1, '',                 PENDING",
        "3, '1:y',              PENDING",
        "3, '1:y 2:y',          WON",
        "3, '1:y 2:n',          PENDING",
        "3, '1:y 2:n 3:n',      LOST",
        "3, '2:n 3:n',          LOST",
        "4, '1:y 2:y',          PENDING",   // four voters need three
        "4, '1:y 2:y 3:n',      PENDING",
        "4, '1:y 2:n 3:n',      LOST",
        "4, '1:y 2:y 3:y',      WON",
        "5, '1:y 2:y 3:n 4:n',  PENDING",
        "5, '1:y 2:n 3:n 4:n',  LOST",
        "5, '1:y 2:y 5:y',      WON",
        "3, '1:y 9:y 8:y',      PENDING",   // non-voters are ignored
        "3, '1:n 9:n 8:n',      PENDING",
        "3, '1:y 2:y 9:n 8:n',  WON",
    })
    void voteResultIsWonAtAQuorumOfGrantsAndLostWhenAQuorumIsOutOfReach(int voters, String spec,
            VoteResult expected) {
        assertEquals(expected, new MajorityConfig(ids(voters)).voteResult(votes(spec)));
    }

    @Test
    void nonVotersAreNotMembers() {
        MajorityConfig c = new MajorityConfig(List.of(3, 1, 2));
        assertTrue(c.contains(1));
        assertTrue(c.contains(3));
        assertFalse(c.contains(4));
        assertFalse(c.contains(0));
    }

    @Test
    void aVoterListedTwiceCountsOnce() {
        MajorityConfig c = new MajorityConfig(List.of(1, 2, 2, 3));
        assertEquals(3, c.size());
        assertEquals(2, c.quorum());
    }

    @Test
    void aConfigurationNeedsAtLeastOneVoter() {
        assertThrows(IllegalArgumentException.class, () -> new MajorityConfig(List.of()));
    }
}
