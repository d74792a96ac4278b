package io.kontiki.raft.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kontiki.raft.server.kv.KvCommand;
import io.kontiki.raft.server.kv.KvResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests to commands (stamped) and results to responses. */
class KvMappingTest {

    @Test
    void everyCommandCarriesTheStampItWasGiven() {
        long now = 1_700_000_000_123L;
        List<ClientRequest> requests = List.of(ClientRequest.put(1, 7, 3, "k", new byte[] {1}),
                ClientRequest.get(2, 7, "k"), ClientRequest.delete(3, 7, 4, "k"),
                ClientRequest.cas(4, 7, 5, "k", null, new byte[] {2}));
        for (ClientRequest r : requests) {
            KvCommand c = KvMapping.toCommand(r, now);
            assertEquals(now, c.stampMillis(), r::toString);
            assertEquals(now, KvCommand.decode(c.encode()).stampMillis(), r::toString);
            assertEquals(r.clientId(), c.clientId());
            assertEquals(r.sequence(), c.sequence());
        }
        assertEquals(new KvCommand.Cas(7, 5, now, "k", null, new byte[] {2}), KvMapping.toCommand(requests.get(3), now));
        assertThrows(IllegalArgumentException.class, () -> KvMapping.toCommand(requests.get(0), -1));
        assertThrows(IllegalArgumentException.class, () -> KvMapping.toCommand(ClientRequest.status(5), now));
    }

    @Test
    void everyResultStatusHasAResponseStatus() {
        for (KvResult.Status status : KvResult.Status.values()) {
            ClientResponse r = KvMapping.toResponse(9, new KvResult(status, null, 1));
            assertEquals(status.name(), r.status().name());
            assertEquals(9, r.requestId());
        }
        assertEquals(ClientResponse.sessionExpired(9), KvMapping.toResponse(9,
                new KvResult(KvResult.Status.SESSION_EXPIRED, null, KvResult.UNKNOWN_INDEX)));
    }
}
