package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Raw frame bodies for hostile-input tests, written field by field as Kryo would. */
final class WireBody {

    private final Output out = new Output(64, -1);

    static WireBody classId(int id) {
        WireBody b = new WireBody();
        b.out.writeVarInt(id + 2, true);
        return b;
    }

    static WireBody raw(int... bytes) {
        return new WireBody().bytes(bytes);
    }

    WireBody bytes(int... bytes) {
        for (int x : bytes) {
            out.writeByte(x);
        }
        return this;
    }

    WireBody uvarint(int v) {
        out.writeVarInt(v, true);
        return this;
    }

    WireBody uvarlong(long v) {
        out.writeVarLong(v, true);
        return this;
    }

    WireBody zvarlong(long v) {
        out.writeVarLong(v, false);
        return this;
    }

    WireBody long8(long v) {
        out.writeLong(v);
        return this;
    }

    WireBody string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeVarInt(b.length, true);
        out.writeBytes(b);
        return this;
    }

    WireBody ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** A request header: id 1, client 42, sequence, op, flags. */
    static WireBody request(long sequence, int op, int flags) {
        return classId(ClientKryoRegistry.CLIENT_REQUEST_ID).uvarlong(1).long8(42).uvarlong(sequence).bytes(op, flags);
    }

    byte[] toBytes() {
        return out.toBytes();
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(toBytes());
    }
}
