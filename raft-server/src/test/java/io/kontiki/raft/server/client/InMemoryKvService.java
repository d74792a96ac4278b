package io.kontiki.raft.server.client;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.server.kv.KvCommand;
import io.kontiki.raft.server.kv.KvResult;
import io.kontiki.raft.server.kv.KvStateMachine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link KvService} over a local {@link KvStateMachine}, without Raft: each request is
 * "committed" at once at the next index, through the real command encoding. An override can
 * answer instead (not the leader, unknown outcome, a held future) and fall back to the store by
 * returning null.
 */
final class InMemoryKvService implements KvService {

    final int nodeId;
    final List<ClientRequest> received = new CopyOnWriteArrayList<>();
    private final KvStateMachine store = new KvStateMachine((index, term, result) -> this.lastResult = result);
    private KvResult lastResult;
    private long index;
    private volatile Function<ClientRequest, CompletableFuture<ClientResponse>> override;

    InMemoryKvService(int nodeId) {
        this.nodeId = nodeId;
    }

    /** Answers with {@code f} first; a null from it means "let the store answer". */
    InMemoryKvService override(Function<ClientRequest, CompletableFuture<ClientResponse>> f) {
        this.override = f;
        return this;
    }

    @Override
    public CompletableFuture<ClientResponse> execute(ClientRequest request) {
        received.add(request);
        Function<ClientRequest, CompletableFuture<ClientResponse>> o = override;
        CompletableFuture<ClientResponse> answer = o == null ? null : o.apply(request);
        return answer != null ? answer : CompletableFuture.completedFuture(apply(request));
    }

    /** Commits and applies {@code request} now; the response the server would send. */
    synchronized ClientResponse apply(ClientRequest request) {
        KvCommand command = KvMapping.toCommand(request, 0);
        store.apply(LogEntry.command(1, ++index, command.encode()));
        return KvMapping.toResponse(request.requestId(), lastResult);
    }

    @Override
    public synchronized StatusResponse status(long requestId) {
        return new StatusResponse(requestId, nodeId, "LEADER", 1, nodeId, index, index, 0);
    }

    byte[] stored(String key) {
        return store.get(key);
    }

    synchronized long lastIndex() {
        return index;
    }

    /** The requests received for {@code key}. */
    List<ClientRequest> receivedFor(String key) {
        return received.stream().filter(r -> r.key().equals(key)).toList();
    }
}
