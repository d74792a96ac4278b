package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.KryoCodec;
import io.kontiki.raft.transport.netty.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Encodes one client message to one frame body and decodes one frame body to one message: the
 * serialization half of the client protocol, without the 4-byte length prefix. Usable without
 * Netty (benchmarks, tests):
 *
 * <pre>{@code
 * ClientCodec codec = new ClientCodec(ClientCodec.DEFAULT_MAX_FRAME_BYTES);
 * byte[] body = codec.encode(ClientRequest.get(1, 42, "k"));
 * ClientRequest back = (ClientRequest) codec.decode(body, 0, body.length);
 * }</pre>
 *
 * <p>raft-transport-netty's {@link KryoCodec} bound to {@link ClientKryoRegistry#REGISTRY}, with
 * the client port's frame limit: decoding checks everything (exactly one registered message
 * whose fields pass every check of its serializer and record, no byte left over; anything else
 * is a {@link ProtocolException} with a one-line message), and encoding runs the same checks.
 * <b>Not thread-safe:</b> one per channel or thread.
 */
public final class ClientCodec {

    /**
     * The default frame limit: 4 MiB, room for a CAS carrying two values of
     * {@link io.kontiki.raft.server.kv.KvCommand#MAX_VALUE_BYTES} and a key.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;
    /** The smallest frame limit accepted. */
    public static final int MIN_FRAME_BYTES = CodecLimits.MIN_FRAME_BYTES;

    private final KryoCodec codec;

    /** @param maxFrameBytes the largest frame, its 4-byte length prefix included */
    public ClientCodec(int maxFrameBytes) {
        this.codec = new KryoCodec(limits(maxFrameBytes), ClientKryoRegistry.REGISTRY);
    }

    /**
     * The codec limits of a client port whose frames are at most {@code maxFrameBytes}, length
     * prefix included (the client serializers bound their fields themselves).
     *
     * @throws IllegalArgumentException if {@code maxFrameBytes < MIN_FRAME_BYTES}
     */
    static CodecLimits limits(int maxFrameBytes) {
        return CodecLimits.withMaxFrameBytes(maxFrameBytes);
    }

    public int maxBodyBytes() {
        return codec.limits().maxBodyBytes();
    }

    /**
     * The frame body of {@code msg}, a fresh array.
     *
     * @throws IllegalArgumentException if {@code msg} is not a client message
     * @throws ProtocolException        if the peer would refuse it (a field out of bounds, a
     *                                  body above the frame limit)
     */
    public byte[] encode(Object msg) {
        return codec.encode(msg);
    }

    /**
     * Decodes the readable bytes of {@code frame}, heap or direct, into one message. Neither
     * releases the buffer nor moves its reader index.
     *
     * @throws ProtocolException if the bytes are not exactly one valid client message
     */
    public Object decode(ByteBuf frame) {
        return codec.decode(frame);
    }

    /**
     * Decodes {@code from[offset, offset + length)}; the message shares no bytes with the array.
     *
     * @throws ProtocolException if the bytes are not exactly one valid client message
     */
    public Object decode(byte[] from, int offset, int length) {
        return codec.decode(from, offset, length);
    }
}
