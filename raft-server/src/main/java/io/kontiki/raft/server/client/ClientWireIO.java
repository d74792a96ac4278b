package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.transport.netty.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings of the client protocol, each checked on read and on write alike, as in
 * the peer protocol: a violation is a {@link ProtocolException} with a one-line message. Reading
 * assumes the {@link Input} holds exactly one frame in memory, so {@code limit - position} is
 * what is left of the frame, and every length is checked against it before allocating.
 *
 * <p>(An equivalent of raft-transport-netty's package-private {@code WireIO}, for the three
 * client messages only; it goes once {@code WireIO} is public.)
 */
final class ClientWireIO {

    private ClientWireIO() {
    }

    static int remaining(Input in) {
        return in.limit() - in.position();
    }

    static long readUnsigned(Input in, String type, String field) {
        return unsigned(in.readVarLong(true), type, field);
    }

    static void writeUnsigned(Output out, long v, String type, String field) {
        out.writeVarLong(unsigned(v, type, field), true);
    }

    private static long unsigned(long v, String type, String field) {
        if (v < 0) {
            throw new ProtocolException(type + ": " + field + " " + v + " is negative");
        }
        return v;
    }

    /** A zigzag varint at least -1 (-1 meaning "none"). */
    static long readOptional(Input in, String type, String field) {
        return optional(in.readVarLong(false), type, field);
    }

    static void writeOptional(Output out, long v, String type, String field) {
        out.writeVarLong(optional(v, type, field), false);
    }

    static int readOptionalInt(Input in, String type, String field) {
        long v = readOptional(in, type, field);
        if (v > Integer.MAX_VALUE) {
            throw new ProtocolException(type + ": " + field + " " + v + " is not an int");
        }
        return (int) v;
    }

    private static long optional(long v, String type, String field) {
        if (v < -1) {
            throw new ProtocolException(type + ": " + field + " " + v + " is below -1");
        }
        return v;
    }

    /** One byte, an index into {@code values}. */
    static <E extends Enum<E>> E readEnum(Input in, E[] values, String type, String field) {
        int b = in.readByte() & 0xff;
        if (b >= values.length) {
            throw new ProtocolException(type + ": unknown " + field + " " + b);
        }
        return values[b];
    }

    /** One byte of flags; bits outside {@code allowed} are refused. */
    static int readFlags(Input in, int allowed, String type) {
        int b = in.readByte() & 0xff;
        if ((b & ~allowed) != 0) {
            throw new ProtocolException(type + ": unknown flag bits 0x" + Integer.toHexString(b & ~allowed));
        }
        return b;
    }

    /** A length: unsigned varint, at most {@code limit} and at most what the frame has left. */
    static int readLength(Input in, int limit, String type, String field) {
        long n = Integer.toUnsignedLong(in.readVarInt(true));
        if (n > limit) {
            throw new ProtocolException(type + ": " + field + " length " + n + " exceeds limit " + limit);
        }
        if (n > remaining(in)) {
            throw new ProtocolException(type + ": " + field + " length " + n + " needs " + n
                    + " bytes but the frame has " + remaining(in) + " left");
        }
        return (int) n;
    }

    static byte[] readBytes(Input in, int limit, String type, String field) {
        return in.readBytes(readLength(in, limit, type, field));
    }

    static void writeBytes(Output out, byte[] bytes, int limit, String type, String field) {
        if (bytes.length > limit) {
            throw new ProtocolException(type + ": " + field + " length " + bytes.length + " exceeds limit " + limit);
        }
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    /** A decoder refusing malformed UTF-8. Not thread-safe: one per serializer. */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    static String readString(Input in, int limit, CharsetDecoder utf8, String type, String field) {
        byte[] bytes = readBytes(in, limit, type, field);
        if (bytes.length == 0) {
            return "";
        }
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(type + ": " + field + " is not valid UTF-8");
        }
    }

    static void writeString(Output out, String s, int limit, String type, String field) {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8), limit, type, field);
    }
}
