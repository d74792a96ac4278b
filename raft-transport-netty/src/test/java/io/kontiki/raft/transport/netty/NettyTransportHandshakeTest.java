package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.transport.netty.NettyTransportTest.CLUSTER;
import static io.kontiki.raft.transport.netty.NettyTransportTest.vote;
import static io.kontiki.raft.transport.netty.NettyTransportTest.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kontiki.raft.transport.netty.NettyTransportTest.Net;
import io.kontiki.raft.transport.netty.NettyTransportTest.Node;
import io.kontiki.raft.transport.netty.NettyTransportTest.RawClient;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The handshake that opens every connection: a peer of another cluster, an unknown node id or
 * another protocol version is refused with a reason, counted, and logged as one line; nothing
 * it sends is delivered, and the node goes on serving its real peers.
 */
@ExtendWith(LeakWatch.class)
class NettyTransportHandshakeTest {

    private static final String REFUSED_BY_2 = "node 2 refused a connection";

    @Test
    void aTransportOfAnotherClusterIsRefusedWithOneLogLineAndNothingIsDelivered() {
        try (Net net = new Net(1, 2); LogCapture log = new LogCapture(NettyTransport.class)) {
            // Long backoffs: each side tries exactly once during the test.
            Node b = net.start(net.builder(2).reconnectBackoff(10_000, 10_000));
            Node a = net.start(net.builder("another-cluster", 1, 2).reconnectBackoff(10_000, 10_000));

            within().until(() -> log.lines(REFUSED_BY_2).size() == 1);
            assertEquals(1, b.stats().handshakesRefused());
            ILoggingEvent line = log.events(REFUSED_BY_2).get(0);
            assertEquals(Level.WARN, line.getLevel());
            assertTrue(line.getFormattedMessage().contains(
                    "cluster id 'another-cluster' does not match this node's cluster '" + CLUSTER + "'"),
                    line.getFormattedMessage());
            assertFalse(line.getFormattedMessage().contains("\n"), "more than one line");
            assertNull(line.getThrowableProxy(), "a refusal is not a stack trace");

            a.transport().send(vote(1, 2, 1));
            a.onLoop(() -> { });
            assertEquals(1, a.stats().droppedNotConnected());
            assertFalse(a.transport().isConnectedTo(2));
            assertEquals(0, b.inbox().size());
            assertEquals(0, b.stats().requestsReceived());
        }
    }

    @Test
    void refusalsOfAPeerRetryingEvery20MillisAreLoggedAtMostOnceASecond() {
        try (Net net = new Net(1, 2); LogCapture log = new LogCapture(NettyTransport.class)) {
            long t0 = System.nanoTime();
            Node b = net.start(net.builder(2).reconnectBackoff(10_000, 10_000));
            net.start(net.builder("another-cluster", 1, 2).reconnectBackoff(20, 20));

            within().until(() -> b.stats().handshakesRefused() >= 40);
            List<String> lines = log.lines(REFUSED_BY_2);
            long elapsedSeconds = (System.nanoTime() - t0) / 1_000_000_000L;

            assertTrue(lines.size() >= 1 && lines.size() <= 1 + elapsedSeconds,
                    lines.size() + " lines in " + elapsedSeconds + " s: " + lines);
            lines.stream().skip(1).forEach(l -> assertTrue(l.contains("similar lines suppressed"), l));
        }
    }

    @Test
    void anUnknownNodeIdIsRefusedAndNothingIsDelivered() {
        try (Net net = new Net(1, 2, 3); LogCapture log = new LogCapture(NettyTransport.class)) {
            Node b = net.start(net.builder(CLUSTER, 2, 1));
            Node stranger = net.start(net.builder(CLUSTER, 3, 2));

            within().until(() -> !log.lines(REFUSED_BY_2).isEmpty());
            assertTrue(log.lines(REFUSED_BY_2).get(0).contains("node id 3 is not a member of this cluster [1]"),
                    log.lines(REFUSED_BY_2).get(0));
            assertTrue(b.stats().handshakesRefused() >= 1);

            stranger.transport().send(vote(3, 2, 1));
            stranger.onLoop(() -> { });
            assertEquals(1, stranger.stats().droppedNotConnected());
            assertEquals(0, stranger.stats().connectionsEstablished());
            assertEquals(0, b.inbox().size());
        }
    }

    static Stream<Arguments> badHandshakes() {
        return Stream.of(
                Arguments.of("another protocol version", new Handshake(99, CLUSTER, 1),
                        "protocol version 99 is not supported (this node speaks " + Handshake.PROTOCOL_VERSION + ")"),
                Arguments.of("another cluster", new Handshake(Handshake.PROTOCOL_VERSION, "elsewhere", 1),
                        "cluster id 'elsewhere' does not match this node's cluster '" + CLUSTER + "'"),
                Arguments.of("an unknown node id", new Handshake(Handshake.PROTOCOL_VERSION, CLUSTER, 7),
                        "node id 7 is not a member of this cluster [1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void aBadHandshakeGetsARefusalNamingTheReasonThenTheConnectionIsClosed(String what, Handshake hs,
                                                                             String reason) {
        try (Net net = new Net(1, 2)) {
            Node b = net.start(2);
            RawClient raw = net.rawClient(net.address(2));

            raw.send(hs);

            assertEquals(new HandshakeReply(false, reason), raw.next());
            assertTrue(raw.awaitClosed(), "the refused connection is still open");
            assertEquals(1, b.stats().handshakesRefused());

            Node a = net.start(1); // the node goes on serving its real peers
            net.awaitConnected(a, b);
            a.transport().send(vote(1, 2, 2));
            within().until(() -> b.inbox().size() == 1);
            assertEquals(List.of(vote(1, 2, 2)), b.inbox().messages());
        }
    }

    @Test
    void aValidHandshakeIsAcceptedAndMessagesOnThatConnectionAreDelivered() {
        try (Net net = new Net(1, 2)) {
            Node b = net.start(2);
            RawClient raw = net.rawClient(net.address(2));

            raw.send(new Handshake(Handshake.PROTOCOL_VERSION, CLUSTER, 1));
            assertEquals(HandshakeReply.ACCEPTED, raw.next());
            raw.send(vote(1, 2, 4));
            raw.send(Ping.INSTANCE);

            assertEquals(Pong.INSTANCE, raw.next());
            assertEquals(List.of(vote(1, 2, 4)), b.inbox().messages()); // in order, before the Pong
            assertEquals(0, b.stats().handshakesRefused());
        }
    }

    /** Captures what one logback logger writes, for as long as it is open. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture(Class<?> type) {
            logger = (Logger) LoggerFactory.getLogger(type);
            appender.start();
            logger.addAppender(appender);
        }

        /** The events whose message starts with {@code prefix}. */
        List<ILoggingEvent> events(String prefix) {
            synchronized (appender) { // AppenderBase appends under this lock
                return appender.list.stream().filter(e -> e.getFormattedMessage().startsWith(prefix)).toList();
            }
        }

        List<String> lines(String prefix) {
            return events(prefix).stream().map(ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
