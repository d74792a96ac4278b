package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.Transport;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lab's network model (spec §2, §4.3) for one-way messages. */
class SimulatedNetworkTest {

    private static final int N = 3;

    private VirtualScheduler scheduler;
    private SimThreads threads;
    private Trace trace;
    private SimulatedNetwork net;
    private final Transport[] transports = new Transport[N];
    /** Per server: the virtual times at which messages were delivered to it. */
    private final List<List<Long>> deliveredAt = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scheduler = new VirtualScheduler(600_000);
        threads = new SimThreads(scheduler, "net-test");
        trace = new Trace(scheduler::now, 50);
        net = new SimulatedNetwork(scheduler, N, new Random(42), trace);
        for (int i = 0; i < N; i++) {
            deliveredAt.add(new ArrayList<>());
            transports[i] = attach(i);
        }
        for (int i = 0; i < N; i++) {
            net.connect(i);
        }
    }

    @AfterEach
    void tearDown() {
        threads.close();
    }

    private Transport attach(int server) {
        return net.attach(server, m -> deliveredAt.get(server).add(scheduler.now()));
    }

    private static RequestVote request(int from, int to) {
        return new RequestVote(from, to, 1, 0, 0);
    }

    private static RequestVoteResponse response(int from, int to) {
        return new RequestVoteResponse(from, to, 1, true);
    }

    private int delivered(int server) {
        return deliveredAt.get(server).size();
    }

    // ---- reliable ---------------------------------------------------------------------------

    @Test
    void aReliableNetworkDeliversEverythingAtOnceInOrder() {
        List<RaftMessage> got = new ArrayList<>();
        transports[1] = net.attach(1, got::add);
        net.connect(1);
        for (int i = 0; i < 100; i++) {
            transports[0].send(new AppendEntries(0, 1, 1, i, 0, List.of(), 0));
        }
        threads.sleep(0);
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, ((AppendEntries) got.get(i)).prevLogIndex(), "FIFO");
        }
        assertEquals(0, scheduler.now());
    }

    // ---- unreliable -------------------------------------------------------------------------

    @Test
    void anUnreliableNetworkDelaysRequestsUpTo26msAndDropsAboutOneInTen() {
        net.setReliable(false);
        int sent = 20_000;
        for (int i = 0; i < sent; i++) {
            transports[0].send(request(0, 1));
        }
        threads.sleep(1000);
        long dropped = net.stats().requestsDropped();
        assertEquals(sent, dropped + delivered(1));
        assertBetween(0.09, 0.11, (double) dropped / sent, "request drop rate");
        TreeSet<Long> delays = new TreeSet<>(deliveredAt.get(1));
        assertEquals(0L, delays.first());
        assertEquals(26L, delays.last());
        assertEquals(27, delays.size(), "every delay from 0 to 26 ms occurs");
    }

    @Test
    void anUnreliableNetworkDropsAboutOneResponseInTenWithoutDelayingTheRest() {
        net.setReliable(false);
        int sent = 20_000;
        for (int i = 0; i < sent; i++) {
            transports[1].send(response(1, 0));
        }
        threads.sleep(1000);
        long dropped = net.stats().responsesDropped();
        assertEquals(sent, dropped + delivered(0));
        assertBetween(0.09, 0.11, (double) dropped / sent, "response drop rate");
        assertTrue(deliveredAt.get(0).stream().allMatch(t -> t == 0), "responses are not jittered");
    }

    @Test
    void longReorderingDelaysTwoThirdsOfResponsesBy200To2199ms() {
        net.setLongReordering(true);
        int sent = 30_000;
        for (int i = 0; i < sent; i++) {
            transports[1].send(response(1, 0));
            transports[0].send(request(0, 1));
        }
        threads.sleep(3000);
        assertEquals(sent, delivered(0), "reliable: no response lost");
        assertTrue(deliveredAt.get(1).stream().allMatch(t -> t == 0), "requests are not reordered");
        List<Long> late = deliveredAt.get(0).stream().filter(t -> t > 0).toList();
        assertBetween(0.65, 0.68, (double) late.size() / sent, "share of responses delayed");
        assertTrue(late.stream().allMatch(t -> t >= 200 && t <= 2199), "delays within 200..2199 ms");
        double mean = late.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertBetween(680, 720, mean, "mean delay, 200 + E[U[0, U[0, 1999]]] = 699.75 ms");
    }

    // ---- partitions -------------------------------------------------------------------------

    @Test
    void aDisconnectedServerIsFullyIsolated() {
        net.disconnect(1);
        transports[0].send(request(0, 1));
        transports[1].send(request(1, 0));
        transports[1].send(request(1, 2));
        transports[0].send(request(0, 2));
        threads.sleep(10);
        assertEquals(0, delivered(0));
        assertEquals(0, delivered(1));
        assertEquals(1, delivered(2), "connected servers still talk");
        assertEquals(3, net.stats().lostOnLink());
    }

    @Test
    void twoDisconnectedServersCannotTalkToEachOther() {
        net.disconnect(1);
        net.disconnect(2);
        transports[1].send(request(1, 2));
        transports[2].send(request(2, 1));
        threads.sleep(10);
        assertEquals(0, delivered(1) + delivered(2));

        net.connect(1);
        transports[0].send(request(0, 1));
        transports[1].send(request(1, 2));
        threads.sleep(10);
        assertEquals(1, delivered(1), "0 and 1 are connected again");
        assertEquals(0, delivered(2), "2 is still isolated");
        assertFalse(net.isLinkEnabled(1, 2));
        assertTrue(net.isLinkEnabled(0, 1) && net.isLinkEnabled(1, 0));
    }

    // ---- crashes and incarnations -----------------------------------------------------------

    @Test
    void aCrashedIncarnationNeverSendsOrReceivesAgain() {
        Transport old = transports[1];
        net.detach(1);
        old.send(request(1, 0));
        transports[0].send(request(0, 1));
        threads.sleep(10);
        assertEquals(0, delivered(0) + delivered(1));

        transports[1] = attach(1);
        net.connect(1);
        old.send(request(1, 0));
        threads.sleep(10);
        assertEquals(0, delivered(0), "the old incarnation's transport stays dead after a restart");
        assertEquals(2, net.stats().fromCrashed());

        transports[1].send(request(1, 0));
        threads.sleep(10);
        assertEquals(1, delivered(0), "the new incarnation talks");
    }

    @Test
    void messagesInFlightToACrashedIncarnationAreLost() {
        net.setLongReordering(true);
        for (int i = 0; i < 30; i++) {
            transports[0].send(response(0, 1));
        }
        transports[0].send(request(0, 1));
        net.detach(1);
        transports[1] = attach(1);
        net.connect(1);
        threads.sleep(3000);
        assertEquals(0, delivered(1), "all were addressed to the old incarnation");
        assertEquals(31, net.stats().lostToCrashed());
    }

    // ---- counters ---------------------------------------------------------------------------

    @Test
    void countersFollowTheLab() {
        RequestVote rv = request(0, 1);
        RequestVoteResponse ok = response(1, 0);
        int rvSize = CompactMessageSizes.sizeOf(rv);
        int okSize = CompactMessageSizes.sizeOf(ok);

        transports[0].send(rv);
        threads.sleep(1);
        transports[1].send(ok);
        threads.sleep(1);
        assertEquals(1, net.rpcTotal(), "responses are not RPCs");
        assertEquals(rvSize + okSize, net.bytesTotal());
        assertEquals(1, net.rpcCount(1));
        assertEquals(0, net.rpcCount(0));

        net.disconnect(1);
        transports[0].send(rv);
        transports[1].send(ok);
        threads.sleep(1);
        assertEquals(2, net.rpcTotal(), "a request counts even when it is lost");
        assertEquals(2L * rvSize + okSize, net.bytesTotal(), "a lost response's bytes do not count");
        assertEquals(1, net.rpcCount(1), "only delivered requests count per server");

        transports[1] = attach(1);
        assertEquals(0, net.rpcCount(1), "a restart resets the per-server count");
    }

    @Test
    void aMessageMustComeFromItsSender() {
        assertThrows(IllegalStateException.class, () -> transports[0].send(request(2, 1)));
    }

    @Test
    void theTraceRecordsEveryFate() {
        net.disconnect(2);
        transports[0].send(request(0, 1));
        transports[0].send(request(0, 2));
        threads.sleep(1);
        String dump = trace.dump();
        assertTrue(dump.contains("t=0 0->1 RequestVote term=1 last=0/0 delivered"), dump);
        assertTrue(dump.contains("t=0 0->2 RequestVote term=1 last=0/0 lost: link disabled"), dump);
        assertTrue(dump.contains("t=0 disconnect 2"), dump);
    }

    private static void assertBetween(double low, double high, double actual, String what) {
        assertTrue(actual >= low && actual <= high, what + ": " + actual + " not in [" + low + ", " + high + "]");
    }
}
