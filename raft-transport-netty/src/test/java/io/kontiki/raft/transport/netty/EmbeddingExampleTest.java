package io.kontiki.raft.transport.netty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.log.EntryType;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding example, compiled and run so that it cannot rot: another system starts
 * three Raft nodes on the Netty transport with its own state machine (a replicated counter) and
 * replicates an update through them.
 */
class EmbeddingExampleTest {

    @Test
    void threeEmbeddedNodesReplicateTheApplicationsOwnStateMachine() {
        Map<Integer, InetSocketAddress> addresses = TestPorts.loopbackAddresses(1, 2, 3);
        Map<Integer, AtomicLong> counters = new TreeMap<>();
        List<RaftNode> nodes = new ArrayList<>();
        List<NettyTransport> transports = new ArrayList<>();
        List<ExecutorService> applyThreads = new ArrayList<>();
        EventLoopGroup group = EventLoops.newGroup(3, "embedded-raft");
        try {
            // --- the example (README "Embedding Kontiki") ---
            for (int id : addresses.keySet()) {
                EventLoop loop = group.next();                       // the node's Raft loop = its channels' loop
                Map<Integer, InetSocketAddress> peers = new TreeMap<>(addresses);
                peers.remove(id);
                NettyTransport transport = NettyTransport.builder("counter-cluster", id)
                        .listen(addresses.get(id)).peers(peers).eventLoop(loop).build();
                AtomicLong counter = new AtomicLong();                // the application's state
                ExecutorService applyThread = Executors.newSingleThreadExecutor();
                RaftNode node = RaftNode.builder(RaftConfig.builder(id, List.copyOf(addresses.keySet())).build())
                        .loop(EventLoops.asLoopExecutor(loop))
                        .transport(transport)
                        .storage(new InMemoryStorage())               // or a durable Storage
                        .random(new Random())
                        .applyExecutor(applyThread)                   // never the event loop
                        .stateMachine(entry -> {
                            if (entry.type() == EntryType.COMMAND) {
                                counter.addAndGet(ByteBuffer.wrap(entry.data()).getLong());
                            }
                        })
                        .start();
                transport.start(node::receive);
                counters.put(id, counter);
                nodes.add(node);
                transports.add(transport);
                applyThreads.add(applyThread);
            }
            RaftNode leader = await().atMost(Duration.ofSeconds(10))
                    .until(() -> nodes.stream().filter(n -> n.status().isLeader()).findFirst().orElse(null),
                            n -> n != null);
            ProposeResult r = leader.propose(ByteBuffer.allocate(8).putLong(42).array());
            // --- end of the example ---

            assertTrue(r.isLeader());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    counters.values().forEach(c -> assertEquals(42, c.get())));
        } finally {
            nodes.forEach(RaftNode::close);
            transports.forEach(NettyTransport::close);
            applyThreads.forEach(ExecutorService::shutdownNow);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
