package io.kontiki.raft.testkit;

import static io.kontiki.raft.testkit.LabScenario.BASIC_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FAIL_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FIGURE8_UNRELIABLE_2C;
import static io.kontiki.raft.testkit.LabScenario.INITIAL_ELECTION_2A;
import static io.kontiki.raft.testkit.LabScenario.RE_ELECTION_2A;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Five lab scenarios on real threads and real time ({@link RealTimeCluster}): every node has
 * its own event-loop thread and apply thread, proposals hop from scenario threads onto the
 * loops, messages cross threads through the lab's network model. This exercises
 * {@code RaftNode}'s hand-offs under real concurrency, which the simulator (one logical thread)
 * cannot. Isolated so that no simulated seeds compete for the two cores meanwhile.
 */
@Isolated
class RealThreadsLabTest {

    /** The seed of the real-time runs; {@code -Dkontiki.realSeed=N} changes it. */
    private static final long SEED = Long.getLong("kontiki.realSeed", 1);

    @Test
    void initialElection2AOnRealThreads() {
        RealTimeLab.run(INITIAL_ELECTION_2A, SEED);
    }

    @Test
    void reElection2AOnRealThreads() {
        RealTimeLab.run(RE_ELECTION_2A, SEED);
    }

    @Test
    void basicAgree2BOnRealThreads() {
        RealTimeLab.run(BASIC_AGREE_2B, SEED);
    }

    @Test
    void failAgree2BOnRealThreads() {
        RealTimeLab.run(FAIL_AGREE_2B, SEED);
    }

    @Test
    void figure8Unreliable2COnRealThreads() {
        RealTimeLab.run(FIGURE8_UNRELIABLE_2C, SEED);
    }

    @Test
    void snapshotInit2DOnRealThreads() {
        RealTimeLab.run(LabScenario.SNAPSHOT_INIT_2D, SEED);
    }

    /** Every node's loop and apply thread is gone once a run closed its cluster. */
    @AfterEach
    void closedClustersLeaveNoRaftThreadsBehind() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> raftThreads().isEmpty());
        assertTrue(raftThreads().isEmpty(), () -> "threads left: " + raftThreads());
    }

    private static Set<String> raftThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("raft-") || n.startsWith("apply-") || n.startsWith("storage-") || n.startsWith("lab-network"))
                .collect(Collectors.toSet());
    }
}
