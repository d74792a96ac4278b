package io.kontiki.raft.server.client;

import java.util.concurrent.CompletableFuture;

/**
 * What {@link ClientServer} hands decoded requests to: the server's Raft-backed store.
 *
 * <p><b>Thread:</b> both methods are called on the client connection's event loop and must not
 * block (propose and return a future; read a published status). <b>Errors:</b> the server
 * turns an exception thrown by either method, a null, or a future completed exceptionally into
 * an ERROR response; implementations should not rely on it.
 */
public interface KvService {

    /**
     * Executes a request (never a STATUS one); the future completes, on any thread, with the
     * response to send, whose {@code requestId} must be the request's. Never completes
     * exceptionally.
     */
    CompletableFuture<ClientResponse> execute(ClientRequest request);

    /**
     * Snapshots this node's store now, for the SNAPSHOT op: the future completes (on any thread)
     * with OK naming the snapshot, or ERROR saying why not. Never completes exceptionally.
     */
    default CompletableFuture<ClientResponse> snapshot(long requestId) {
        return CompletableFuture.completedFuture(ClientResponse.error(requestId, "this node takes no snapshots"));
    }

    /** This node's status, for the STATUS op. Must not block. */
    StatusResponse status(long requestId);
}
