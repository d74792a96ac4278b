package io.kontiki.raft.testkit;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
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
 * (protobuf's {@code sint64}). Flags are one byte; a checksum is 4 bytes, least significant
 * first.
 * <pre>
 * message                 = kind:u8 from:varint to:varint term:varint body
 *   kind                  = 1 RequestVote, 2 RequestVoteResponse, 3 AppendEntries,
 *                           4 AppendEntriesResponse, 5 InstallSnapshot, 6 InstallSnapshotResponse
 * RequestVote             body = lastLogIndex:varint lastLogTerm:varint
 * RequestVoteResponse     body = granted:u8
 * AppendEntries           body = prevLogIndex:varint prevLogTerm:varint leaderCommit:varint
 *                                count:varint entry{count}
 *   entry                 = term:varint type:u8 length:varint data[length]
 *                           (an entry's index is implied: prevLogIndex + 1 + its position)
 * AppendEntriesResponse   body = success:u8 index:varint conflictTerm:varint conflictIndex:varint
 * InstallSnapshot         body = snapshotIndex:varint snapshotTerm:varint size:varint checksum:u32
 *                                offset:varint length:varint data[length]
 * InstallSnapshotResponse body = snapshotIndex:varint nextOffset:varint installed:u8
 * </pre>
 * A heartbeat in a young cluster is therefore about 8 bytes, and an entry carrying an 8-byte
 * command about 11 bytes; a snapshot chunk costs its data plus about 20 bytes.
 *
 * <p>{@link #sizeOf} computes the length without allocating; {@link #encode} produces the bytes
 * (tests check that the two agree). Stateless and thread-safe.
 */
public final class CompactMessageSizes {

    static final int REQUEST_VOTE = 1;
    static final int REQUEST_VOTE_RESPONSE = 2;
    static final int APPEND_ENTRIES = 3;
    static final int APPEND_ENTRIES_RESPONSE = 4;
    static final int INSTALL_SNAPSHOT = 5;
    static final int INSTALL_SNAPSHOT_RESPONSE = 6;

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
        } else if (m instanceof AppendEntriesResponse r) {
            return size + 1 + varintSize(r.index()) + varintSize(r.conflictTerm())
                    + varintSize(r.conflictIndex());
        } else if (m instanceof InstallSnapshot is) {
            SnapshotMeta s = is.snapshot();
            return size + varintSize(s.index()) + varintSize(s.term()) + varintSize(s.size()) + 4
                    + varintSize(is.offset()) + varintSize(is.data().length) + is.data().length;
        } else if (m instanceof InstallSnapshotResponse r) {
            return size + varintSize(r.snapshotIndex()) + varintSize(r.nextOffset()) + 1;
        }
        throw unknown(m);
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
        } else if (m instanceof AppendEntriesResponse r) {
            header(out, APPEND_ENTRIES_RESPONSE, m);
            out.write(r.success() ? 1 : 0);
            writeVarint(out, r.index());
            writeVarint(out, r.conflictTerm());
            writeVarint(out, r.conflictIndex());
        } else if (m instanceof InstallSnapshot is) {
            header(out, INSTALL_SNAPSHOT, m);
            SnapshotMeta s = is.snapshot();
            writeVarint(out, s.index());
            writeVarint(out, s.term());
            writeVarint(out, s.size());
            for (int shift = 0; shift < 32; shift += 8) {
                out.write(s.checksum() >>> shift);
            }
            writeVarint(out, is.offset());
            writeVarint(out, is.data().length);
            out.writeBytes(is.data());
        } else if (m instanceof InstallSnapshotResponse r) {
            header(out, INSTALL_SNAPSHOT_RESPONSE, m);
            writeVarint(out, r.snapshotIndex());
            writeVarint(out, r.nextOffset());
            out.write(r.installed() ? 1 : 0);
        } else {
            throw unknown(m);
        }
        return out.toByteArray();
    }

    /** A message type this encoding does not know: a new one must be added above, not guessed at. */
    private static IllegalArgumentException unknown(RaftMessage m) {
        return new IllegalArgumentException("CompactMessageSizes cannot encode " + m.getClass().getName());
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
