package io.kontiki.raft.transport.netty;

/**
 * The acceptor's answer to a {@link Handshake}. A refusal carries a one-line reason and is
 * followed by the acceptor closing the connection.
 */
public record HandshakeReply(boolean accepted, String reason) {

    public static final HandshakeReply ACCEPTED = new HandshakeReply(true, "");
}
