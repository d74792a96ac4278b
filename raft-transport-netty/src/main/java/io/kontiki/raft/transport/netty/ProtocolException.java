package io.kontiki.raft.transport.netty;

/**
 * The bytes from a peer break the wire format: a frame too large, an unknown class ID, a count
 * larger than the frame could hold, a negative term, entries that are not consecutive, bytes
 * left over after a complete message, and so on. The message is one line saying what was
 * wrong, e.g. {@code AppendEntries: entry count 2147483647 exceeds limit 65536}.
 *
 * <p>On the receiving side it always ends the connection ({@link ProtocolErrorHandler}); the
 * peer reconnects and starts again with a handshake. On the sending side the encoder throws
 * it for a message the peer would reject, failing that write only.
 *
 * <p>It carries no stack trace: what went wrong is in the bytes, not in the code path, and a
 * peer sending garbage should cost little.
 */
public final class ProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message, null, false, false);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
