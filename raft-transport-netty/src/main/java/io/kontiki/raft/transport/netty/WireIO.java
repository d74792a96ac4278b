package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings shared by the serializers, each with its checks. Every check is made on
 * both sides, so that a message the encoder accepts is one the decoder accepts: reading, it
 * guards the node against a hostile peer; writing, it keeps a local bug from costing a
 * connection.
 *
 * <p>Reading assumes the {@link Input} holds exactly one frame in memory (an array or a
 * buffer, not a stream): {@code limit - position} is then the number of bytes left in the
 * frame, and every length or count is checked against it before anything is allocated.
 */
final class WireIO {

    /** The smallest encoding of one log entry: term, index, type and data length, a byte each. */
    static final int MIN_ENTRY_BYTES = 4;

    private WireIO() {
    }

    static int remaining(Input in) {
        return in.limit() - in.position();
    }

    // ---- node ids: zigzag varint, so that -1 ("none") takes one byte ----

    static int nodeId(int id, String type, String field) {
        if (id < -1) {
            throw new ProtocolException(type + ": " + field + " " + id + " is below -1");
        }
        return id;
    }

    static int readNodeId(Input in, String type, String field) {
        return nodeId(in.readVarInt(false), type, field);
    }

    static void writeNodeId(Output out, int id, String type, String field) {
        out.writeVarInt(nodeId(id, type, field), false);
    }

    // ---- terms, indexes, versions: unsigned varint ----

    static long nonNegative(long value, String type, String field) {
        if (value < 0) {
            throw new ProtocolException(type + ": " + field + " " + value + " is negative");
        }
        return value;
    }

    static long readNonNegative(Input in, String type, String field) {
        return nonNegative(in.readVarLong(true), type, field);
    }

    static void writeNonNegative(Output out, long value, String type, String field) {
        out.writeVarLong(nonNegative(value, type, field), true);
    }

    static int readNonNegativeInt(Input in, String type, String field) {
        return (int) nonNegative(in.readVarInt(true), type, field);
    }

    static void writeNonNegativeInt(Output out, int value, String type, String field) {
        out.writeVarInt((int) nonNegative(value, type, field), true);
    }

    // ---- booleans: one byte, 0 or 1 ----

    static boolean readBoolean(Input in, String type, String field) {
        byte b = in.readByte();
        if (b == 0) {
            return false;
        }
        if (b == 1) {
            return true;
        }
        throw new ProtocolException(type + ": " + field + " byte " + (b & 0xff) + " is neither 0 nor 1");
    }

    static void writeBoolean(Output out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    // ---- lengths and counts: unsigned varint, bounded twice ----

    /**
     * Checks a length or count against its limit and against what the rest of the frame can
     * hold, given that each item takes at least {@code minBytesPerItem} bytes.
     */
    static int length(long n, int limit, int remaining, int minBytesPerItem, String type, String what) {
        if (n < 0 || n > limit) {
            throw new ProtocolException(type + ": " + what + " " + n + " exceeds limit " + limit);
        }
        if (n * minBytesPerItem > remaining) {
            throw new ProtocolException(type + ": " + what + " " + n + " needs at least "
                    + n * minBytesPerItem + " bytes but the frame has " + remaining + " left");
        }
        return (int) n;
    }

    static int readLength(Input in, int limit, int minBytesPerItem, String type, String what) {
        long n = Integer.toUnsignedLong(in.readVarInt(true));
        return length(n, limit, remaining(in), minBytesPerItem, type, what);
    }

    static void writeLength(Output out, int n, int limit, String type, String what) {
        if (n < 0 || n > limit) {
            throw new ProtocolException(type + ": " + what + " " + n + " exceeds limit " + limit);
        }
        out.writeVarInt(n, true);
    }

    // ---- strings: varint byte length, then strict UTF-8 ----

    /** A decoder that rejects malformed UTF-8 instead of replacing it. Not thread-safe. */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    static String readString(Input in, int limit, CharsetDecoder utf8, String type, String field) {
        int n = readLength(in, limit, 1, type, field + " length");
        if (n == 0) {
            return "";
        }
        byte[] bytes = in.readBytes(n);
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(type + ": " + field + " is not valid UTF-8");
        }
    }

    static void writeString(Output out, String s, int limit, String type, String field) {
        if (s == null) {
            throw new ProtocolException(type + ": " + field + " is null");
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(out, bytes.length, limit, type, field + " length");
        out.writeBytes(bytes);
    }
}
