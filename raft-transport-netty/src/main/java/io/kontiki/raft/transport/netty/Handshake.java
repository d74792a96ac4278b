package io.kontiki.raft.transport.netty;

/**
 * The first frame on every connection, from the connecting node: who it is, which cluster it
 * belongs to and which protocol version it speaks. Its registration ID and layout never change,
 * so that nodes of different versions can refuse each other cleanly.
 *
 * @param version   the wire protocol version ({@link #PROTOCOL_VERSION})
 * @param clusterId the cluster's name; nodes of another cluster are refused
 * @param nodeId    the connecting node's id; an id the acceptor does not know is refused
 */
public record Handshake(int version, String clusterId, int nodeId) {

    /** The wire protocol this build speaks. */
    public static final int PROTOCOL_VERSION = 1;
}
