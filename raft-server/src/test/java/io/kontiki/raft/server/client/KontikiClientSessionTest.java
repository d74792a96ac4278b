package io.kontiki.raft.server.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose session the cluster expired: a write that cannot have been applied goes again
 * in a new session; one that may have been applied fails with its outcome unknown, never applied
 * twice.
 */
class KontikiClientSessionTest {

    private final ClientFixture fixture = new ClientFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aWriteRefusedForAnExpiredSessionGoesAgainInANewSession() {
        InMemoryKvService store = new InMemoryKvService(1);
        KontikiClient client = fixture.client(fixture.server(store).address());
        client.put("a", "1".getBytes(UTF_8));
        long firstSession = client.clientId();
        // The cluster dropped the session: the next write of the old session is refused, unapplied.
        store.override(r -> r.clientId() == firstSession && r.sequence() > 1
                ? CompletableFuture.completedFuture(ClientResponse.sessionExpired(r.requestId())) : null);

        client.put("b", "2".getBytes(UTF_8));

        assertNotEquals(firstSession, client.clientId(), "a new session");
        assertArrayEquals("2".getBytes(UTF_8), store.stored("b"));
        List<ClientRequest> sent = store.receivedFor("b");
        assertEquals(2, sent.size(), "refused once, then sent in the new session: " + sent);
        assertEquals(firstSession, sent.get(0).clientId());
        assertEquals(client.clientId(), sent.get(1).clientId());
        assertEquals(1, sent.get(1).sequence(), "the new session's first write");
        client.put("c", "3".getBytes(UTF_8));
        assertEquals(2, store.receivedFor("c").get(0).sequence());
    }

    @Test
    void aWriteThatMayHaveBeenAppliedBeforeTheSessionExpiredFailsWithItsOutcomeUnknown() {
        InMemoryKvService store = new InMemoryKvService(1);
        KontikiClient client = fixture.client(fixture.server(store).address());
        client.put("a", "1".getBytes(UTF_8));
        AtomicInteger attempts = new AtomicInteger();
        store.override(r -> {
            if (!r.key().equals("b")) {
                return null;
            }
            return CompletableFuture.completedFuture(attempts.getAndIncrement() == 0
                    ? ClientResponse.unknownOutcome(r.requestId(), "leader changed")
                    : ClientResponse.sessionExpired(r.requestId()));
        });

        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.put("b", "2".getBytes(UTF_8)));

        assertTrue(e.outcomeUnknown(), e.getMessage());
        assertTrue(e.getMessage().contains("session expired"), e.getMessage());
        assertEquals(2, attempts.get(), "not sent a third time");
    }

    @Test
    void aNewSessionsSecondWriteOvertakingItsFirstIsSentAgainInTheSameSession() {
        InMemoryKvService store = new InMemoryKvService(1);
        KontikiClient client = fixture.client(fixture.server(store).address());
        CompletableFuture<ClientResponse> held = new CompletableFuture<>();
        AtomicReference<ClientRequest> first = new AtomicReference<>();
        AtomicBoolean refused = new AtomicBoolean();
        // Sequence 1 is held back; sequence 2 arrives without a session and is refused, unapplied.
        store.override(r -> {
            if (r.sequence() == 1 && first.compareAndSet(null, r)) {
                return held;
            }
            if (r.sequence() == 2 && !held.isDone()) {
                refused.set(true);
                return CompletableFuture.completedFuture(ClientResponse.sessionExpired(r.requestId()));
            }
            return null;
        });
        long session = client.clientId();
        CompletableFuture<Void> x = client.putAsync("x", "1".getBytes(UTF_8));
        CompletableFuture<Void> y = client.putAsync("y", "2".getBytes(UTF_8));
        ClientFixture.within().until(refused::get);
        held.complete(store.apply(first.get()));

        x.join();
        y.join();
        assertEquals(session, client.clientId(), "no new session: the first write had not arrived yet");
        assertTrue(store.receivedFor("y").stream().allMatch(r -> r.clientId() == session && r.sequence() == 2));
        assertArrayEquals("2".getBytes(UTF_8), store.stored("y"));
    }
}
