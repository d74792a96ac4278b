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
 *
 * <p>Public for the serializers of other protocols spoken with the same codec (see
 * {@link WireRegistry}); a violation is always a {@link ProtocolException} with a one-line
 * message naming the type and the field.
 */
public final class WireIO {

    /** The smallest encoding of one log entry: term, index, type and data length, a byte each. */
    public static final int MIN_ENTRY_BYTES = 4;

    private WireIO() {
    }

    public static int remaining(Input in) {
        return in.limit() - in.position();
    }

    // ---- node ids: zigzag varint, so that -1 ("none") takes one byte ----

    public static int nodeId(int id, String type, String field) {
        return (int) optional(id, type, field);
    }

    public static int readNodeId(Input in, String type, String field) {
        return nodeId(in.readVarInt(false), type, field);
    }

    public static void writeNodeId(Output out, int id, String type, String field) {
        out.writeVarInt(nodeId(id, type, field), false);
    }

    // ---- terms, indexes, versions: unsigned varint ----

    public static long nonNegative(long value, String type, String field) {
        if (value < 0) {
            throw new ProtocolException(type + ": " + field + " " + value + " is negative");
        }
        return value;
    }

    public static long readNonNegative(Input in, String type, String field) {
        return nonNegative(in.readVarLong(true), type, field);
    }

    public static void writeNonNegative(Output out, long value, String type, String field) {
        out.writeVarLong(nonNegative(value, type, field), true);
    }

    public static int readNonNegativeInt(Input in, String type, String field) {
        return (int) nonNegative(in.readVarInt(true), type, field);
    }

    public static void writeNonNegativeInt(Output out, int value, String type, String field) {
        out.writeVarInt((int) nonNegative(value, type, field), true);
    }

    // ---- optional values: zigzag varlong, at least -1 ("none") ----

    public static long optional(long value, String type, String field) {
        if (value < -1) {
            throw new ProtocolException(type + ": " + field + " " + value + " is below -1");
        }
        return value;
    }

    public static long readOptional(Input in, String type, String field) {
        return optional(in.readVarLong(false), type, field);
    }

    public static void writeOptional(Output out, long value, String type, String field) {
        out.writeVarLong(optional(value, type, field), false);
    }

    /** {@link #readOptional}, for a value that must also fit in an int. */
    public static int readOptionalInt(Input in, String type, String field) {
        long value = readOptional(in, type, field);
        if (value > Integer.MAX_VALUE) {
            throw new ProtocolException(type + ": " + field + " " + value + " is not an int");
        }
        return (int) value;
    }

    // ---- enums and flags: one byte ----

    /** One byte, an index into {@code values}. */
    public static <E extends Enum<E>> E readEnum(Input in, E[] values, String type, String field) {
        int b = in.readByte() & 0xff;
        if (b >= values.length) {
            throw new ProtocolException(type + ": unknown " + field + " " + b);
        }
        return values[b];
    }

    /** One byte of flags; bits outside {@code allowed} are refused. */
    public static int readFlags(Input in, int allowed, String type) {
        int b = in.readByte() & 0xff;
        if ((b & ~allowed) != 0) {
            throw new ProtocolException(type + ": unknown flag bits 0x" + Integer.toHexString(b & ~allowed));
        }
        return b;
    }

    // ---- booleans: one byte, 0 or 1 ----

    public static boolean readBoolean(Input in, String type, String field) {
        byte b = in.readByte();
        if (b == 0) {
            return false;
        }
        if (b == 1) {
            return true;
        }
        throw new ProtocolException(type + ": " + field + " byte " + (b & 0xff) + " is neither 0 nor 1");
    }

    public static void writeBoolean(Output out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    // ---- lengths and counts: unsigned varint, bounded twice ----

    /**
     * Checks a length or count against its limit and against what the rest of the frame can
     * hold, given that each item takes at least {@code minBytesPerItem} bytes.
     */
    public static int length(long n, int limit, int remaining, int minBytesPerItem, String type, String what) {
        if (n < 0 || n > limit) {
            throw new ProtocolException(type + ": " + what + " " + n + " exceeds limit " + limit);
        }
        if (n * minBytesPerItem > remaining) {
            throw new ProtocolException(type + ": " + what + " " + n + " needs at least "
                    + n * minBytesPerItem + " bytes but the frame has " + remaining + " left");
        }
        return (int) n;
    }

    public static int readLength(Input in, int limit, int minBytesPerItem, String type, String what) {
        long n = Integer.toUnsignedLong(in.readVarInt(true));
        return length(n, limit, remaining(in), minBytesPerItem, type, what);
    }

    public static void writeLength(Output out, int n, int limit, String type, String what) {
        if (n < 0 || n > limit) {
            throw new ProtocolException(type + ": " + what + " " + n + " exceeds limit " + limit);
        }
        out.writeVarInt(n, true);
    }

    // ---- byte arrays: varint length, then the bytes ----

    public static byte[] readBytes(Input in, int limit, String type, String field) {
        return in.readBytes(readLength(in, limit, 1, type, field + " length"));
    }

    public static void writeBytes(Output out, byte[] bytes, int limit, String type, String field) {
        writeLength(out, bytes.length, limit, type, field + " length");
        out.writeBytes(bytes);
    }

    // ---- strings: varint byte length, then strict UTF-8 ----

    /** A decoder that rejects malformed UTF-8 instead of replacing it. Not thread-safe. */
    public static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    public static String readString(Input in, int limit, CharsetDecoder utf8, String type, String field) {
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

    public static void writeString(Output out, String s, int limit, String type, String field) {
        if (s == null) {
            throw new ProtocolException(type + ": " + field + " is null");
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(out, bytes.length, limit, type, field + " length");
        out.writeBytes(bytes);
    }
}
