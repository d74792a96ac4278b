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
 * How {@link KontikiClient} finds the leader and retries: NOT_LEADER hints followed (unless
 * they name an address that just failed), unknown hints and dead servers answered by trying the
 * next address, backoffs bounded by the options, UNKNOWN_OUTCOME retried with the same sequence
 * and reported as unknown (never as failed) at the timeout, ERROR surfaced at once.
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
    void aHintNamingAnAddressThatJustRefusedAConnectionIsNotFollowed() {
        // After a leader crash, a follower still names it: the client must not bounce between
        // that follower and the dead port while the new leader waits further down the list.
        InetSocketAddress dead = ClientFixture.deadAddress();
        InMemoryKvService stale = follower(1, 3);
        InMemoryKvService leader = new InMemoryKvService(2);
        InetSocketAddress a1 = fixture.server(stale).address();
        InetSocketAddress a2 = fixture.server(leader).address();
        KontikiClient client = fixture.client(List.of(dead, a1, a2),
                ClientFixture.fastOptions().withNodeAddresses(Map.of(1, a1, 2, a2, 3, dead)));

        client.put("k", b("v"));

        assertEquals(1, stale.received.size(), "dead, then node 1 (its hint to the dead node not followed), then node 2");
        assertArrayEquals(b("v"), leader.stored("k"));
    }

    @Test
    void aHintIsFollowedAgainOnceTheNodeHasAnswered() {
        // Node 3 first gives no answer (so it "just failed"), then answers NOT_LEADER, then OK.
        AtomicInteger seen = new AtomicInteger();
        InMemoryKvService three = new InMemoryKvService(3);
        three.override(r -> switch (seen.getAndIncrement()) {
            case 0 -> new CompletableFuture<>();
            case 1 -> CompletableFuture.completedFuture(ClientResponse.notLeader(r.requestId(), ClientResponse.NO_LEADER));
            default -> null;
        });
        InMemoryKvService one = follower(1, 3);
        InMemoryKvService two = follower(2, ClientResponse.NO_LEADER);
        InetSocketAddress a1 = fixture.server(one).address();
        InetSocketAddress a2 = fixture.server(two).address();
        InetSocketAddress a3 = fixture.server(three).address();
        // A wide window (2 × 200 ms): only node 3's answer can make its next hint count again.
        KontikiClient client = fixture.client(List.of(a3, a1, a2), ClientFixture.fastOptions()
                .withAttemptTimeout(Duration.ofMillis(100)).withMaxBackoff(Duration.ofMillis(200))
                .withNodeAddresses(Map.of(1, a1, 2, a2, 3, a3)));

        // 3 (no answer), 1 (hint 3 not followed), 2, 3 (NOT_LEADER), 1 (hint 3 followed), 3 (OK)
        client.put("k", b("v"));

        assertEquals(2, one.received.size());
        assertEquals(1, two.received.size(), "the second hint to node 3 was followed, not rotated past");
        assertEquals(3, three.received.size());
        assertArrayEquals(b("v"), three.stored("k"));
    }

    @Test
    void retriesNeverWaitLongerThanTheMaxBackoff() {
        // 40 attempts at refusing ports: at most 40 × 20 ms of waiting, where the former fixed
        // 200 ms cap needed more than 3.5 s.
        KontikiClient client = fixture.client(List.of(ClientFixture.deadAddress(), ClientFixture.deadAddress()),
                ClientFixture.fastOptions().withTimeout(Duration.ofSeconds(10)).withMaxAttempts(40)
                        .withMaxBackoff(Duration.ofMillis(20)));
        long start = System.nanoTime();
        KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.put("k", b("v")));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().startsWith("PUT \"k\": gave up after 40 attempts"), e::getMessage);
        assertFalse(e.outcomeUnknown());
        assertTrue(tookMillis < 2_500, "took " + tookMillis + " ms");
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
