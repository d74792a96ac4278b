package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.transport.netty.WireIO.MIN_ENTRY_BYTES;
import static io.kontiki.raft.transport.netty.WireIO.readBoolean;
import static io.kontiki.raft.transport.netty.WireIO.readLength;
import static io.kontiki.raft.transport.netty.WireIO.readNodeId;
import static io.kontiki.raft.transport.netty.WireIO.readNonNegative;
import static io.kontiki.raft.transport.netty.WireIO.readNonNegativeInt;
import static io.kontiki.raft.transport.netty.WireIO.readString;
import static io.kontiki.raft.transport.netty.WireIO.remaining;
import static io.kontiki.raft.transport.netty.WireIO.writeBoolean;
import static io.kontiki.raft.transport.netty.WireIO.writeLength;
import static io.kontiki.raft.transport.netty.WireIO.writeNodeId;
import static io.kontiki.raft.transport.netty.WireIO.writeNonNegative;
import static io.kontiki.raft.transport.netty.WireIO.writeNonNegativeInt;
import static io.kontiki.raft.transport.netty.WireIO.writeString;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.nio.charset.CharsetDecoder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The hand-written Kryo serializers of the wire classes, one per class; the byte layouts are
 * drawn in this package's documentation. {@link RaftKryoRegistry#newKryo} registers a fresh
 * set of them in every Kryo it makes.
 *
 * <p>Each serializer checks on write what it checks on read and throws
 * {@link ProtocolException} for a violation. Reading expects an {@link Input} holding exactly
 * one frame in memory (see {@link KryoCodec}), never a stream. Serializers that decode strings
 * hold a charset decoder, so an instance belongs to one Kryo, which belongs to one thread.
 */
public final class WireSerializers {

    private WireSerializers() {
    }

    /** {@code "KNTK"}: the first bytes after a Handshake's class ID, naming the protocol. */
    static final byte[] HANDSHAKE_MAGIC = {'K', 'N', 'T', 'K'};

    /** Magic {@code KNTK}, version, cluster id, node id. */
    public static final class HandshakeSerializer extends Serializer<Handshake> {
        private static final String TYPE = "Handshake";
        private static final int MAGIC_INT = 0x4b4e544b;
        private final CodecLimits limits;
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        public HandshakeSerializer(CodecLimits limits) {
            super(false, true);
            this.limits = Objects.requireNonNull(limits, "limits");
        }

        @Override
        public void write(Kryo kryo, Output out, Handshake h) {
            out.writeBytes(HANDSHAKE_MAGIC);
            writeNonNegativeInt(out, h.version(), TYPE, "version");
            writeString(out, h.clusterId(), limits.maxStringBytes(), TYPE, "clusterId");
            writeNodeId(out, h.nodeId(), TYPE, "nodeId");
        }

        @Override
        public Handshake read(Kryo kryo, Input in, Class<? extends Handshake> type) {
            if (remaining(in) < HANDSHAKE_MAGIC.length) {
                throw new ProtocolException(TYPE + ": frame too short for the magic: not a Kontiki peer");
            }
            int magic = 0;
            for (int i = 0; i < HANDSHAKE_MAGIC.length; i++) {
                magic = magic << 8 | (in.readByte() & 0xff);
            }
            if (magic != MAGIC_INT) {
                throw new ProtocolException(TYPE + ": bad magic 0x" + String.format("%08x", magic)
                        + ", expected 0x4b4e544b (\"KNTK\"): not a Kontiki peer");
            }
            int version = readNonNegativeInt(in, TYPE, "version");
            String clusterId = readString(in, limits.maxStringBytes(), utf8, TYPE, "clusterId");
            int nodeId = readNodeId(in, TYPE, "nodeId");
            return new Handshake(version, clusterId, nodeId);
        }
    }

    /** Accepted (boolean byte), reason. */
    public static final class HandshakeReplySerializer extends Serializer<HandshakeReply> {
        private static final String TYPE = "HandshakeReply";
        private final CodecLimits limits;
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        public HandshakeReplySerializer(CodecLimits limits) {
            super(false, true);
            this.limits = Objects.requireNonNull(limits, "limits");
        }

        @Override
        public void write(Kryo kryo, Output out, HandshakeReply r) {
            writeBoolean(out, r.accepted());
            writeString(out, r.reason(), limits.maxStringBytes(), TYPE, "reason");
        }

        @Override
        public HandshakeReply read(Kryo kryo, Input in, Class<? extends HandshakeReply> type) {
            boolean accepted = readBoolean(in, TYPE, "accepted");
            String reason = readString(in, limits.maxStringBytes(), utf8, TYPE, "reason");
            return accepted && reason.isEmpty() ? HandshakeReply.ACCEPTED : new HandshakeReply(accepted, reason);
        }
    }

    /** No body: the class ID is the whole message. */
    public static final class PingSerializer extends Serializer<Ping> {
        public PingSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, Ping ping) {
        }

        @Override
        public Ping read(Kryo kryo, Input in, Class<? extends Ping> type) {
            return Ping.INSTANCE;
        }
    }

    /** No body: the class ID is the whole message. */
    public static final class PongSerializer extends Serializer<Pong> {
        public PongSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, Pong pong) {
        }

        @Override
        public Pong read(Kryo kryo, Input in, Class<? extends Pong> type) {
            return Pong.INSTANCE;
        }
    }

    /** from, to, term, lastLogIndex, lastLogTerm. */
    public static final class RequestVoteSerializer extends Serializer<RequestVote> {
        private static final String TYPE = "RequestVote";

        public RequestVoteSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, RequestVote m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            writeNonNegative(out, m.lastLogIndex(), TYPE, "lastLogIndex");
            writeNonNegative(out, m.lastLogTerm(), TYPE, "lastLogTerm");
        }

        @Override
        public RequestVote read(Kryo kryo, Input in, Class<? extends RequestVote> type) {
            return new RequestVote(readNodeId(in, TYPE, "from"), readNodeId(in, TYPE, "to"),
                    readNonNegative(in, TYPE, "term"), readNonNegative(in, TYPE, "lastLogIndex"),
                    readNonNegative(in, TYPE, "lastLogTerm"));
        }
    }

    /** from, to, term, granted. */
    public static final class RequestVoteResponseSerializer extends Serializer<RequestVoteResponse> {
        private static final String TYPE = "RequestVoteResponse";

        public RequestVoteResponseSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, RequestVoteResponse m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            writeBoolean(out, m.granted());
        }

        @Override
        public RequestVoteResponse read(Kryo kryo, Input in, Class<? extends RequestVoteResponse> type) {
            return new RequestVoteResponse(readNodeId(in, TYPE, "from"), readNodeId(in, TYPE, "to"),
                    readNonNegative(in, TYPE, "term"), readBoolean(in, TYPE, "granted"));
        }
    }

    /**
     * from, to, term, prevLogIndex, prevLogTerm, leaderCommit, entry count, then per entry:
     * term, index, type, data length, data.
     *
     * <p>Beyond the field checks, the entries must have the shape of a leader's log: indexes
     * consecutive from {@code prevLogIndex + 1}; terms at least 1, never decreasing, starting
     * at or above {@code prevLogTerm} and never above the message's term; a NOOP carries no
     * data. The core may assume all of it.
     */
    public static final class AppendEntriesSerializer extends Serializer<AppendEntries> {
        private static final String TYPE = "AppendEntries";
        private static final EntryType[] ENTRY_TYPES = EntryType.values();
        private static final byte[] NO_DATA = new byte[0];
        private final CodecLimits limits;

        public AppendEntriesSerializer(CodecLimits limits) {
            super(false, true);
            this.limits = Objects.requireNonNull(limits, "limits");
        }

        @Override
        public void write(Kryo kryo, Output out, AppendEntries m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            writeNonNegative(out, m.prevLogIndex(), TYPE, "prevLogIndex");
            writeNonNegative(out, m.prevLogTerm(), TYPE, "prevLogTerm");
            writeNonNegative(out, m.leaderCommit(), TYPE, "leaderCommit");
            List<LogEntry> entries = m.entries();
            int n = entries.size();
            writeLength(out, n, limits.maxEntriesPerMessage(), TYPE, "entry count");
            long previousTerm = m.prevLogTerm();
            for (int i = 0; i < n; i++) {
                LogEntry e = entries.get(i);
                checkEntry(m.term(), m.prevLogIndex(), previousTerm, i, e.term(), e.index(), e.type(), e.data().length);
                out.writeVarLong(e.term(), true);
                out.writeVarLong(e.index(), true);
                out.writeByte(e.type().ordinal());
                out.writeVarInt(e.data().length, true);
                out.writeBytes(e.data());
                previousTerm = e.term();
            }
        }

        @Override
        public AppendEntries read(Kryo kryo, Input in, Class<? extends AppendEntries> type) {
            int from = readNodeId(in, TYPE, "from");
            int to = readNodeId(in, TYPE, "to");
            long term = readNonNegative(in, TYPE, "term");
            long prevLogIndex = readNonNegative(in, TYPE, "prevLogIndex");
            long prevLogTerm = readNonNegative(in, TYPE, "prevLogTerm");
            long leaderCommit = readNonNegative(in, TYPE, "leaderCommit");
            int n = readLength(in, limits.maxEntriesPerMessage(), MIN_ENTRY_BYTES, TYPE, "entry count");
            if (n == 0) {
                return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, List.of(), leaderCommit);
            }
            LogEntry[] entries = new LogEntry[n];
            long previousTerm = prevLogTerm;
            for (int i = 0; i < n; i++) {
                long entryTerm = in.readVarLong(true);
                long entryIndex = in.readVarLong(true);
                int ordinal = in.readByte();
                if (ordinal < 0 || ordinal >= ENTRY_TYPES.length) {
                    throw new ProtocolException(TYPE + ": entry " + i + " has unknown type ordinal " + (ordinal & 0xff));
                }
                EntryType entryType = ENTRY_TYPES[ordinal];
                int length = readLength(in, limits.maxEntryBytes(), 1, TYPE, "entry " + i + " data length");
                checkEntry(term, prevLogIndex, previousTerm, i, entryTerm, entryIndex, entryType, length);
                byte[] data = length == 0 ? NO_DATA : in.readBytes(length);
                entries[i] = new LogEntry(entryTerm, entryIndex, entryType, data);
                previousTerm = entryTerm;
            }
            // AppendEntries copies this view once into its immutable list.
            return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, Arrays.asList(entries), leaderCommit);
        }

        private static void checkEntry(long term, long prevLogIndex, long previousTerm, int i,
                                       long entryTerm, long entryIndex, EntryType entryType, int length) {
            if (entryTerm < 1) {
                throw new ProtocolException(TYPE + ": entry " + i + " term " + entryTerm + " is below 1");
            }
            if (entryTerm > term) {
                throw new ProtocolException(TYPE + ": entry " + i + " term " + entryTerm
                        + " is above the message's term " + term);
            }
            if (entryTerm < previousTerm) {
                throw new ProtocolException(TYPE + ": entry " + i + " term " + entryTerm
                        + " is below the term before it, " + previousTerm);
            }
            if (entryIndex < 1) {
                throw new ProtocolException(TYPE + ": entry " + i + " index " + entryIndex + " is below 1");
            }
            // Overflow of prevLogIndex + 1 + i makes the comparison fail, as it should.
            if (entryIndex != prevLogIndex + 1 + i) {
                throw new ProtocolException(TYPE + ": entry " + i + " index " + entryIndex + " is not "
                        + (prevLogIndex + 1 + i) + ": entries must be consecutive from prevLogIndex + 1");
            }
            if (entryType == EntryType.NOOP && length != 0) {
                throw new ProtocolException(TYPE + ": NOOP entry " + i + " carries " + length + " bytes of data");
            }
        }
    }

    /** from, to, term, success, index, conflictTerm, conflictIndex. */
    public static final class AppendEntriesResponseSerializer extends Serializer<AppendEntriesResponse> {
        private static final String TYPE = "AppendEntriesResponse";

        public AppendEntriesResponseSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, AppendEntriesResponse m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            writeBoolean(out, m.success());
            writeNonNegative(out, m.index(), TYPE, "index");
            writeNonNegative(out, m.conflictTerm(), TYPE, "conflictTerm");
            writeNonNegative(out, m.conflictIndex(), TYPE, "conflictIndex");
        }

        @Override
        public AppendEntriesResponse read(Kryo kryo, Input in, Class<? extends AppendEntriesResponse> type) {
            return new AppendEntriesResponse(readNodeId(in, TYPE, "from"), readNodeId(in, TYPE, "to"),
                    readNonNegative(in, TYPE, "term"), readBoolean(in, TYPE, "success"),
                    readNonNegative(in, TYPE, "index"), readNonNegative(in, TYPE, "conflictTerm"),
                    readNonNegative(in, TYPE, "conflictIndex"));
        }
    }

    /**
     * from, to, term, snapshot index, snapshot term, snapshot size, snapshot checksum (4 bytes,
     * little-endian, as Kryo writes an int), offset, data length, data.
     *
     * <p>Beyond the field checks, the chunk must be one a leader could send: a snapshot at index
     * 1 or above, whose term is at least 1 and not above the message's term; at most
     * {@link CodecLimits#maxEntryBytes()} of data, lying inside the snapshot's bytes
     * ({@code offset + length <= size}; an empty chunk at offset {@code size} is a last chunk,
     * and the only chunk of an empty snapshot). The core may assume all of it.
     */
    public static final class InstallSnapshotSerializer extends Serializer<InstallSnapshot> {
        private static final String TYPE = "InstallSnapshot";
        private static final byte[] NO_DATA = new byte[0];
        private final CodecLimits limits;

        public InstallSnapshotSerializer(CodecLimits limits) {
            super(false, true);
            this.limits = Objects.requireNonNull(limits, "limits");
        }

        @Override
        public void write(Kryo kryo, Output out, InstallSnapshot m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            SnapshotMeta snapshot = m.snapshot();
            checkSnapshot(m.term(), snapshot.index(), snapshot.term());
            out.writeVarLong(snapshot.index(), true);
            out.writeVarLong(snapshot.term(), true);
            writeNonNegative(out, snapshot.size(), TYPE, "snapshot size");
            out.writeInt(snapshot.checksum());
            writeNonNegative(out, m.offset(), TYPE, "offset");
            writeLength(out, m.data().length, limits.maxEntryBytes(), TYPE, "data length");
            checkChunk(snapshot.size(), m.offset(), m.data().length);
            out.writeBytes(m.data());
        }

        @Override
        public InstallSnapshot read(Kryo kryo, Input in, Class<? extends InstallSnapshot> type) {
            int from = readNodeId(in, TYPE, "from");
            int to = readNodeId(in, TYPE, "to");
            long term = readNonNegative(in, TYPE, "term");
            long index = in.readVarLong(true);
            long snapshotTerm = in.readVarLong(true);
            checkSnapshot(term, index, snapshotTerm);
            long size = readNonNegative(in, TYPE, "snapshot size");
            int checksum = in.readInt();
            long offset = readNonNegative(in, TYPE, "offset");
            int length = readLength(in, limits.maxEntryBytes(), 1, TYPE, "data length");
            checkChunk(size, offset, length);
            byte[] data = length == 0 ? NO_DATA : in.readBytes(length);
            return new InstallSnapshot(from, to, term, new SnapshotMeta(index, snapshotTerm, size, checksum), offset,
                    data);
        }

        private static void checkSnapshot(long term, long index, long snapshotTerm) {
            if (index < 1) {
                throw new ProtocolException(TYPE + ": snapshot index " + index + " is below 1");
            }
            if (snapshotTerm < 1) {
                throw new ProtocolException(TYPE + ": snapshot term " + snapshotTerm + " is below 1");
            }
            if (snapshotTerm > term) {
                throw new ProtocolException(TYPE + ": snapshot term " + snapshotTerm
                        + " is above the message's term " + term);
            }
        }

        /** {@code offset + length <= size}, written so that it cannot overflow ({@code size, offset, length >= 0}). */
        private static void checkChunk(long size, long offset, int length) {
            if (offset > size - length) {
                throw new ProtocolException(TYPE + ": a chunk of " + length + " bytes at offset " + offset
                        + " ends past the snapshot's size " + size);
            }
        }
    }

    /** from, to, term, snapshotIndex, nextOffset, installed. */
    public static final class InstallSnapshotResponseSerializer extends Serializer<InstallSnapshotResponse> {
        private static final String TYPE = "InstallSnapshotResponse";

        public InstallSnapshotResponseSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, InstallSnapshotResponse m) {
            writeNodeId(out, m.from(), TYPE, "from");
            writeNodeId(out, m.to(), TYPE, "to");
            writeNonNegative(out, m.term(), TYPE, "term");
            out.writeVarLong(checkSnapshotIndex(m.snapshotIndex()), true);
            writeNonNegative(out, m.nextOffset(), TYPE, "nextOffset");
            writeBoolean(out, m.installed());
        }

        @Override
        public InstallSnapshotResponse read(Kryo kryo, Input in, Class<? extends InstallSnapshotResponse> type) {
            return new InstallSnapshotResponse(readNodeId(in, TYPE, "from"), readNodeId(in, TYPE, "to"),
                    readNonNegative(in, TYPE, "term"), checkSnapshotIndex(in.readVarLong(true)),
                    readNonNegative(in, TYPE, "nextOffset"), readBoolean(in, TYPE, "installed"));
        }

        private static long checkSnapshotIndex(long snapshotIndex) {
            if (snapshotIndex < 1) {
                throw new ProtocolException(TYPE + ": snapshotIndex " + snapshotIndex + " is below 1");
            }
            return snapshotIndex;
        }
    }
}
