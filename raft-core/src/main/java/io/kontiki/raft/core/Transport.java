package io.kontiki.raft.core;

import io.kontiki.raft.core.message.RaftMessage;

/**
 * The outbound half of the network, as the core sees it. The inbound half is the transport's
 * own business: it delivers arriving messages by calling {@link RaftNode#receive}.
 *
 * <p><b>Thread:</b> {@link #send} is called on the node's event loop. <b>Blocking:</b> never;
 * a transport that cannot send now drops the message (Raft retransmits) and counts the drop.
 * <b>Errors:</b> never throws; a message to an unknown or unreachable peer is dropped.
 */
@FunctionalInterface
public interface Transport {

    void send(RaftMessage message);
}
