package io.kontiki.raft.server.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link KontikiClient} finds the leader and retries: NOT_LEADER hints followed, unknown
 * hints and dead servers answered by trying the next address, UNKNOWN_OUTCOME retried with the
 * same sequence and reported as unknown (never as failed) at the timeout, ERROR surfaced at once.
 */
class KontikiClientRetryTest {

    private final ClientFixture fixture = new ClientFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static InMemoryKvService follower(int id, int leaderHint) {
        return new InMemoryKvService(id).override(r -> CompletableFuture.completedFuture(
                ClientResponse.notLeader(r.requestId(), leaderHint)));
    }

    @Test
    void notLeaderHintsAreFollowedStraightToTheLeaderAndRemembered() {
        InMemoryKvService one = follower(1, 3);
        InMemoryKvService two = follower(2, 3);
        InMemoryKvService three = new InMemoryKvService(3);
        InetSocketAddress a1 = fixture.server(one).address();
        InetSocketAddress a2 = fixture.server(two).address();
        InetSocketAddress a3 = fixture.server(three).address();
        KontikiClient client = fixture.client(List.of(a1, a2, a3),
                ClientFixture.fastOptions().withNodeAddresses(Map.of(1, a1, 2, a2, 3, a3)));

        client.put("k", b("v"));
        assertArrayEquals(b("v"), client.get("k"));
        assertTrue(client.delete("k"));

        assertEquals(1, one.received.size(), "only the first request went to node 1");
        assertEquals(0, two.received.size(), "the hint skipped node 2");
        assertEquals(3, three.received.size());
        assertEquals(one.received.get(0).sequence(), three.received.get(0).sequence(), "a redirect is the same write");
    }

    @Test
    void aHintWithoutAKnownAddressRotatesThroughTheList() {
        InMemoryKvService one = follower(1, 9);
        InMemoryKvService two = follower(2, ClientResponse.NO_LEADER);
        InMemoryKvService three = new InMemoryKvService(3);
        KontikiClient client = fixture.client(fixture.server(one).address(), fixture.server(two).address(),
                fixture.server(three).address());
        client.put("k", b("v"));
        assertArrayEquals(b("v"), three.stored("k"));
        assertEquals(1, one.received.size());
        assertEquals(1, two.received.size());
    }

    @Test
    void aServerThatIsDownMakesTheClientTryTheNextAddress() {
        InMemoryKvService live = new InMemoryKvService(2);
        InetSocketAddress liveAddress = fixture.server(live).address();
        KontikiClient client = fixture.client(ClientFixture.deadAddress(), liveAddress);
        client.put("k", b("v"));
        assertArrayEquals(b("v"), client.get("k"));
        assertEquals(2, live.received.size());
    }

    @Test
    void aClusterThatIsAllDownFailsCertainlyNotAppliedWithinTheTimeout() {
        KontikiClient client = fixture.client(List.of(ClientFixture.deadAddress(), ClientFixture.deadAddress()),
                ClientFixture.fastOptions().withTimeout(Duration.ofMillis(700)));
        long start = System.nanoTime();
        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.put("k", b("v")));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(e.outcomeUnknown(), "never connected: certainly not applied");
        assertTrue(e.getMessage().startsWith("PUT \"k\": timed out after 700 ms"), e::getMessage);
        assertTrue(e.getMessage().contains("cannot connect to"), e::getMessage);
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(tookMillis < 3_000, "took " + tookMillis + " ms");
    }

    @Test
    void anUnknownOutcomeIsRetriedWithTheSameSequenceAndAppliedOnce() {
        AtomicInteger unknowns = new AtomicInteger(2);
        InMemoryKvService service = new InMemoryKvService(1);
        service.override(r -> {
            if (r.op() == ClientRequest.Op.CAS && unknowns.getAndDecrement() > 0) {
                service.apply(r); // it did take effect, but the answer is lost
                return CompletableFuture.completedFuture(ClientResponse.unknownOutcome(r.requestId(), "leader changed"));
            }
            return null;
        });
        KontikiClient client = fixture.client(fixture.server(service).address());
        client.put("k", b("old"));
        assertTrue(client.cas("k", b("old"), b("new")), "the retry gets the first application's result");
        List<ClientRequest> cas = service.received.stream().filter(r -> r.op() == ClientRequest.Op.CAS).toList();
        assertEquals(3, cas.size());
        assertEquals(1, cas.stream().map(ClientRequest::sequence).distinct().count());
        assertEquals(3, cas.stream().map(ClientRequest::requestId).distinct().count());
        assertArrayEquals(b("new"), service.stored("k"));
    }

    @Test
    void aWriteWhoseOutcomeStaysUnknownIsReportedAsUnknownNotFailed() {
        InMemoryKvService service = new InMemoryKvService(1).override(r -> CompletableFuture.completedFuture(
                ClientResponse.unknownOutcome(r.requestId(), "no quorum")));
        KontikiClient client = fixture.client(List.of(fixture.server(service).address()),
                ClientFixture.fastOptions().withTimeout(Duration.ofMillis(500)));
        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.put("k", b("v")));
        assertTrue(e.outcomeUnknown());
        assertTrue(e.getMessage().contains("outcome unknown after 500 ms"), e::getMessage);
        assertTrue(e.getMessage().contains("no quorum"), e::getMessage);
        assertTrue(service.received.size() > 1, "retried");
        assertEquals(1, service.received.stream().map(ClientRequest::sequence).distinct().count());
    }

    @Test
    void anAttemptWithoutAnswerMovesToTheNextNodeWithTheSameSequence() {
        InMemoryKvService hung = new InMemoryKvService(1).override(r -> new CompletableFuture<>());
        InMemoryKvService live = new InMemoryKvService(2);
        KontikiClient client = fixture.client(List.of(fixture.server(hung).address(), fixture.server(live).address()),
                ClientFixture.fastOptions().withAttemptTimeout(Duration.ofMillis(200)));
        client.put("k", b("v"));
        assertEquals(1, hung.received.size());
        assertEquals(hung.received.get(0).sequence(), live.received.get(0).sequence());
        assertArrayEquals(b("v"), live.stored("k"));
    }

    @Test
    void anErrorIsReportedAtOnceWithTheServersMessage() {
        InMemoryKvService service = new InMemoryKvService(1).override(r -> CompletableFuture.completedFuture(
                ClientResponse.error(r.requestId(), "disk full\nsecond line")));
        KontikiClient client = fixture.client(fixture.server(service).address());
        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.delete("k"));
        assertFalse(e.outcomeUnknown());
        assertTrue(e.getMessage().contains("refused it: disk full second line"), e::getMessage);
        assertEquals(1, service.received.size());
    }

    @Test
    void closingTheClientFailsWhatIsInFlight() {
        InMemoryKvService service = new InMemoryKvService(1).override(r -> new CompletableFuture<>());
        KontikiClient client = new KontikiClient(List.of(fixture.server(service).address()),
                ClientFixture.fastOptions());
        CompletableFuture<Void> put = client.putAsync("k", b("v"));
        ClientFixture.within().until(() -> service.received.size() == 1);
        client.close();
        CompletionException e = assertThrows(CompletionException.class, put::join);
        KontikiClientException k = (KontikiClientException) e.getCause();
        assertTrue(k.getMessage().contains("closed"), k::getMessage);
        assertTrue(k.outcomeUnknown(), "the write reached the server");
        assertThrows(CompletionException.class, () -> client.getAsync("k").join());
    }

    @Test
    void statusOfADeadNodeFailsWithAOneLineMessage() {
        KontikiClient client = fixture.client(ClientFixture.deadAddress());
        InetSocketAddress dead = ClientFixture.deadAddress();
        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.status(dead));
        assertTrue(e.getMessage().startsWith("STATUS of " + dead + ": cannot connect"), e::getMessage);
    }
}
