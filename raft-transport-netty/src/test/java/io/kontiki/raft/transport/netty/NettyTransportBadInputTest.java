package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.transport.netty.NettyTransportTest.CLUSTER;
import static io.kontiki.raft.transport.netty.NettyTransportTest.frames;
import static io.kontiki.raft.transport.netty.NettyTransportTest.vote;
import static io.kontiki.raft.transport.netty.NettyTransportTest.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.transport.netty.NettyTransportTest.Net;
import io.kontiki.raft.transport.netty.NettyTransportTest.Node;
import io.kontiki.raft.transport.netty.NettyTransportTest.RawClient;
import io.kontiki.raft.transport.netty.NettyTransportTest.RawServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a live node does with input no well-behaved peer sends: messages that contradict their
 * connection's handshake, bytes that are not the wire format, frames cut short. Each time the
 * one connection is closed, nothing reaches the node's inbound consumer, no buffer leaks
 * ({@link LeakWatch}), and a real peer goes on delivering messages afterwards.
 */
@ExtendWith(LeakWatch.class)
class NettyTransportBadInputTest {

    private static final long SEED = 20_261_122L;

    /** Node 2 (knowing 1 and 3) and a real peer 1 connected to it; 3 is left to raw clients. */
    private static Node[] startTwo(Net net) {
        Node b = net.start(net.builder(2).liveness(100, 500));
        Node a = net.start(net.builder(CLUSTER, 1, 2).liveness(100, 500));
        net.awaitConnected(a, b);
        return new Node[] {a, b};
    }

    /** Node 1 can still deliver to node 2, and nothing but that has reached node 2. */
    private static void assertRealPeerStillDelivers(Node a, Node b) {
        a.transport().send(vote(1, 2, 77));
        within().until(() -> b.inbox().size() >= 1);
        assertEquals(List.of(vote(1, 2, 77)), b.inbox().messages());
        assertEquals(1, a.stats().connectionsEstablished(), "the real peer's connection was disturbed");
    }

    static Stream<Arguments> mismatchedMessages() {
        return Stream.of(
                Arguments.of("from a node other than the one that shook hands", 3, vote(1, 2, 1)),
                Arguments.of("addressed to another node", 3, vote(3, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatchedMessages")
    void aMessageThatContradictsItsConnectionClosesItAndTheNodeKeepsServing(String what, int shakeHandsAs,
                                                                             RaftMessage m) {
        try (Net net = new Net(1, 2, 3)) {
            Node[] ab = startTwo(net);
            long errors = ProtocolErrorHandler.protocolErrorCount();
            RawClient raw = net.rawClient(net.address(2));

            raw.send(new Handshake(Handshake.PROTOCOL_VERSION, CLUSTER, shakeHandsAs));
            assertEquals(HandshakeReply.ACCEPTED, raw.next());
            raw.send(m);

            assertTrue(raw.awaitClosed(), "the connection carrying " + m.describe() + " is still open");
            within().until(() -> ProtocolErrorHandler.protocolErrorCount() > errors);
            assertRealPeerStillDelivers(ab[0], ab[1]);
        }
    }

    @Test
    void aRaftMessageBeforeTheHandshakeClosesTheConnection() {
        try (Net net = new Net(1, 2, 3)) {
            Node[] ab = startTwo(net);
            RawClient raw = net.rawClient(net.address(2));

            raw.send(vote(1, 2, 1));

            assertTrue(raw.awaitClosed(), "a connection that skipped the handshake is still open");
            assertEquals(0, ab[1].stats().handshakesRefused());
            assertRealPeerStillDelivers(ab[0], ab[1]);
        }
    }

    @Test
    void aListenerThatSendsRaftMessagesDownAnOutboundConnectionIsDisconnected() {
        try (Net net = new Net(1, 2)) {
            RawServer pushy = net.rawServer(net.address(2), vote(2, 1, 1));
            long errors = ProtocolErrorHandler.protocolErrorCount();
            Node a = net.start(net.builder(1));

            within().until(() -> pushy.closed.get() >= 2); // closed, reconnected, closed again
            assertTrue(ProtocolErrorHandler.protocolErrorCount() > errors);
            assertEquals(0, a.inbox().size(), "a message on an outbound connection was delivered");
        }
    }

    static Stream<Arguments> hostileBytes() {
        Random random = new Random(SEED);
        byte[] randomBody = new byte[64];
        random.nextBytes(randomBody);
        return Stream.of(
                Arguments.of("a length prefix beyond the frame limit",
                        concat(prefix(0x7fff_ffff), new byte[16]), true),
                Arguments.of("a length prefix with the top bit set",
                        concat(prefix(0xffff_ffff), new byte[16]), true),
                Arguments.of("an HTTP request",
                        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true),
                Arguments.of("a frame of random bytes (seed " + SEED + ")",
                        concat(prefix(randomBody.length), randomBody), true),
                Arguments.of("a garbage frame after an accepted handshake",
                        concat(frames(new Handshake(Handshake.PROTOCOL_VERSION, CLUSTER, 3)),
                                prefix(8), new byte[] {-18, -18, -18, -18, -18, -18, -18, -18}), true),
                Arguments.of("a frame cut short, then silence",
                        concat(prefix(100), new byte[10]), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBytes")
    void hostileBytesOnARawSocketCloseThatConnectionOnly(String what, byte[] bytes, boolean protocolError)
            throws IOException {
        try (Net net = new Net(1, 2, 3)) {
            Node[] ab = startTwo(net);
            long errors = ProtocolErrorHandler.protocolErrorCount();

            try (Socket socket = connect(net.address(2))) {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                assertTrue(closedByPeer(socket), "the node kept a connection that sent " + what);
            }

            if (protocolError) {
                within().until(() -> ProtocolErrorHandler.protocolErrorCount() > errors);
            }
            assertEquals(0, ab[1].stats().handshakesRefused());
            assertRealPeerStillDelivers(ab[0], ab[1]);
        }
    }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.connect(to, 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    /** Reads until the peer closes (true) or nothing has come for 5 s (false). */
    private static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[512];
        try {
            while (in.read(buf) >= 0) {
                // a HandshakeReply, at most
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the peer
        }
    }

    private static byte[] prefix(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Stream.of(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
