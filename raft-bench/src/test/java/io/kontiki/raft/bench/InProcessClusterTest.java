package io.kontiki.raft.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.LinkFaults;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InProcessClusterTest {

    private EventLoopGroup group;

    @BeforeEach
    void group() {
        group = EventLoops.newGroup(3, "test-loop");
    }

    @AfterEach
    void shutdown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(30)
    void faultsApplyToEveryLinkAndSurviveARestart() throws Exception {
        try (InProcessCluster c = new InProcessCluster(group, 3, 5, 15, 11)) {
            c.applyFaults(0.2, 5, 1, new Random(3));
            c.startAll();
            assertEquals(1, c.cutLinks().size());
            int from = c.cutLinks().get(0)[0];
            int to = c.cutLinks().get(0)[1];
            int other = 3 - from - to;
            LinkFaults lossAndDelay = LinkFaults.loss(0.2).withDelay(0, 5);
            assertEquals(lossAndDelay.withCut(true), c.transport(from).faults().faultsFor(to + 1));
            assertEquals(lossAndDelay, c.transport(from).faults().faultsFor(other + 1));
            assertEquals(lossAndDelay, c.transport(to).faults().faultsFor(from + 1));

            await().atMost(Duration.ofSeconds(20)).until(() -> c.leader() >= 0
                    && c.transport(from).stats().droppedByFaults() > 0 && c.transport(other).stats().droppedByFaults() > 0);

            NettyTransport before = c.transport(from);
            c.crash(from);
            c.start(from);
            assertNotSame(before, c.transport(from));
            assertTrue(c.transport(from).faults().faultsFor(to + 1).cut(), "the cut is set again on restart");
            assertEquals(lossAndDelay, c.transport(from).faults().faultsFor(other + 1));
        }
    }

    @Test
    void theSameSeedCutsTheSameLinks() throws Exception {
        try (InProcessCluster a = new InProcessCluster(group, 5, 5, 15, 1);
             InProcessCluster b = new InProcessCluster(group, 5, 5, 15, 2)) {
            a.applyFaults(0, 0, 3, new Random(9));
            b.applyFaults(0, 0, 3, new Random(9));
            assertEquals(3, a.cutLinks().size());
            for (int i = 0; i < 3; i++) {
                assertEquals(a.cutLinks().get(i)[0], b.cutLinks().get(i)[0]);
                assertEquals(a.cutLinks().get(i)[1], b.cutLinks().get(i)[1]);
            }
        }
    }
}
