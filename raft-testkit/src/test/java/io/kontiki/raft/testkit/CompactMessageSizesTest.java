package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte-counting encoding: documented layout, and sizes that match the bytes. */
class CompactMessageSizesTest {

    @Test
    void varintsAreZigZagSevenBitGroups() {
        assertEquals(1, CompactMessageSizes.varintSize(0));
        assertEquals(1, CompactMessageSizes.varintSize(-1));
        assertEquals(1, CompactMessageSizes.varintSize(63));
        assertEquals(2, CompactMessageSizes.varintSize(64));
        assertEquals(2, CompactMessageSizes.varintSize(-65));
        assertEquals(3, CompactMessageSizes.varintSize(1 << 13));
        assertEquals(10, CompactMessageSizes.varintSize(Long.MAX_VALUE));
        assertEquals(10, CompactMessageSizes.varintSize(Long.MIN_VALUE));
    }

    @Test
    void aRequestVoteIsEncodedAsDocumented() {
        // kind 1, from 2 -> 4, to 0 -> 0, term 70 -> 140 = 0x8c 0x01, last index 5 -> 10, last term -1 -> 1
        byte[] expected = {1, 4, 0, (byte) 0x8c, 0x01, 10, 1};
        assertArrayEquals(expected, CompactMessageSizes.encode(new RequestVote(2, 0, 70, 5, -1)));
    }

    @Test
    void anEntryCostsItsDataPlusAFewBytes() {
        LogEntry e = LogEntry.command(3, 11, new byte[8]);
        assertEquals(1 + 1 + 1 + 8, CompactMessageSizes.sizeOf(e));
        LogEntry big = LogEntry.command(3, 12, new byte[5000]);
        assertEquals(1 + 1 + 2 + 5000, CompactMessageSizes.sizeOf(big));
    }

    @Test
    void sizeOfMatchesTheEncodedLength() {
        List<RaftMessage> samples = List.of(
                new RequestVote(0, 1, 1, 0, 0),
                new RequestVote(6, 5, 123_456_789L, 1L << 40, 99),
                new RequestVoteResponse(1, 0, 7, true),
                new RequestVoteResponse(1, 0, 7, false),
                new AppendEntries(0, 2, 3, 10, 2, List.of(), 9),
                new AppendEntries(0, 2, 3, 10, 2, List.of(LogEntry.command(3, 11, new byte[8]),
                        LogEntry.noop(3, 12), LogEntry.command(3, 13, new byte[300])), 9),
                AppendEntriesResponse.accept(2, 0, 3, 13),
                AppendEntriesResponse.reject(2, 0, 3, 10, 2, 7),
                AppendEntriesResponse.reject(2, 0, 3, 10, 0, 4));
        for (RaftMessage m : samples) {
            assertEquals(CompactMessageSizes.encode(m).length, CompactMessageSizes.sizeOf(m), m.describe());
        }
        assertEquals(8, CompactMessageSizes.sizeOf(new AppendEntries(0, 2, 3, 10, 2, List.of(), 9)),
                "a heartbeat in a young cluster");
    }
}
