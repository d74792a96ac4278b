package io.kontiki.raft.bench;

import io.netty.channel.EventLoopGroup;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Failover time with the Raft paper's Figure 16 method. {@code --mode process} (the default of
 * {@link #main}) runs one server JVM per node and kills the leader with SIGKILL
 * ({@link ProcessFailover}); {@code --mode in-process}, described here, is a stable N-node cluster
 * under a light write load (one proposal on the leader every {@code --write-interval-ms}, 100
 * by default); at a uniformly random point within the heartbeat interval the leader crashes
 * (its RaftNode and its NettyTransport close at once). Per trial:
 * <ul>
 *   <li>{@code detect}: crash → a survivor is leader in a higher term;</li>
 *   <li>{@code ready}: crash → the first write proposed on the new leader commits.</li>
 * </ul>
 * The crashed node then restarts from its own (in-memory) storage, with the series' faults
 * (loss, delay jitter, one-way cuts), and the cluster settles before the next trial.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.FailoverBenchmark \
 *     --nodes 3 --timeouts 150-300 --trials 50 --loss 0,0.1 [--mode in-process] [--delay 0,5] [--one-way 0,1]
 * </pre>
 */
public final class FailoverBenchmark {

    static final String NAME = "failover";

    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchReport.runMain(args, BenchSettings.PROCESS, FailoverBenchmark::check, FailoverBenchmark::run);
    }

    /** The checks beyond the shared flags': a survivor majority needs 3 nodes. */
    static void check(BenchSettings s) {
        s.requireNodesAtLeast(3, NAME);
    }

    public static BenchReport run(BenchSettings s) throws Exception {
        check(s);
        BenchReport report = new BenchReport(NAME, s);
        EventLoopGroup group = InProcessCluster.newLoopGroup(s);
        ProgressBar progress = new ProgressBar(NAME, s.totalTrials());
        try {
            for (BenchSettings.Point p : s.sweep()) {
                BenchReport.Series detect = report.series("detect", p);
                BenchReport.Series ready = report.series("ready", p);
                progress.series(detect.label());
                if (s.mode.equals(BenchSettings.PROCESS)) {
                    runProcessSeries(s, p, detect, ready, progress);
                } else {
                    runSeries(group, s, p, detect, ready, progress);
                }
            }
        } finally {
            InProcessCluster.shutdown(group);
        }
        progress.finish();
        return report;
    }

    /** One series with one server JVM per node, the leader killed with SIGKILL ({@link ProcessFailover}). */
    private static void runProcessSeries(BenchSettings s, BenchSettings.Point p, BenchReport.Series detect,
                                         BenchReport.Series ready, ProgressBar progress) {
        ProcessFailover.runSeries(s, p.nodes(), p.timeouts(), p.loss(), p.delayMillis(), p.oneWay(), p.seed(),
                detect, ready, progress::step);
    }

    private static void runSeries(EventLoopGroup group, BenchSettings s, BenchSettings.Point p,
                                  BenchReport.Series detect, BenchReport.Series ready, ProgressBar progress)
            throws Exception {
        long[] t = p.timeouts();
        Random random = new Random(p.seed());
        AtomicBoolean stop = new AtomicBoolean();
        try (InProcessCluster c = new InProcessCluster(group, p.nodes(), s.heartbeatTicks(),
                BenchSettings.electionTicks(t), p.seed())) {
            c.applyFaults(p.loss(), p.delayMillis(), p.oneWay(), new Random(p.seed()));
            c.startAll();
            Thread writer = new Thread(() -> writeLoad(c, stop, s.writeIntervalMillis), "bench-writer");
            writer.setDaemon(true);
            writer.start();
            try {
                int retries = 0;
                for (int trial = 0; trial < s.trials; trial++) {
                    if (!settle(c, s, t, p.oneWay() > 0)) {
                        int left = s.trials - trial;
                        detect.failures += left;
                        ready.failures += left;
                        progress.step(left);
                        System.err.printf("%nfailover: the cluster did not settle before trial %d; series abandoned%n",
                                trial);
                        break;
                    }
                    // A uniformly random point within the heartbeat interval.
                    long offsetNanos = (long) (random.nextDouble() * s.heartbeatMillis * 1_000_000L);
                    LockSupport.parkNanos(offsetNanos);
                    int l = c.leader();
                    if (l < 0) {
                        if (++retries > 3 * s.trials) {
                            detect.failures++;
                            ready.failures++;
                            progress.step();
                        } else {
                            trial--; // leadership moved during the wait: settle again
                        }
                        continue;
                    }
                    long term = c.status(l).term();
                    long crash = System.nanoTime();
                    c.crash(l);
                    long deadline = crash + TimeUnit.MILLISECONDS.toNanos(s.trialTimeoutMillis);
                    if (InProcessCluster.await(() -> c.leaderAbove(term) >= 0, s.trialTimeoutMillis, 200)) {
                        detect.record(trial, System.nanoTime() - crash);
                        if (ElectionBenchmark.commitOneWrite(c, deadline)) {
                            ready.record(trial, System.nanoTime() - crash);
                        } else {
                            ready.failures++;
                        }
                    } else {
                        detect.failures++;
                        ready.failures++;
                    }
                    c.start(l); // restart from the crashed node's own storage, with the same faults
                    progress.step();
                }
            } finally {
                stop.set(true);
                writer.join(5_000);
            }
        }
    }

    /**
     * Waits (bounded) until every node is up, a leader is known to all (with one-way cuts: to a
     * majority, as a node cut off from the leader never hears of it), their commit indexes have
     * reached the leader's, then two more heartbeat intervals.
     */
    private static boolean settle(InProcessCluster c, BenchSettings s, long[] t, boolean majorityOnly) {
        long timeout = Math.max(s.trialTimeoutMillis, 20 * t[1]);
        int needed = majorityOnly ? c.size() / 2 + 1 : c.size();
        boolean ok = InProcessCluster.await(() -> {
            for (int i = 0; i < c.size(); i++) {
                if (!c.isUp(i)) {
                    return false;
                }
            }
            return c.followingLeader(2) >= needed;
        }, timeout, 1000);
        if (ok) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * s.heartbeatMillis));
        }
        return ok && c.leader() >= 0;
    }

    /** A light client load: one proposal on the current leader every {@code writeIntervalMillis}, until stopped. */
    private static void writeLoad(InProcessCluster c, AtomicBoolean stop, long writeIntervalMillis) {
        byte[] payload = new byte[16];
        while (!stop.get()) {
            try {
                int l = c.leader();
                if (l >= 0) {
                    c.node(l).proposeAsync(payload);
                }
            } catch (RuntimeException e) {
                // a node being replaced: skip this write
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(writeIntervalMillis));
        }
    }
}
