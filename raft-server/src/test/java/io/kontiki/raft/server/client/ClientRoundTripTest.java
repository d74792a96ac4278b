package io.kontiki.raft.server.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every op over real 127.0.0.1 sockets, from {@link KontikiClient} through {@link ClientServer}
 * to a store without Raft ({@link InMemoryKvService}); pipelining with responses completed out
 * of order; the per-connection in-flight bound.
 */
class ClientRoundTripTest {

    private final ClientFixture fixture = new ClientFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void everyOpRoundTrips() {
        InMemoryKvService service = new InMemoryKvService(1);
        ClientServer server = fixture.server(service);
        KontikiClient client = fixture.client(server.address());

        assertNull(client.get("k"));
        client.put("k", b("v1"));
        assertArrayEquals(b("v1"), client.get("k"));
        assertFalse(client.cas("k", b("nope"), b("v2")));
        assertFalse(client.cas("k", null, b("v2")));
        assertTrue(client.cas("k", b("v1"), b("v2")));
        assertArrayEquals(b("v2"), client.get("k"));
        assertTrue(client.delete("k"));
        assertFalse(client.delete("k"));
        assertTrue(client.cas("k", null, b("v3")));
        assertArrayEquals(b("v3"), service.stored("k"));
        client.put("empty", new byte[0]);
        assertArrayEquals(new byte[0], client.get("empty"));

        StatusResponse status = client.status(server.address());
        assertEquals(1, status.nodeId());
        assertEquals("LEADER", status.role());
        assertEquals(service.lastIndex(), status.appliedIndex());
    }

    @Test
    void aPortInUseIsOneClearIllegalStateExceptionNamingIt() {
        ClientServer first = fixture.server(new InMemoryKvService(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClientServer.start(first.address(),
                fixture.group, new InMemoryKvService(2), ClientServer.Options.defaults()));
        assertTrue(e.getMessage().startsWith("cannot listen for clients on " + first.address()), e::getMessage);
        assertTrue(e.getMessage().contains("in use"), e::getMessage);
    }

    /** The examples in the Javadoc of {@link KontikiClient}, {@link ClientServer} and {@link ClientCodec}. */
    @Test
    void theDocumentedExamplesWork() {
        io.netty.channel.EventLoopGroup group = io.kontiki.raft.transport.netty.EventLoops.newGroup(1, "client-port");
        KvService service = new InMemoryKvService(1);
        try (ClientServer server = ClientServer.start(new java.net.InetSocketAddress("127.0.0.1", 0), group, service,
                ClientServer.Options.defaults())) {
            int port = server.address().getPort();
            java.net.InetSocketAddress node1 = new java.net.InetSocketAddress("127.0.0.1", port);
            try (KontikiClient client = new KontikiClient(List.of(node1), KontikiClient.Options.defaults())) {
                client.put("greeting", "hello".getBytes(UTF_8));
                byte[] value = client.get("greeting");
                boolean swapped = client.cas("greeting", value, "bye".getBytes(UTF_8));
                assertTrue(swapped);
                assertArrayEquals(b("bye"), client.get("greeting"));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }

        ClientCodec codec = new ClientCodec(ClientCodec.DEFAULT_MAX_FRAME_BYTES);
        byte[] body = codec.encode(ClientRequest.get(1, 42, "k"));
        ClientRequest back = (ClientRequest) codec.decode(body, 0, body.length);
        assertEquals(ClientRequest.get(1, 42, "k"), back);
    }

    @Test
    void writesAreNumberedOneByOneAndReadsAreNot() {
        InMemoryKvService service = new InMemoryKvService(1);
        KontikiClient client = fixture.client(fixture.server(service).address());
        client.put("a", b("1"));
        client.get("a");
        client.delete("a");
        client.cas("a", null, b("2"));
        List<Long> sequences = service.received.stream().map(ClientRequest::sequence).toList();
        assertEquals(List.of(1L, 0L, 2L, 3L), sequences);
        assertTrue(service.received.stream().allMatch(r -> r.clientId() == client.clientId()));
    }

    @Test
    void largestKeysAndValuesRoundTrip() {
        InMemoryKvService service = new InMemoryKvService(1);
        KontikiClient client = fixture.client(fixture.server(service).address());
        String key = "κ".repeat(512); // 1024 UTF-8 bytes
        byte[] big = new byte[1 << 20];
        big[0] = 1;
        big[big.length - 1] = 2;
        client.put(key, big);
        assertArrayEquals(big, client.get(key));
        byte[] other = big.clone();
        other[1] = 3;
        assertTrue(client.cas(key, big, other));
        assertArrayEquals(other, service.stored(key));
    }

    @Test
    void invalidArgumentsAreRefusedAtOnce() {
        KontikiClient client = fixture.client(ClientFixture.deadAddress());
        assertThrows(IllegalArgumentException.class, () -> client.put("k".repeat(1025), b("v")));
        assertThrows(IllegalArgumentException.class, () -> client.putAsync("k", new byte[(1 << 20) + 1]));
        assertThrows(IllegalArgumentException.class, () -> client.getAsync("lone \uD800 surrogate"));
        assertThrows(NullPointerException.class, () -> client.put(null, b("v")));
    }

    @Test
    void twoHundredFiftySixPipelinedRequestsAnsweredInReverseOrderAllComplete() throws Exception {
        int n = 256;
        InMemoryKvService service = new InMemoryKvService(1);
        ClientServer server = fixture.server(service);
        KontikiClient client = fixture.client(server.address());
        client.put("seed", b("s"));
        List<ClientRequest> held = new CopyOnWriteArrayList<>();
        List<CompletableFuture<ClientResponse>> answers = new CopyOnWriteArrayList<>();
        service.override(request -> {
            CompletableFuture<ClientResponse> answer = new CompletableFuture<>();
            held.add(request);
            answers.add(answer);
            return answer;
        });

        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(i % 2 == 0 ? client.putAsync("k" + i, b("v" + i)) : client.getAsync("seed"));
        }
        ClientFixture.within().until(() -> held.size() == n);
        assertFalse(futures.stream().anyMatch(CompletableFuture::isDone), "answered before the service answered");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.reverse(order);
        Thread completer = new Thread(() -> order.forEach(i -> answers.get(i).complete(service.apply(held.get(i)))));
        completer.start();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                assertArrayEquals(b("v" + i), service.stored("k" + i));
            } else {
                assertArrayEquals(b("s"), (byte[]) futures.get(i).get());
            }
        }
        assertEquals(1, server.connectionCount());
    }

    @Test
    void requestsBeyondTheInFlightBoundAreRefusedWithError() throws Exception {
        InMemoryKvService service = new InMemoryKvService(1);
        List<CompletableFuture<ClientResponse>> answers = new CopyOnWriteArrayList<>();
        List<ClientRequest> held = new CopyOnWriteArrayList<>();
        service.override(request -> {
            CompletableFuture<ClientResponse> answer = new CompletableFuture<>();
            held.add(request);
            answers.add(answer);
            return answer;
        });
        ClientServer server = fixture.server(service, ClientServer.Options.defaults().withMaxInFlightPerConnection(8));
        KontikiClient client = fixture.client(server.address());
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            futures.add(client.getAsync("k" + i));
        }
        CompletionException refused = assertThrows(CompletionException.class, () -> futures.get(8).join());
        KontikiClientException e = (KontikiClientException) refused.getCause();
        assertTrue(e.getMessage().contains("too many requests in flight (limit 8)"), e::getMessage);
        assertFalse(e.outcomeUnknown());
        assertEquals(8, held.size());
        for (int i = 0; i < 8; i++) {
            answers.get(i).complete(ClientResponse.ok(held.get(i).requestId(), b("v" + i)));
        }
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(b("v" + i), futures.get(i).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aServiceThatFailsOrThrowsIsAnsweredWithErrorAndTheConnectionSurvives() {
        InMemoryKvService service = new InMemoryKvService(1);
        service.override(request -> switch (request.key()) {
            case "throw" -> throw new IllegalStateException("boom");
            case "fail" -> CompletableFuture.failedFuture(new IllegalStateException("bust"));
            case "wrong-id" -> CompletableFuture.completedFuture(ClientResponse.ok(request.requestId() + 1000, null));
            default -> null;
        });
        ClientServer server = fixture.server(service);
        KontikiClient client = fixture.client(server.address());
        for (String key : List.of("throw", "fail", "wrong-id")) {
            KontikiClientException e = assertThrows(KontikiClientException.class, () -> client.get(key));
            assertTrue(e.getMessage().contains("server fault"), e::getMessage);
            assertFalse(e.getMessage().contains("\n"), e::getMessage);
        }
        client.put("fine", b("ok"));
        assertArrayEquals(b("ok"), client.get("fine"));
        assertEquals(1, server.connectionCount());
    }
}
