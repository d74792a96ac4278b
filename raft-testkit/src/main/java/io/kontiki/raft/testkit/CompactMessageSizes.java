package io.kontiki.raft.testkit;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.io.ByteArrayOutputStream;

/**
 * The compact binary encoding the simulated network counts bytes with, standing in for the
 * lab's Go {@code labgob} encoding (the lab's byte thresholds, e.g. RPCBytes' "at most 50 000
 * bytes of overhead", assume an encoding about this compact).
 *
 * <h2>Encoding</h2>
 * Every number is a <b>varint</b>: zig-zag mapped ({@code (n << 1) ^ (n >> 63)}, so that small
 * negative values such as {@code -1} stay small), then written 7 bits at a time, least
 * significant group first, with the high bit of each byte set when more bytes follow
 * (protobuf's {@code sint64}). Flags are one byte.
 * <pre>
 * message               = kind:u8 from:varint to:varint term:varint body
 *   kind                = 1 RequestVote, 2 RequestVoteResponse, 3 AppendEntries, 4 AppendEntriesResponse
 * RequestVote           body = lastLogIndex:varint lastLogTerm:varint
 * RequestVoteResponse   body = granted:u8
 * AppendEntries         body = prevLogIndex:varint prevLogTerm:varint leaderCommit:varint
 *                              count:varint entry{count}
 *   entry               = term:varint type:u8 length:varint data[length]
 *                         (an entry's index is implied: prevLogIndex + 1 + its position)
 * AppendEntriesResponse body = success:u8 index:varint conflictTerm:varint conflictIndex:varint
 * </pre>
 * A heartbeat in a young cluster is therefore about 8 bytes, and an entry carrying an 8-byte
 * command about 11 bytes.
 *
 * <p>{@link #sizeOf} computes the length without allocating; {@link #encode} produces the bytes
 * (tests check that the two agree). Stateless and thread-safe.
 */
public final class CompactMessageSizes {

    static final int REQUEST_VOTE = 1;
    static final int REQUEST_VOTE_RESPONSE = 2;
    static final int APPEND_ENTRIES = 3;
    static final int APPEND_ENTRIES_RESPONSE = 4;

    private CompactMessageSizes() {
    }

    /** The encoded length of {@code m} in bytes. */
    public static int sizeOf(RaftMessage m) {
        int size = 1 + varintSize(m.from()) + varintSize(m.to()) + varintSize(m.term());
        if (m instanceof RequestVote rv) {
            return size + varintSize(rv.lastLogIndex()) + varintSize(rv.lastLogTerm());
        } else if (m instanceof RequestVoteResponse) {
            return size + 1;
        } else if (m instanceof AppendEntries ae) {
            size += varintSize(ae.prevLogIndex()) + varintSize(ae.prevLogTerm())
                    + varintSize(ae.leaderCommit()) + varintSize(ae.entries().size());
            for (LogEntry e : ae.entries()) {
                size += sizeOf(e);
            }
            return size;
        } else if (m instanceof io.kontiki.raft.core.message.InstallSnapshot is) {
            return size + varintSize(is.snapshot().index()) + varintSize(is.snapshot().term())
                    + varintSize(is.snapshot().size()) + 4 + varintSize(is.offset())
                    + varintSize(is.data().length) + is.data().length;
        } else if (m instanceof io.kontiki.raft.core.message.InstallSnapshotResponse r) {
            return size + varintSize(r.snapshotIndex()) + varintSize(r.nextOffset()) + 1;
        } else {
            AppendEntriesResponse r = (AppendEntriesResponse) m;
            return size + 1 + varintSize(r.index()) + varintSize(r.conflictTerm())
                    + varintSize(r.conflictIndex());
        }
    }

    /** The encoded length of one entry inside an AppendEntries. */
    public static int sizeOf(LogEntry e) {
        return varintSize(e.term()) + 1 + varintSize(e.data().length) + e.data().length;
    }

    /** The encoding of {@code m}, as documented above. */
    public static byte[] encode(RaftMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeOf(m));
        if (m instanceof RequestVote rv) {
            header(out, REQUEST_VOTE, m);
            writeVarint(out, rv.lastLogIndex());
            writeVarint(out, rv.lastLogTerm());
        } else if (m instanceof RequestVoteResponse r) {
            header(out, REQUEST_VOTE_RESPONSE, m);
            out.write(r.granted() ? 1 : 0);
        } else if (m instanceof AppendEntries ae) {
            header(out, APPEND_ENTRIES, m);
            writeVarint(out, ae.prevLogIndex());
            writeVarint(out, ae.prevLogTerm());
            writeVarint(out, ae.leaderCommit());
            writeVarint(out, ae.entries().size());
            for (LogEntry e : ae.entries()) {
                writeVarint(out, e.term());
                out.write(e.type().ordinal());
                writeVarint(out, e.data().length);
                out.writeBytes(e.data());
            }
        } else {
            AppendEntriesResponse r = (AppendEntriesResponse) m;
            header(out, APPEND_ENTRIES_RESPONSE, m);
            out.write(r.success() ? 1 : 0);
            writeVarint(out, r.index());
            writeVarint(out, r.conflictTerm());
            writeVarint(out, r.conflictIndex());
        }
        return out.toByteArray();
    }

    /** The number of bytes {@code value} takes as a zig-zag varint: 1 to 10. */
    public static int varintSize(long value) {
        long zz = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(zz | 1);
        return (bits + 6) / 7;
    }

    private static void header(ByteArrayOutputStream out, int kind, RaftMessage m) {
        out.write(kind);
        writeVarint(out, m.from());
        writeVarint(out, m.to());
        writeVarint(out, m.term());
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
        long zz = (value << 1) ^ (value >> 63);
        while ((zz & ~0x7FL) != 0) {
            out.write((int) ((zz & 0x7F) | 0x80));
            zz >>>= 7;
        }
        out.write((int) zz);
    }
}
