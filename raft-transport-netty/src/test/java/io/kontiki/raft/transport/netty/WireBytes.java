package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds frame bodies and frames byte by byte, hostile ones included. */
final class WireBytes {

    private final Output out = new Output(64, -1);

    static WireBytes body() {
        return new WireBytes();
    }

    /** A class ID as Kryo writes it: varint of ID + 2. */
    WireBytes classId(int id) {
        out.writeVarInt(id + 2, true);
        return this;
    }

    WireBytes varInt(int v) {
        out.writeVarInt(v, true);
        return this;
    }

    /** A zigzag varint, as node ids are written. */
    WireBytes nodeId(int v) {
        out.writeVarInt(v, false);
        return this;
    }

    WireBytes varLong(long v) {
        out.writeVarLong(v, true);
        return this;
    }

    WireBytes bytes(int... bytes) {
        for (int b : bytes) {
            out.writeByte(b);
        }
        return this;
    }

    WireBytes bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    WireBytes ascii(String s) {
        return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A string as the wire writes it: varint byte length, UTF-8 bytes. */
    WireBytes string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return varInt(b.length).bytes(b);
    }

    /** Handshake's fixed magic. */
    WireBytes magic() {
        return ascii("KNTK");
    }

    byte[] toBytes() {
        return Arrays.copyOf(out.getBuffer(), out.position());
    }

    /** This body behind a correct length prefix, in a pooled heap buffer. */
    ByteBuf frame() {
        return frame(toBytes());
    }

    static ByteBuf frame(byte[] body) {
        return frameWithPrefix(body.length, body);
    }

    /** {@code body} behind the given 4-byte prefix (any 32 bits), in a pooled heap buffer. */
    static ByteBuf frameWithPrefix(long prefix, byte[] body) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(4 + body.length);
        buf.writeInt((int) prefix).writeBytes(body);
        return buf;
    }
}
