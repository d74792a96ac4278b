package io.kontiki.raft.transport.netty;

/**
 * Application-level liveness: a connecting node sends one when it has written nothing for a
 * while, the acceptor answers with {@link Pong}. A silent network partition does not close TCP
 * connections for many minutes; a connection that has read nothing for the idle timeout is
 * closed instead, and reconnected.
 */
public enum Ping {
    INSTANCE
}
