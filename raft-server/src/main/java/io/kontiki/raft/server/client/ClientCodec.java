package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.ProtocolException;
import io.kontiki.raft.transport.netty.WireCodec;
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
 * <p>Decoding checks everything: exactly one registered message whose fields pass every check
 * of its serializer and record, no byte left over; anything else is a
 * {@link ProtocolException} with a one-line message. Encoding runs the same checks, so what one
 * codec encodes another decodes. <b>Not thread-safe:</b> one per channel or thread.
 *
 * <p>(The counterpart of raft-transport-netty's {@code KryoCodec}, which is bound to the peer
 * registry.)
 */
public final class ClientCodec {

    /**
     * The default frame limit: 4 MiB, room for a CAS carrying two values of
     * {@link io.kontiki.raft.server.kv.KvCommand#MAX_VALUE_BYTES} and a key.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;
    /** The smallest frame limit accepted. */
    public static final int MIN_FRAME_BYTES = CodecLimits.MIN_FRAME_BYTES;

    private static final int INITIAL_BUFFER_BYTES = 4096;
    /** Buffers grown past this for one large message are dropped afterwards, not kept per channel. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final int maxBodyBytes;
    private final Kryo kryo = ClientKryoRegistry.newKryo();
    private final Input input = new Input();
    private Output output;
    private byte[] scratch = new byte[INITIAL_BUFFER_BYTES];

    /** @param maxFrameBytes the largest frame, its 4-byte length prefix included */
    public ClientCodec(int maxFrameBytes) {
        if (maxFrameBytes < MIN_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + MIN_FRAME_BYTES + ": " + maxFrameBytes);
        }
        this.maxBodyBytes = maxFrameBytes - WireCodec.LENGTH_PREFIX_BYTES;
        this.output = newOutput();
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The frame body of {@code msg}, a fresh array; throws as {@link #encodeToBuffer}. */
    public byte[] encode(Object msg) {
        int n = encodeToBuffer(msg);
        byte[] out = new byte[n];
        System.arraycopy(output.getBuffer(), 0, out, 0, n);
        return out;
    }

    /**
     * Encodes into the codec's own buffer ({@link #encodedBytes()}, valid until the next call)
     * and returns the length.
     *
     * @throws IllegalArgumentException if {@code msg} is not a client message
     * @throws ProtocolException        if the peer would refuse it (a field out of bounds, a
     *                                  body above the frame limit)
     */
    int encodeToBuffer(Object msg) {
        if (msg == null || !ClientKryoRegistry.isWireClass(msg.getClass())) {
            throw new IllegalArgumentException("not a client message: " + (msg == null ? "null" : msg.getClass().getName()));
        }
        if (output.getBuffer().length > RETAINED_BUFFER_BYTES) {
            output = newOutput();
        }
        output.reset();
        try {
            kryo.writeClassAndObject(output, msg);
        } catch (KryoBufferOverflowException e) {
            throw new ProtocolException(msg.getClass().getSimpleName() + ": encoding exceeds the frame body limit of "
                    + maxBodyBytes + " bytes");
        }
        return output.position();
    }

    byte[] encodedBytes() {
        return output.getBuffer();
    }

    /**
     * Decodes the readable bytes of {@code frame}, heap or direct, into one message. Neither
     * releases the buffer nor moves its reader index.
     *
     * @throws ProtocolException if the bytes are not exactly one valid client message
     */
    public Object decode(ByteBuf frame) {
        int length = frame.readableBytes();
        if (frame.hasArray()) {
            return decode(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        }
        checkLength(length);
        byte[] copy = scratch.length >= length ? scratch : new byte[length];
        frame.getBytes(frame.readerIndex(), copy, 0, length);
        if (copy.length <= RETAINED_BUFFER_BYTES) {
            scratch = copy;
        }
        return decode(copy, 0, length);
    }

    /**
     * Decodes {@code from[offset, offset + length)}; the message shares no bytes with the array.
     *
     * @throws ProtocolException if the bytes are not exactly one valid client message
     */
    public Object decode(byte[] from, int offset, int length) {
        checkLength(length);
        try {
            input.setBuffer(from, offset, length);
            Object msg = kryo.readClassAndObject(input);
            int trailing = offset + length - input.position();
            if (trailing != 0) {
                throw new ProtocolException(msg.getClass().getSimpleName() + ": " + trailing
                        + " trailing bytes after a complete message");
            }
            return msg;
        } catch (ProtocolException e) {
            throw e;
        } catch (KryoBufferUnderflowException e) {
            throw new ProtocolException(frameType(from, offset) + ": truncated: the " + length
                    + "-byte frame ends inside a field");
        } catch (KryoException | IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new ProtocolException(frameType(from, offset) + ": malformed: " + firstLine(e.getMessage()), e);
        } finally {
            input.setBuffer(NO_BYTES);
        }
    }

    private void checkLength(int length) {
        if (length > maxBodyBytes) {
            throw new ProtocolException("frame body of " + length + " bytes exceeds limit " + maxBodyBytes);
        }
        if (length == 0) {
            throw new ProtocolException("empty frame");
        }
    }

    private Output newOutput() {
        return new Output(Math.min(INITIAL_BUFFER_BYTES, maxBodyBytes), maxBodyBytes);
    }

    private static String frameType(byte[] from, int offset) {
        int first = from[offset];
        return first >= 2 ? ClientKryoRegistry.nameOf(first - 2L) : "frame";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
