package io.kontiki.raft.transport.netty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link NettyTransport} on real sockets over 127.0.0.1: delivery on the receiver's event loop,
 * sends that never block (drops counted instead), reconnection with backoff, the per-peer
 * high-water mark, and liveness pings. Handshakes, hostile input and fault injection have
 * their own classes ({@link NettyTransportHandshakeTest}, {@link NettyTransportBadInputTest},
 * {@link NettyTransportFaultsTest}); the fixtures they share are the nested classes here.
 *
 * <p>Real time: every wait is an Awaitility wait with a bound; nothing sleeps.
 */
@ExtendWith(LeakWatch.class)
class NettyTransportTest {

    static final String CLUSTER = "kontiki-test";

    @Test
    void messageReachesThePeersInboundConsumerOnThePeersEventLoop() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);
            Node b = net.start(2);
            net.awaitConnected(a, b);

            AppendEntries append = new AppendEntries(1, 2, 3, 9, 2,
                    List.of(LogEntry.command(3, 10, new byte[] {1, 2, 3}), LogEntry.noop(3, 11)), 8);
            a.transport().send(append);
            RequestVoteResponse answer = new RequestVoteResponse(2, 1, 3, true);
            b.transport().send(answer);

            within().until(() -> b.inbox().size() == 1 && a.inbox().size() == 1);
            assertEquals(List.of(append), b.inbox().messages());
            assertEquals(List.of(answer), a.inbox().messages());
            assertEquals(0, b.inbox().offLoopDeliveries(), "B's consumer ran off B's event loop");
            assertEquals(0, a.inbox().offLoopDeliveries(), "A's consumer ran off A's event loop");
            assertEquals(1, b.stats().requestsReceived());
            assertEquals(1, a.stats().responsesReceived());
        }
    }

    @Test
    void aSnapshotChunkAndItsAnswerCrossTheWireAsARequestAndAResponse() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);
            Node b = net.start(2);
            net.awaitConnected(a, b);
            byte[] data = new byte[1 << 20];
            new java.util.Random(3).nextBytes(data);

            InstallSnapshot chunk = new InstallSnapshot(1, 2, 5, new SnapshotMeta(100, 4, 3 << 20, 0x5eed), 1 << 20,
                    data);
            a.transport().send(chunk);
            InstallSnapshotResponse answer = new InstallSnapshotResponse(2, 1, 5, 100, 2 << 20, false);
            b.transport().send(answer);

            within().until(() -> b.inbox().size() == 1 && a.inbox().size() == 1);
            assertEquals(List.of(MessageContent.of(chunk)), MessageContent.ofAll(b.inbox().messages()));
            assertEquals(List.of(answer), a.inbox().messages());
            assertEquals(1, a.stats().requestsSent());
            assertEquals(1, b.stats().requestsReceived());
            assertEquals(1, b.stats().responsesSent());
            assertEquals(1, a.stats().responsesReceived());
        }
    }

    @Test
    void sendsToAPeerThatIsNotListeningAreDroppedAndCountedWithoutBlocking() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);

            long elapsedNanos = a.onLoop(() -> {
                long t0 = System.nanoTime();
                for (int i = 1; i <= 1000; i++) {
                    a.transport().send(vote(1, 2, i));
                }
                return System.nanoTime() - t0;
            });

            assertEquals(1000, a.stats().droppedNotConnected());
            assertTrue(elapsedNanos < TimeUnit.SECONDS.toNanos(1),
                    "1000 sends to an absent peer took " + elapsedNanos / 1_000_000 + " ms");
            within().until(() -> a.stats().connectsFailed() >= 2);
            assertFalse(a.transport().isConnectedTo(2));
        }
    }

    @Test
    void linkConnectsOnceThePeerStartsOnItsPortAndDeliveryResumes() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);
            within().until(() -> a.stats().connectsFailed() >= 3); // backing off: 20, 40, 80 ms...
            a.transport().send(vote(1, 2, 1));

            Node b = net.start(2);
            within().until(() -> a.transport().isConnectedTo(2));
            a.transport().send(vote(1, 2, 2));

            within().until(() -> b.inbox().size() == 1);
            assertEquals(List.of(vote(1, 2, 2)), b.inbox().messages(), "the early message was queued, not dropped");
            assertEquals(1, a.stats().droppedNotConnected());
            assertEquals(1, a.stats().connectionsEstablished());
        }
    }

    @Test
    void linkReconnectsToANewTransportBoundToThePortOfAClosedOne() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);
            Node b = net.start(2);
            net.awaitConnected(a, b);

            b.transport().close();
            Node b2 = net.start(2);
            within().until(() -> {
                a.transport().send(vote(1, 2, 5));
                return b2.inbox().size() > 0;
            });

            assertEquals(vote(1, 2, 5), b2.inbox().messages().get(0));
            assertEquals(0, b.inbox().size());
            assertEquals(2, a.stats().connectionsEstablished());
        }
    }

    /**
     * With the receiver's event loop blocked the receiver reads nothing; once the kernel's
     * socket buffers are full the sender's outbound buffer reaches its high-water mark and
     * further messages are dropped and counted, not queued. Every message is then either
     * delivered or counted as dropped.
     */
    @Test
    void aStuckPeerMakesTheSenderDropAboveTheHighWaterMarkInsteadOfQueueing() {
        try (Net net = new Net(1, 2)) {
            int maxPending = 64 << 10;
            Node a = net.start(net.builder(1).maxPendingBytesPerPeer(maxPending).liveness(1_000, 60_000));
            Node b = net.start(net.builder(2).liveness(1_000, 60_000));
            assertNotSame(a.loop(), b.loop(), "the test needs the two nodes on different loops");
            net.awaitConnected(a, b);

            CountDownLatch release = new CountDownLatch(1);
            b.inbox().blockOn(release);
            a.transport().send(vote(1, 2, 1));
            within().until(() -> b.inbox().size() == 1); // B's loop is now stuck in its consumer

            AppendEntries big = new AppendEntries(1, 2, 2, 0, 0,
                    List.of(LogEntry.command(2, 1, new byte[64 << 10])), 0);
            int attempts = 2_000; // 128 MiB, far beyond socket buffers plus the high-water mark
            try {
                for (int i = 0; i < attempts; i++) {
                    a.onLoop(() -> a.transport().send(big)); // one message per loop turn, flushed
                }
            } finally {
                release.countDown();
            }

            long dropped = a.stats().droppedBackpressure();
            assertTrue(dropped > attempts / 2, "only " + dropped + " of " + attempts + " dropped");
            assertTrue(a.stats().bytesSent() < (long) attempts * big.entries().get(0).data().length / 2,
                    "the sender wrote " + a.stats().bytesSent() + " bytes towards a stuck peer");
            assertEquals(0, a.stats().droppedNotConnected());
            within().until(() -> b.inbox().size() == 1 + attempts - dropped);
            assertEquals(1, a.stats().connectionsEstablished());
        }
    }

    @Test
    void pingsKeepIdleLinksConnectedLongBeyondTheIdleTimeout() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(net.builder(1).liveness(100, 400));
            Node b = net.start(net.builder(2).liveness(100, 400));
            net.awaitConnected(a, b);

            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertEquals(List.of(1L, 1L),
                            List.of(a.stats().connectionsEstablished(), b.stats().connectionsEstablished()),
                            "connections established by nodes 1 and 2"));
            assertTrue(a.transport().isConnectedTo(2) && b.transport().isConnectedTo(1));
        }
    }

    /**
     * A leader's heartbeats are a steady one-way stream: the responses come back on the
     * follower's own connection, so the leader's connection reads nothing but Pongs. It must
     * stay up all the same.
     */
    @Test
    void aLinkCarryingSteadyOneWayTrafficStaysConnectedBeyondTheIdleTimeout() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(net.builder(1).liveness(100, 400));
            Node b = net.start(net.builder(2).liveness(100, 400));
            net.awaitConnected(a, b);

            ScheduledFuture<?> heartbeats = a.loop().scheduleAtFixedRate(
                    () -> a.transport().send(vote(1, 2, 1)), 0, 50, TimeUnit.MILLISECONDS);
            try {
                await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertEquals(1, a.stats().connectionsEstablished(), "node 1's connections to node 2"));
            } finally {
                heartbeats.cancel(false);
            }
            assertEquals(0, a.stats().droppedNotConnected());
        }
    }

    @Test
    void aPeerThatAcceptsButNeverAnswersPingsIsDisconnectedAfterTheIdleTimeoutAndRetried() {
        try (Net net = new Net(1, 2)) {
            RawServer silent = net.rawServer(net.address(2), null);
            Node a = net.start(net.builder(1).liveness(100, 400));

            within().until(() -> silent.handshakes.get() >= 2 && a.stats().connectionsEstablished() >= 2);
            assertTrue(silent.closed.get() >= 1, "the silent connection was never closed");
            assertEquals(List.of(), silent.nonHandshakes(), "a Ping was expected, nothing else");
        }
    }

    @Test
    void anAcceptedConnectionThatStaysSilentIsClosedAfterTheIdleTimeout() {
        try (Net net = new Net(1, 2)) {
            Node b = net.start(net.builder(2).liveness(100, 400));
            RawClient raw = net.rawClient(net.address(2));
            raw.send(new Handshake(Handshake.PROTOCOL_VERSION, CLUSTER, 1));
            assertEquals(HandshakeReply.ACCEPTED, raw.next());
            long t0 = System.nanoTime();

            assertTrue(raw.awaitClosed(), "the silent connection is still open");
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMillis >= 300, "closed after " + waitedMillis + " ms, before the idle timeout");
            assertEquals(0, b.inbox().size());
        }
    }

    @Test
    void sendsToAnUnknownPeerOrAfterCloseAreDroppedWithoutThrowing() {
        try (Net net = new Net(1, 2)) {
            Node a = net.start(1);
            Node b = net.start(2);
            net.awaitConnected(a, b);

            a.onLoop(() -> a.transport().send(vote(1, 9, 1)));
            assertEquals(1, a.stats().droppedNotConnected());

            a.transport().close();
            a.transport().close(); // idempotent
            long sentBefore = a.stats().requestsSent();
            a.onLoop(() -> a.transport().send(vote(1, 2, 2)));
            a.transport().send(vote(1, 2, 3)); // handed over to the loop...
            a.onLoop(() -> { });               // ...and done once this has run
            assertEquals(sentBefore, a.stats().requestsSent(), "a closed transport still sends");
            assertEquals(0, b.inbox().size());
        }
    }

    @Test
    void builderAndStartRejectMisuse() {
        try (Net net = new Net(1, 2)) {
            assertThrows(IllegalArgumentException.class,
                    () -> net.builder(1).peer(1, net.address(1)).build(), "a node listing itself");
            assertThrows(IllegalArgumentException.class, () -> net.builder(1).liveness(400, 400));
            assertThrows(IllegalArgumentException.class, () -> net.builder(1).reconnectBackoff(0, 10));
            assertThrows(IllegalArgumentException.class, () -> net.builder(1).maxPendingBytesPerPeer(1023));

            NettyTransport onLoop = net.builder(1).build();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> callOn(onLoop.loop(), () -> onLoop.start(m -> { })));
            assertTrue(e.getMessage().contains("event loop"), e.getMessage());
        }
    }

    /** As {@link NettyTransport#start}'s Javadoc promises. */
    @Test
    void startOnAPortInUseThrowsIllegalStateException() {
        try (Net net = new Net(1, 2)) {
            net.start(1);
            NettyTransport samePort = net.builder(1).build();
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> samePort.start(m -> { }));
                assertTrue(e.getMessage().contains("cannot listen on"), e.getMessage());
            } finally {
                samePort.close();
            }
        }
    }

    // ----------------------------------------------------------------------------------------
    // Fixtures shared by the NettyTransport*Test classes.

    /** A bounded Awaitility wait: 10 s, polling every 10 ms. */
    static ConditionFactory within() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
    }

    static RequestVote vote(int from, int to, long term) {
        return new RequestVote(from, to, term, 0, 0);
    }

    static AppendEntriesResponse ack(int from, int to, long term) {
        return AppendEntriesResponse.accept(from, to, term, 0);
    }

    /** Runs {@code task} on {@code loop} and returns its result, waiting at most 10 s. */
    static <T> T callOn(EventLoop loop, Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("the event loop did not run the task in 10 s", e);
        }
    }

    /**
     * A test network: one shared two-thread {@code EventLoopGroup}, a free loopback address
     * per node id, and everything started through it closed with it.
     */
    static final class Net implements AutoCloseable {
        final EventLoopGroup group = EventLoops.newGroup(2, "test-net");
        private final Map<Integer, InetSocketAddress> addresses;
        private final List<AutoCloseable> started = new ArrayList<>();

        Net(int... ids) {
            addresses = TestPorts.loopbackAddresses(ids);
        }

        InetSocketAddress address(int id) {
            return addresses.get(id);
        }

        /** Node {@code id} of {@link #CLUSTER}, knowing every other id of the net, on the next loop. */
        NettyTransport.Builder builder(int id) {
            return builder(CLUSTER, id, addresses.keySet().stream().mapToInt(Integer::intValue)
                    .filter(p -> p != id).toArray());
        }

        NettyTransport.Builder builder(String clusterId, int id, int... peers) {
            NettyTransport.Builder b = NettyTransport.builder(clusterId, id).listen(address(id))
                    .eventLoop(group.next()).reconnectBackoff(20, 200);
            for (int p : peers) {
                b.peer(p, address(p));
            }
            return b;
        }

        Node start(int id) {
            return start(builder(id));
        }

        Node start(NettyTransport.Builder builder) {
            NettyTransport t = builder.build();
            Inbox inbox = new Inbox(t.loop());
            started.add(t);
            t.start(inbox);
            return new Node(t, inbox);
        }

        RawClient rawClient(InetSocketAddress to) {
            RawClient c = new RawClient(group.next(), to);
            started.add(c);
            return c;
        }

        RawServer rawServer(InetSocketAddress at, Object push) {
            RawServer s = new RawServer(group.next(), at, push);
            started.add(s);
            return s;
        }

        void awaitConnected(Node a, Node b) {
            int ida = a.transport().nodeId();
            int idb = b.transport().nodeId();
            within().until(() -> a.transport().isConnectedTo(idb) && b.transport().isConnectedTo(ida));
        }

        @Override
        public void close() {
            List<AutoCloseable> all = new ArrayList<>(started);
            Collections.reverse(all);
            for (AutoCloseable c : all) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing the rest matters more
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** A started transport and the inbox its inbound messages go to. */
    record Node(NettyTransport transport, Inbox inbox) {
        TransportStats stats() {
            return transport.stats();
        }

        FaultInjector faults() {
            return transport.faults();
        }

        EventLoop loop() {
            return transport.loop();
        }

        /** Runs {@code task} on this node's loop, waiting at most 10 s. */
        void onLoop(Runnable task) {
            callOn(loop(), () -> {
                task.run();
                return null;
            });
        }

        <T> T onLoop(Callable<T> task) {
            return callOn(loop(), task);
        }
    }

    /**
     * The inbound consumer of a test node: records every message with its arrival time and
     * whether it arrived on the node's loop; can be made to block the loop on a latch.
     */
    static final class Inbox implements Consumer<RaftMessage> {
        private final EventLoop loop;
        private final List<RaftMessage> messages = new ArrayList<>();
        private final List<Long> arrivalNanos = new ArrayList<>();
        private final AtomicInteger offLoop = new AtomicInteger();
        private volatile CountDownLatch gate;

        Inbox(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void accept(RaftMessage m) {
            if (!loop.inEventLoop()) {
                offLoop.incrementAndGet();
            }
            synchronized (this) {
                messages.add(m);
                arrivalNanos.add(System.nanoTime());
            }
            CountDownLatch g = gate;
            if (g != null) {
                gate = null;
                try {
                    g.await(30, TimeUnit.SECONDS); // bounded: a failing test must not hang the loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The next message to arrive blocks the loop until {@code latch} opens (at most 30 s). */
        void blockOn(CountDownLatch latch) {
            gate = latch;
        }

        synchronized int size() {
            return messages.size();
        }

        synchronized List<RaftMessage> messages() {
            return List.copyOf(messages);
        }

        synchronized long arrivalNanos(int i) {
            return arrivalNanos.get(i);
        }

        int offLoopDeliveries() {
            return offLoop.get();
        }

        /**
         * Waits for {@code marker} and returns everything received up to and including it. A
         * connection keeps order, so once the marker is in, so is whatever was sent before it
         * on the same link without a delay.
         */
        List<RaftMessage> throughMarker(RaftMessage marker) {
            within().until(() -> messages().contains(marker));
            List<RaftMessage> all = messages();
            return all.subList(0, all.indexOf(marker) + 1);
        }
    }

    /** A plain Netty client speaking the wire codec, for handshakes and messages a real node would never send. */
    static final class RawClient implements AutoCloseable {
        private final Channel channel;
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

        RawClient(EventLoop loop, InetSocketAddress to) {
            channel = new Bootstrap().group(loop).channel(EventLoops.socketChannel(loop))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            WireCodec.install(ch.pipeline(), CodecLimits.DEFAULTS);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    received.add(msg);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect(to).syncUninterruptibly().channel();
        }

        void send(Object msg) {
            channel.writeAndFlush(msg).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        /** The next message from the node, waiting at most 5 s. */
        Object next() {
            try {
                Object m = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(m, "nothing received in 5 s");
                return m;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** True once the node has closed the connection (waiting at most 5 s). */
        boolean awaitClosed() {
            return channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A listener that accepts every handshake, then sends {@code push} if it is not null, and
     * otherwise stays silent: no Pong, nothing.
     */
    static final class RawServer implements AutoCloseable {
        final AtomicInteger handshakes = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        private final List<Object> others = Collections.synchronizedList(new ArrayList<>());
        private final Channel channel;

        RawServer(EventLoop loop, InetSocketAddress at, Object push) {
            channel = new ServerBootstrap().group(loop, loop).channel(EventLoops.serverChannel(loop))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            WireCodec.install(ch.pipeline(), CodecLimits.DEFAULTS);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof Handshake) {
                                        handshakes.incrementAndGet();
                                        ctx.write(HandshakeReply.ACCEPTED);
                                        if (push != null) {
                                            ctx.write(push);
                                        }
                                        ctx.flush();
                                    } else if (msg != Ping.INSTANCE) {
                                        others.add(msg);
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    closed.incrementAndGet();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind(at).syncUninterruptibly().channel();
        }

        List<Object> nonHandshakes() {
            synchronized (others) {
                return List.copyOf(others);
            }
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The bytes of {@code msgs} framed as a node writes them: 4-byte length, then the body. */
    static byte[] frames(Object... msgs) {
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
        byte[] body = new byte[4096];
        byte[] out = new byte[0];
        for (Object m : msgs) {
            int n = codec.encode(m, body);
            byte[] next = Arrays.copyOf(out, out.length + 4 + n);
            next[out.length] = (byte) (n >>> 24);
            next[out.length + 1] = (byte) (n >>> 16);
            next[out.length + 2] = (byte) (n >>> 8);
            next[out.length + 3] = (byte) n;
            System.arraycopy(body, 0, next, out.length + 4, n);
            out = next;
        }
        return out;
    }
}
