package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.transport.netty.NettyTransportTest.ack;
import static io.kontiki.raft.transport.netty.NettyTransportTest.vote;
import static io.kontiki.raft.transport.netty.NettyTransportTest.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.transport.netty.NettyTransportTest.Net;
import io.kontiki.raft.transport.netty.NettyTransportTest.Node;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault injector on real frames ({@link FaultInjector}, {@link LinkFaults}): off by
 * default; loss at the configured rate; one-way and two-way cuts and isolation; duplication;
 * delay; the lab's unreliable network; and the same choices for the same seed.
 *
 * <p>"Nothing got through" is shown with a marker: after the faulty sends, the faults are
 * healed and one more message is sent on the same connection; a connection keeps order, so
 * once the marker has arrived everything sent before it has arrived too.
 */
@ExtendWith(LeakWatch.class)
class NettyTransportFaultsTest {

    private static final long SEED = 7;
    private static final long MARKER_TERM = 1_000_000;

    private static Node[] connectedPair(Net net) {
        Node a = net.start(net.builder(1).faultSeed(SEED));
        Node b = net.start(net.builder(2).faultSeed(SEED));
        net.awaitConnected(a, b);
        return new Node[] {a, b};
    }

    /** Sends {@code count} votes with terms 1..count from {@code from} to {@code to}, all in one loop turn. */
    private static void sendVotes(Node from, int to, int count) {
        int id = from.transport().nodeId();
        from.onLoop(() -> IntStream.rangeClosed(1, count).forEach(t -> from.transport().send(vote(id, to, t))));
    }

    /** Everything {@code to} received from {@code from} up to a marker sent now, without the marker. */
    private static List<RaftMessage> receivedBeforeMarker(Node from, Node to) {
        RaftMessage marker = vote(from.transport().nodeId(), to.transport().nodeId(), MARKER_TERM);
        from.transport().send(marker);
        List<RaftMessage> all = to.inbox().throughMarker(marker);
        return all.subList(0, all.size() - 1);
    }

    @Test
    void faultsAreOffByDefaultAndClearRemovesThem() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            FaultInjector faults = ab[0].faults();
            assertFalse(faults.isActive());
            assertTrue(faults.faultsFor(2).isNone());

            sendVotes(ab[0], 2, 100);
            assertEquals(100, receivedBeforeMarker(ab[0], ab[1]).size());
            assertEquals(0, ab[0].stats().droppedByFaults());

            faults.setLinkFaults(2, LinkFaults.loss(0.5));
            faults.isolate(true);
            assertTrue(faults.isActive());
            faults.clear();
            assertFalse(faults.isActive());
        }
    }

    @Test
    void lossOfThirtyPercentDropsAboutThirtyPercentOfTwoThousandMessages() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            ab[0].faults().setLinkFaults(2, LinkFaults.loss(0.3));

            sendVotes(ab[0], 2, 2000);
            ab[0].faults().clear();
            List<RaftMessage> received = receivedBeforeMarker(ab[0], ab[1]);

            long dropped = ab[0].stats().droppedByFaults();
            assertTrue(dropped >= 440 && dropped <= 760, dropped + " of 2000 dropped (seed " + SEED + ")");
            assertEquals(2000 - dropped, received.size());
            assertEquals(2000 + 1, ab[0].stats().requestsSent(), "every send counted, the marker too");
        }
    }

    @Test
    void aOneWayCutDropsEverythingOneWayWhileTheOtherWayStillWorks() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            ab[0].faults().cutOutbound(2, true);

            sendVotes(ab[0], 2, 10);
            sendVotes(ab[1], 1, 10);
            within().until(() -> ab[0].inbox().size() == 10);
            ab[0].faults().cutOutbound(2, false);

            assertFalse(ab[0].faults().isActive(), "healing the only cut leaves no fault");
            assertEquals(List.of(), receivedBeforeMarker(ab[0], ab[1]));
            assertEquals(10, ab[0].stats().droppedByFaults());
            assertEquals(IntStream.rangeClosed(1, 10).mapToObj(t -> vote(2, 1, t)).toList(), ab[0].inbox().messages());
        }
    }

    @Test
    void aTwoWayCutBlocksBothDirections() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            assertBothDirectionsBlocked(ab[0], ab[1], on -> ab[0].faults().cut(2, on));
        }
    }

    @Test
    void isolatingANodeBlocksBothDirections() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            assertBothDirectionsBlocked(ab[0], ab[1], on -> ab[0].faults().isolate(on));
        }
    }

    /** With {@code fault} applied to {@code a}'s injector only, nothing passes either way. */
    private static void assertBothDirectionsBlocked(Node a, Node b, Consumer<Boolean> fault) {
        fault.accept(true);
        sendVotes(a, 2, 10);
        sendVotes(b, 1, 10);
        // A drops its own 10 as it sends them and B's 10 as they arrive.
        within().until(() -> a.stats().droppedByFaults() == 20);
        fault.accept(false);

        assertFalse(a.faults().isActive());
        assertEquals(List.of(), receivedBeforeMarker(a, b));
        assertEquals(List.of(), receivedBeforeMarker(b, a));
        assertEquals(0, b.stats().droppedByFaults());
    }

    @Test
    void duplicationWithProbabilityOneDeliversEveryMessageTwice() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            ab[0].faults().setLinkFaults(2, LinkFaults.NONE.withDuplicate(1.0));

            sendVotes(ab[0], 2, 10);
            ab[0].faults().clear();

            List<RaftMessage> received = receivedBeforeMarker(ab[0], ab[1]);
            List<RaftMessage> expected = IntStream.rangeClosed(1, 10).boxed()
                    .<RaftMessage>flatMap(t -> Stream.of(vote(1, 2, t), vote(1, 2, t))).toList();
            assertEquals(expected, received);
        }
    }

    @Test
    void aDelayedLinkHoldsEachMessageBackAtLeastTheDelay() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            ab[0].faults().setLinkFaults(2, LinkFaults.NONE.withDelay(200, 50));

            long t0 = System.nanoTime();
            ab[0].transport().send(vote(1, 2, 1));
            within().until(() -> ab[1].inbox().size() == 1);

            long millis = (ab[1].inbox().arrivalNanos(0) - t0) / 1_000_000;
            assertTrue(millis >= 200, "delivered after " + millis + " ms");
            assertTrue(millis < 2_000, "delivered after " + millis + " ms");
        }
    }

    @Test
    void labUnreliableDropsAboutTenPercentOfRequestsAndTenPercentOfResponses() {
        try (Net net = new Net(1, 2)) {
            Node[] ab = connectedPair(net);
            ab[0].faults().setDefaultFaults(LinkFaults.LAB_UNRELIABLE);

            ab[0].onLoop(() -> {
                for (int t = 1; t <= 2000; t++) {
                    ab[0].transport().send(vote(1, 2, t));
                    ab[0].transport().send(ack(1, 2, t));
                }
            });
            long dropped = ab[0].stats().droppedByFaults();
            // Requests are delayed up to 26 ms, so no marker: wait for the count instead.
            within().until(() -> ab[1].stats().requestsReceived() + ab[1].stats().responsesReceived()
                    == 4000 - dropped);

            long requests = ab[1].stats().requestsReceived();
            long responses = ab[1].stats().responsesReceived();
            assertTrue(requests >= 1640 && requests <= 1960, requests + " of 2000 requests (seed " + SEED + ")");
            assertTrue(responses >= 1640 && responses <= 1960, responses + " of 2000 responses (seed " + SEED + ")");
        }
    }

    @Test
    void labUnreliableDelaysRequestsByUpTo26MillisAndResponsesNotAtAll() {
        FaultInjector faults = new FaultInjector(SEED);
        faults.setDefaultFaults(LinkFaults.LAB_UNRELIABLE);
        long maxRequestDelay = 0;
        for (int t = 1; t <= 5000; t++) {
            long request = faults.outboundDelayOrDrop(vote(1, 2, t));
            long response = faults.outboundDelayOrDrop(ack(1, 2, t));
            assertTrue(request >= -1 && request <= 26, "request delay " + request);
            assertTrue(response == -1 || response == 0, "response delay " + response);
            maxRequestDelay = Math.max(maxRequestDelay, request);
        }
        assertEquals(26, maxRequestDelay, "jitter should reach its bound in 5000 draws");
    }

    @Test
    void theSameSeedMakesTheSameChoicesForTheSameMessages() {
        LinkFaults rules = LinkFaults.loss(0.3).withDelay(5, 20).withDuplicate(0.2).withLongReordering(true);
        long[] first = fates(new FaultInjector(42), rules);
        long[] again = fates(new FaultInjector(42), rules);
        long[] other = fates(new FaultInjector(43), rules);

        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other), "seeds 42 and 43 made the same 2000 choices");
    }

    /** The fate of 1000 alternating requests and responses: delay or -1, then 1 if duplicated. */
    private static long[] fates(FaultInjector faults, LinkFaults rules) {
        faults.setLinkFaults(2, rules);
        long[] out = new long[2000];
        for (int i = 0; i < 1000; i++) {
            RaftMessage m = i % 2 == 0 ? vote(1, 2, i + 1) : ack(1, 2, i + 1);
            out[2 * i] = faults.outboundDelayOrDrop(m);
            out[2 * i + 1] = out[2 * i] >= 0 && faults.duplicate(m) ? 1 : 0;
        }
        return out;
    }
}
