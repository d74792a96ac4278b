package io.kontiki.raft.transport.netty;

/** The answer to a {@link Ping}. */
public enum Pong {
    INSTANCE
}
