package io.kontiki.raft.server.client;

import static io.kontiki.raft.transport.netty.WireIO.readBytes;
import static io.kontiki.raft.transport.netty.WireIO.readEnum;
import static io.kontiki.raft.transport.netty.WireIO.readFlags;
import static io.kontiki.raft.transport.netty.WireIO.readNonNegative;
import static io.kontiki.raft.transport.netty.WireIO.readOptional;
import static io.kontiki.raft.transport.netty.WireIO.readOptionalInt;
import static io.kontiki.raft.transport.netty.WireIO.readString;
import static io.kontiki.raft.transport.netty.WireIO.writeBytes;
import static io.kontiki.raft.transport.netty.WireIO.writeNonNegative;
import static io.kontiki.raft.transport.netty.WireIO.writeOptional;
import static io.kontiki.raft.transport.netty.WireIO.writeString;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.server.kv.KvCommand;
import io.kontiki.raft.transport.netty.ProtocolException;
import io.kontiki.raft.transport.netty.WireIO;
import java.nio.charset.CharsetDecoder;
import java.util.function.Supplier;

/**
 * The hand-written serializers of the client messages (layouts in the package documentation).
 * Every length is checked against its bound and the bytes left before allocating; the records'
 * own checks run on read too (they are built through their constructors), and any violation is
 * a {@link ProtocolException}. The field encodings are the peer protocol's ({@link WireIO}). An
 * instance holds a charset decoder: one Kryo, one thread.
 */
final class ClientSerializers {

    /** The largest UTF-8 encoding of a response message or a role. */
    static final int MAX_STRING_BYTES = 1024;
    static final int HAS_VALUE = 0x01;
    static final int HAS_EXPECTED = 0x02;
    static final int EXPECT_ABSENT = 0x04;

    private static final ClientRequest.Op[] OPS = ClientRequest.Op.values();
    private static final ClientResponse.Status[] STATUSES = ClientResponse.Status.values();

    private ClientSerializers() {
    }

    /** Builds a record, turning its constructor's complaint into a protocol error. */
    private static <T> T build(String type, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            String m = String.valueOf(e.getMessage());
            throw new ProtocolException(m.startsWith(type) ? m : type + ": invalid: " + m);
        }
    }

    /** requestId, clientId, sequence, op, flags, key, [value], [expected]. */
    static final class ClientRequestSerializer extends Serializer<ClientRequest> {
        private static final String TYPE = "ClientRequest";
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        ClientRequestSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, ClientRequest r) {
            writeNonNegative(out, r.requestId(), TYPE, "requestId");
            out.writeLong(r.clientId());
            writeNonNegative(out, r.sequence(), TYPE, "sequence");
            out.writeByte(r.op().ordinal());
            out.writeByte((r.value() != null ? HAS_VALUE : 0) | (r.expected() != null ? HAS_EXPECTED : 0)
                    | (r.expectAbsent() ? EXPECT_ABSENT : 0));
            writeString(out, r.key(), KvCommand.MAX_KEY_BYTES, TYPE, "key");
            if (r.value() != null) {
                writeBytes(out, r.value(), KvCommand.MAX_VALUE_BYTES, TYPE, "value");
            }
            if (r.expected() != null) {
                writeBytes(out, r.expected(), KvCommand.MAX_VALUE_BYTES, TYPE, "expected");
            }
        }

        @Override
        public ClientRequest read(Kryo kryo, Input in, Class<? extends ClientRequest> type) {
            long requestId = readNonNegative(in, TYPE, "requestId");
            long clientId = in.readLong();
            long sequence = readNonNegative(in, TYPE, "sequence");
            ClientRequest.Op op = readEnum(in, OPS, TYPE, "op");
            int flags = readFlags(in, HAS_VALUE | HAS_EXPECTED | EXPECT_ABSENT, TYPE);
            String key = readString(in, KvCommand.MAX_KEY_BYTES, utf8, TYPE, "key");
            byte[] value = (flags & HAS_VALUE) != 0 ? readBytes(in, KvCommand.MAX_VALUE_BYTES, TYPE, "value") : null;
            byte[] expected = (flags & HAS_EXPECTED) != 0
                    ? readBytes(in, KvCommand.MAX_VALUE_BYTES, TYPE, "expected") : null;
            boolean expectAbsent = (flags & EXPECT_ABSENT) != 0;
            return build(TYPE, () -> new ClientRequest(requestId, clientId, sequence, op, key, value, expected,
                    expectAbsent));
        }
    }

    /** requestId, status, leaderHint, flags, [value], message. */
    static final class ClientResponseSerializer extends Serializer<ClientResponse> {
        private static final String TYPE = "ClientResponse";
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        ClientResponseSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, ClientResponse r) {
            writeNonNegative(out, r.requestId(), TYPE, "requestId");
            out.writeByte(r.status().ordinal());
            writeOptional(out, r.leaderHint(), TYPE, "leaderHint");
            out.writeByte(r.value() != null ? HAS_VALUE : 0);
            if (r.value() != null) {
                writeBytes(out, r.value(), KvCommand.MAX_VALUE_BYTES, TYPE, "value");
            }
            writeString(out, r.message(), MAX_STRING_BYTES, TYPE, "message");
        }

        @Override
        public ClientResponse read(Kryo kryo, Input in, Class<? extends ClientResponse> type) {
            long requestId = readNonNegative(in, TYPE, "requestId");
            ClientResponse.Status status = readEnum(in, STATUSES, TYPE, "status");
            int leaderHint = readOptionalInt(in, TYPE, "leaderHint");
            int flags = readFlags(in, HAS_VALUE, TYPE);
            byte[] value = (flags & HAS_VALUE) != 0 ? readBytes(in, KvCommand.MAX_VALUE_BYTES, TYPE, "value") : null;
            String message = readString(in, MAX_STRING_BYTES, utf8, TYPE, "message");
            return build(TYPE, () -> new ClientResponse(requestId, status, value, leaderHint, message));
        }
    }

    /**
     * requestId, nodeId, role, term, leaderId, commitIndex, appliedIndex, lastContactMillis,
     * snapshotIndex, logEntries, logBytes, snapshotBytes, digestIndex, digest (8 bytes).
     */
    static final class StatusResponseSerializer extends Serializer<StatusResponse> {
        private static final String TYPE = "StatusResponse";
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        StatusResponseSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, StatusResponse s) {
            writeNonNegative(out, s.requestId(), TYPE, "requestId");
            writeOptional(out, s.nodeId(), TYPE, "nodeId");
            writeString(out, s.role(), MAX_STRING_BYTES, TYPE, "role");
            writeNonNegative(out, s.term(), TYPE, "term");
            writeOptional(out, s.leaderId(), TYPE, "leaderId");
            writeNonNegative(out, s.commitIndex(), TYPE, "commitIndex");
            writeNonNegative(out, s.appliedIndex(), TYPE, "appliedIndex");
            writeOptional(out, s.lastContactMillis(), TYPE, "lastContactMillis");
            writeNonNegative(out, s.snapshotIndex(), TYPE, "snapshotIndex");
            writeNonNegative(out, s.logEntries(), TYPE, "logEntries");
            writeNonNegative(out, s.logBytes(), TYPE, "logBytes");
            writeNonNegative(out, s.snapshotBytes(), TYPE, "snapshotBytes");
            writeNonNegative(out, s.digestIndex(), TYPE, "digestIndex");
            out.writeLong(s.digest());
        }

        @Override
        public StatusResponse read(Kryo kryo, Input in, Class<? extends StatusResponse> type) {
            long requestId = readNonNegative(in, TYPE, "requestId");
            int nodeId = readOptionalInt(in, TYPE, "nodeId");
            String role = readString(in, MAX_STRING_BYTES, utf8, TYPE, "role");
            long term = readNonNegative(in, TYPE, "term");
            int leaderId = readOptionalInt(in, TYPE, "leaderId");
            long commitIndex = readNonNegative(in, TYPE, "commitIndex");
            long appliedIndex = readNonNegative(in, TYPE, "appliedIndex");
            long lastContactMillis = readOptional(in, TYPE, "lastContactMillis");
            long snapshotIndex = readNonNegative(in, TYPE, "snapshotIndex");
            long logEntries = readNonNegative(in, TYPE, "logEntries");
            long logBytes = readNonNegative(in, TYPE, "logBytes");
            long snapshotBytes = readNonNegative(in, TYPE, "snapshotBytes");
            long digestIndex = readNonNegative(in, TYPE, "digestIndex");
            if (io.kontiki.raft.transport.netty.WireIO.remaining(in) < 8) {
                throw new io.kontiki.raft.transport.netty.ProtocolException(TYPE + ": truncated digest");
            }
            long digest = in.readLong();
            return build(TYPE, () -> new StatusResponse(requestId, nodeId, role, term, leaderId, commitIndex,
                    appliedIndex, lastContactMillis, snapshotIndex, logEntries, logBytes, snapshotBytes, digestIndex,
                    digest));
        }
    }
}
