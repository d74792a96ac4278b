package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
    void anInstallSnapshotIsEncodedAsDocumented() {
        // kind 5, from 1 -> 2, to 2 -> 4, term 5 -> 10, snapshot index 100 -> 200 = 0xc8 0x01, term 4 -> 8,
        // size 3 -> 6, checksum 0x0a0b0c0d least significant byte first, offset 0, length 3, data
        byte[] expected = {5, 2, 4, 10, (byte) 0xc8, 0x01, 8, 6, 0x0d, 0x0c, 0x0b, 0x0a, 0, 6, 7, 8, 9};
        InstallSnapshot chunk = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 3, 0x0a0b0c0d), 0,
                new byte[] {7, 8, 9});
        assertArrayEquals(expected, CompactMessageSizes.encode(chunk));
    }

    @Test
    void anInstallSnapshotResponseIsEncodedAsDocumented() {
        // kind 6, from 2 -> 4, to 1 -> 2, term 5 -> 10, snapshot index 100 -> 200 = 0xc8 0x01, next offset 3 -> 6,
        // installed
        byte[] expected = {6, 4, 2, 10, (byte) 0xc8, 0x01, 6, 1};
        assertArrayEquals(expected, CompactMessageSizes.encode(new InstallSnapshotResponse(2, 1, 5, 100, 3, true)));
    }

    @Test
    void aSnapshotChunkCostsItsDataPlusAFewBytes() {
        InstallSnapshot chunk = new InstallSnapshot(0, 2, 3, new SnapshotMeta(10_000, 3, 3 << 20, -1), 1 << 20,
                new byte[1 << 20]);
        int overhead = CompactMessageSizes.sizeOf(chunk) - (1 << 20);
        // kind, from, to, term; snapshot index, term, size, checksum; offset, length
        assertEquals(1 + 1 + 1 + 1 + 3 + 1 + 4 + 4 + 4 + 4, overhead);
    }

    @Test
    void everyMessageTypeHasItsOwnKind() {
        Map<Class<?>, Integer> kinds = new HashMap<>();
        for (RaftMessage m : samples()) {
            kinds.put(m.getClass(), (int) CompactMessageSizes.encode(m)[0]);
        }
        Set<Class<?>> permitted = Arrays.stream(RaftMessage.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(permitted, kinds.keySet(), "a sample of every message type (a new one needs a kind)");
        assertEquals(Set.of(1, 2, 3, 4, 5, 6), Set.copyOf(kinds.values()));
        assertEquals(5, kinds.get(InstallSnapshot.class));
        assertEquals(6, kinds.get(InstallSnapshotResponse.class));
    }

    @Test
    void sizeOfMatchesTheEncodedLength() {
        for (RaftMessage m : samples()) {
            assertEquals(CompactMessageSizes.encode(m).length, CompactMessageSizes.sizeOf(m), m.describe());
        }
        assertEquals(8, CompactMessageSizes.sizeOf(new AppendEntries(0, 2, 3, 10, 2, List.of(), 9)),
                "a heartbeat in a young cluster");
    }

    private static List<RaftMessage> samples() {
        return List.of(
                new RequestVote(0, 1, 1, 0, 0),
                new RequestVote(6, 5, 123_456_789L, 1L << 40, 99),
                new RequestVoteResponse(1, 0, 7, true),
                new RequestVoteResponse(1, 0, 7, false),
                new AppendEntries(0, 2, 3, 10, 2, List.of(), 9),
                new AppendEntries(0, 2, 3, 10, 2, List.of(LogEntry.command(3, 11, new byte[8]),
                        LogEntry.noop(3, 12), LogEntry.command(3, 13, new byte[300])), 9),
                AppendEntriesResponse.accept(2, 0, 3, 13),
                AppendEntriesResponse.reject(2, 0, 3, 10, 2, 7),
                AppendEntriesResponse.reject(2, 0, 3, 10, 0, 4),
                new InstallSnapshot(0, 2, 3, new SnapshotMeta(10, 2, 0, 0), 0, new byte[0]),
                new InstallSnapshot(0, 2, 3, new SnapshotMeta(10, 2, 900, 0x80000000), 300, new byte[300]),
                new InstallSnapshot(0, 2, 3, new SnapshotMeta(10, 2, 900, -1), 900, new byte[0]),
                new InstallSnapshot(-1, Integer.MAX_VALUE, Long.MAX_VALUE,
                        new SnapshotMeta(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 7), Long.MAX_VALUE - 1,
                        new byte[1]),
                new InstallSnapshotResponse(2, 0, 3, 10, 0, false),
                new InstallSnapshotResponse(2, 0, 3, 10, 900, true),
                new InstallSnapshotResponse(2, 0, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, false));
    }
}
