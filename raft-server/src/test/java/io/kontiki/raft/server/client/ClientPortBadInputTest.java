package io.kontiki.raft.server.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.transport.netty.ProtocolErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes no client sends, on a real client port: each time that one connection is closed, the
 * service sees nothing, and the port goes on serving a well-behaved client, whose own
 * connection is not disturbed.
 */
class ClientPortBadInputTest {

    private final ClientFixture fixture = new ClientFixture();
    private final InMemoryKvService service = new InMemoryKvService(1);
    private final ClientServer server = fixture.server(service);
    private final KontikiClient goodClient = fixture.client(server.address());

    @AfterEach
    void close() {
        fixture.close();
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("an HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8)),
                Arguments.of("a length prefix of 2^31-1", new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2}),
                Arguments.of("a length prefix with the top bit set", new byte[] {(byte) 0x80, 0, 0, 0, 1}),
                Arguments.of("a frame just above 4 MiB", ByteBuffer.allocate(8).putInt(4 << 20).putInt(0).array()),
                Arguments.of("garbage in a valid frame", frame(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef})),
                Arguments.of("a peer's handshake", frame(WireBody.classId(10).ascii("KNTK").uvarint(1).string("c").bytes(2)
                        .toBytes())),
                Arguments.of("a key length of 2^31-1", frame(WireBody.request(0, 1, 0).uvarint(Integer.MAX_VALUE).toBytes())),
                Arguments.of("a response sent to the server", frame(new ClientCodec(1024).encode(ClientResponse.ok(1, null)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badBytesCloseThatConnectionAndThePortKeepsServing(String name, byte[] bytes) throws Exception {
        goodClient.put("before", "1".getBytes(UTF_8));
        long errorsBefore = ProtocolErrorHandler.protocolErrorCount();
        int connectionsBefore = server.connectionCount();
        try (Socket socket = connect(server.address())) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            assertClosedByPeer(socket);
        }
        assertTrue(ProtocolErrorHandler.protocolErrorCount() > errorsBefore, "counted as a protocol error");
        ClientFixture.within().until(() -> server.connectionCount() == connectionsBefore);
        goodClient.put("after", "2".getBytes(UTF_8));
        assertArrayEquals("2".getBytes(UTF_8), goodClient.get("after"));
        assertEquals(1, server.connectionCount(), "the good client kept its connection");
        assertTrue(service.received.stream().allMatch(r -> r.clientId() == goodClient.clientId()));
    }

    @Test
    void aClientThatHangsUpInsideAFrameCostsNothing() throws Exception {
        try (Socket socket = connect(server.address())) {
            socket.getOutputStream().write(new byte[] {0, 0, 0, 100, 42, 1});
        }
        goodClient.put("k", "v".getBytes(UTF_8));
        ClientFixture.within().until(() -> server.connectionCount() == 1);
        assertTrue(service.received.stream().allMatch(r -> r.clientId() == goodClient.clientId()));
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Reads until the server closes the connection (end of stream or reset); fails on timeout. */
    private static void assertClosedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server may answer valid frames before the bad one; nothing here is expected
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 5 s");
        } catch (SocketException reset) {
            // closed with unread input: a reset is a close too
        }
    }
}
