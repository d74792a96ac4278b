package io.kontiki.raft.bench;

import io.kontiki.raft.core.PersistentState;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftCore;
import io.kontiki.raft.core.RaftObserver;
import io.kontiki.raft.core.Ready;
import io.kontiki.raft.core.message.AppendEntries;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A hot path of the core: a follower steps a heartbeat from its leader, then the driver's part
 * of one loop turn, as {@code RaftNode.flush} does it: {@code hasReady()}, {@code ready()}
 * (which carries the AppendEntriesResponse) and {@code advance()}. Nothing to persist in the
 * steady state: the term was adopted in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreStepBenchmark {

    private RaftCore follower;
    private AppendEntries heartbeat;

    @Setup(Level.Trial)
    public void setUp() {
        follower = newFollower();
        heartbeat = BenchMessages.heartbeat();
        stepHeartbeat(follower, heartbeat); // adopt the leader's term once
    }

    @Benchmark
    public Ready stepHeartbeat() {
        return stepHeartbeat(follower, heartbeat);
    }

    /** A follower (node 2 of {1, 2}) that never campaigns on its own. */
    public static RaftCore newFollower() {
        RaftConfig config = RaftConfig.builder(BenchMessages.FOLLOWER,
                        List.of(BenchMessages.LEADER, BenchMessages.FOLLOWER))
                .electionTicks(1_000_000).noopOnElection(false).build();
        return new RaftCore(config, new Random(1), PersistentState.EMPTY, RaftObserver.NONE);
    }

    /** Steps {@code m} and drains one Ready as the driver would; returns it (null if none). */
    public static Ready stepHeartbeat(RaftCore core, AppendEntries m) {
        core.step(m);
        if (!core.hasReady()) {
            return null;
        }
        Ready ready = core.ready();
        core.advance(ready);
        return ready;
    }
}
