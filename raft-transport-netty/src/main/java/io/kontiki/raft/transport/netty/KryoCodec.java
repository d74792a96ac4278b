package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Encodes one wire message to one frame body and decodes one frame body to one message: the
 * serialization half of the wire format, without framing (the 4-byte length prefix is Netty's
 * {@code LengthFieldPrepender} / {@code LengthFieldBasedFrameDecoder}, see {@link WireCodec}).
 * The Netty handlers use it, and so can a benchmark or a test, standalone:
 *
 * <pre>{@code
 * KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
 * byte[] body = new byte[256];
 * int n = codec.encode(new RequestVote(1, 2, 3, 10, 2), body);
 * RequestVote back = (RequestVote) codec.decode(body, n);
 * }</pre>
 * (compiled and run as {@code KryoCodecTest.standaloneUsageFromTheDocumentationWorks}).
 *
 * <p>Decoding checks everything: a frame must hold exactly one registered message whose
 * fields pass every check of {@link WireSerializers}, with no byte left over; anything else
 * is a {@link ProtocolException}. Encoding runs the same checks, so what one codec encodes
 * another decodes.
 *
 * <p><b>Not thread-safe:</b> a codec owns a {@link Kryo} and reusable buffers; use one per
 * channel or per thread. After warm-up, encoding and decoding allocate nothing but the decoded
 * message itself (and, for a direct buffer larger than any before, a larger scratch array).
 */
public final class KryoCodec {

    private static final int INITIAL_BUFFER_BYTES = 4096;
    /** A buffer grown past this for one huge message is dropped afterwards rather than kept. */
    private static final int RETAINED_BUFFER_BYTES = 1 << 20;
    private static final byte[] NO_BYTES = new byte[0];

    private final CodecLimits limits;
    private final WireRegistry registry;
    private final Kryo kryo;
    private final Input input = new Input();
    /** Wraps the caller's array in {@link #encode(Object, byte[])}. */
    private final Output arrayOutput = new Output();
    /** The codec's own output, grown up to one frame body. */
    private Output output;
    /** A copy of the current frame when it is not backed by an array (direct buffers). */
    private byte[] scratch;

    /** A codec for the peer protocol ({@link RaftKryoRegistry}). */
    public KryoCodec(CodecLimits limits) {
        this(limits, RaftKryoRegistry.REGISTRY);
    }

    /** A codec for the protocol of {@code registry}: its wire classes, serializers and IDs. */
    public KryoCodec(CodecLimits limits, WireRegistry registry) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.kryo = registry.newKryo(limits);
        this.output = newOutput();
        this.scratch = new byte[Math.min(INITIAL_BUFFER_BYTES, limits.maxBodyBytes())];
    }

    public CodecLimits limits() {
        return limits;
    }

    /**
     * Encodes {@code msg} into {@code into}, starting at index 0, and returns the number of
     * bytes written: the frame body, without the length prefix.
     *
     * @throws IllegalArgumentException if {@code msg} is not a wire message or does not fit in
     *                                  {@code into}
     * @throws ProtocolException        if the peer would reject {@code msg}: a field out of
     *                                  range, a limit exceeded, a body above
     *                                  {@link CodecLimits#maxBodyBytes()}
     */
    public int encode(Object msg, byte[] into) {
        int n;
        arrayOutput.setBuffer(into, into.length);
        try {
            write(arrayOutput, msg);
            n = arrayOutput.position();
        } catch (KryoBufferOverflowException e) {
            if (into.length < limits.maxBodyBytes()) {
                throw new IllegalArgumentException(typeName(msg) + " does not fit in " + into.length + " bytes");
            }
            throw tooLarge(msg);
        } finally {
            arrayOutput.setBuffer(NO_BYTES, 0);
        }
        if (n > limits.maxBodyBytes()) {
            throw tooLarge(msg);
        }
        return n;
    }

    /** The frame body of {@code msg}, in a fresh array of its exact size; throws as {@link #encode(Object, byte[])}. */
    public byte[] encode(Object msg) {
        int n = encodeToBuffer(msg);
        byte[] body = new byte[n];
        System.arraycopy(output.getBuffer(), 0, body, 0, n);
        return body;
    }

    /** Encodes {@code msg} and writes the frame body to {@code out}; throws as {@link #encode(Object, byte[])}. */
    public void encode(Object msg, ByteBuf out) {
        int n = encodeToBuffer(msg);
        out.writeBytes(output.getBuffer(), 0, n);
    }

    /**
     * Encodes into the codec's own buffer, {@link #encodedBytes()}, valid until the next call;
     * returns the length.
     */
    int encodeToBuffer(Object msg) {
        if (output.getBuffer().length > RETAINED_BUFFER_BYTES) {
            output = newOutput();
        }
        output.reset();
        try {
            write(output, msg);
        } catch (KryoBufferOverflowException e) {
            throw tooLarge(msg);
        }
        return output.position();
    }

    byte[] encodedBytes() {
        return output.getBuffer();
    }

    /** Decodes the frame body in {@code from[0, length)}; see {@link #decode(byte[], int, int)}. */
    public Object decode(byte[] from, int length) {
        return decode(from, 0, length);
    }

    /**
     * Decodes the frame body {@code from[offset, offset + length)} into one message. The array
     * is not kept: the message shares no bytes with it.
     *
     * @throws ProtocolException if the bytes are not exactly one valid wire message
     */
    public Object decode(byte[] from, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, from.length);
        if (length > limits.maxBodyBytes()) {
            throw new ProtocolException("frame body of " + length + " bytes exceeds limit " + limits.maxBodyBytes());
        }
        if (length == 0) {
            throw new ProtocolException("empty frame");
        }
        try {
            input.setBuffer(from, offset, length);
            Object msg = kryo.readClassAndObject(input);
            int trailing = offset + length - input.position();
            if (trailing != 0) {
                throw new ProtocolException(typeName(msg) + ": " + trailing + " trailing bytes after a complete message");
            }
            return msg;
        } catch (ProtocolException e) {
            throw e;
        } catch (KryoBufferUnderflowException e) {
            throw new ProtocolException(frameType(from, offset) + ": truncated: the " + length
                    + "-byte frame ends inside a field");
        } catch (KryoException e) {
            throw new ProtocolException(frameType(from, offset) + ": malformed: " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ProtocolException(frameType(from, offset) + ": invalid: " + e.getClass().getSimpleName()
                    + ": " + firstLine(e.getMessage()), e);
        } finally {
            input.setBuffer(NO_BYTES);
        }
    }

    /**
     * Decodes the readable bytes of {@code frame}, heap or direct, into one message. Neither
     * releases the buffer nor moves its reader index.
     *
     * @throws ProtocolException if the bytes are not exactly one valid wire message
     */
    public Object decode(ByteBuf frame) {
        int length = frame.readableBytes();
        if (frame.hasArray()) {
            return decode(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        }
        if (length > limits.maxBodyBytes()) {
            throw new ProtocolException("frame body of " + length + " bytes exceeds limit " + limits.maxBodyBytes());
        }
        byte[] copy = scratch.length >= length ? scratch : new byte[length];
        frame.getBytes(frame.readerIndex(), copy, 0, length);
        if (copy != scratch && length <= RETAINED_BUFFER_BYTES) {
            scratch = copy;
        }
        return decode(copy, 0, length);
    }

    private void write(Output out, Object msg) {
        if (msg == null) {
            throw new IllegalArgumentException("null message");
        }
        if (!registry.isWireClass(msg.getClass())) {
            throw new IllegalArgumentException("not a wire message: " + msg.getClass().getName());
        }
        kryo.writeClassAndObject(out, msg);
    }

    private Output newOutput() {
        int max = limits.maxBodyBytes();
        return new Output(Math.min(INITIAL_BUFFER_BYTES, max), max);
    }

    private ProtocolException tooLarge(Object msg) {
        return new ProtocolException(typeName(msg) + ": encoding exceeds the frame body limit of "
                + limits.maxBodyBytes() + " bytes");
    }

    private static String typeName(Object msg) {
        return msg == null ? "null" : msg.getClass().getSimpleName();
    }

    /** The message type named by a frame's first byte, for error messages. */
    private String frameType(byte[] from, int offset) {
        int first = from[offset];
        return first >= 2 ? registry.nameOf(first - 2L) : "frame";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
