package io.kontiki.raft.bench;

import io.kontiki.raft.core.ProposeResult;
import io.netty.channel.EventLoopGroup;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of an N-node in-process cluster (RaftNodes on NettyTransports over 127.0.0.1, one
 * shared event-loop group, InMemoryStorage): per trial, the time until a leader is elected
 * ({@code elect}) and until a first write proposed on it commits ({@code write}), both measured
 * from the moment the nodes start. Faults (loss, delay jitter, one-way cuts) are set on every
 * link before the nodes start.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.ElectionBenchmark \
 *     --nodes 3,5 --timeouts 150-300 --trials 50 --loss 0,0.1 --delay 0,5 --one-way 0,1 --seed 1 --out bench-results
 * </pre>
 */
public final class ElectionBenchmark {

    static final String NAME = "election";

    private ElectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchReport.runMain(args, ElectionBenchmark::check, ElectionBenchmark::run);
    }

    /** The checks beyond the shared flags': this benchmark runs in-process only. */
    static void check(BenchSettings s) {
        if (!s.mode.equals(BenchSettings.IN_PROCESS)) {
            throw new IllegalArgumentException("the election benchmark runs --mode in-process only, got --mode " + s.mode);
        }
    }

    public static BenchReport run(BenchSettings s) throws Exception {
        check(s);
        BenchReport report = new BenchReport(NAME, s);
        EventLoopGroup group = InProcessCluster.newLoopGroup(s);
        ProgressBar progress = new ProgressBar(NAME, s.totalTrials());
        try {
            for (BenchSettings.Point p : s.sweep()) {
                BenchReport.Series elect = report.series("elect", p);
                BenchReport.Series write = report.series("write", p);
                progress.series(elect.label());
                for (int trial = 0; trial < s.trials; trial++) {
                    trial(group, s, p, p.seed() + trial, trial, elect, write);
                    progress.step();
                }
            }
        } finally {
            InProcessCluster.shutdown(group);
        }
        progress.finish();
        return report;
    }

    /** One cold start; the one-way cuts are drawn from the series seed, so every trial of a series cuts the same links. */
    private static void trial(EventLoopGroup group, BenchSettings s, BenchSettings.Point p, long seed, int trial,
                              BenchReport.Series elect, BenchReport.Series write) throws Exception {
        try (InProcessCluster c = new InProcessCluster(group, p.nodes(), s.heartbeatTicks(),
                BenchSettings.electionTicks(p.timeouts()), seed)) {
            c.applyFaults(p.loss(), p.delayMillis(), p.oneWay(), new Random(p.seed()));
            long start = System.nanoTime();
            c.startAll();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(s.trialTimeoutMillis);
            if (!InProcessCluster.await(() -> c.leader() >= 0, s.trialTimeoutMillis, 200)) {
                elect.failures++;
                write.failures++;
                return;
            }
            elect.record(trial, System.nanoTime() - start);
            if (!commitOneWrite(c, deadline)) {
                write.failures++;
                return;
            }
            write.record(trial, System.nanoTime() - start);
        }
    }

    /** Proposes one write on the current leader and waits until the leader's commit index reaches it. */
    static boolean commitOneWrite(InProcessCluster c, long deadlineNanos) {
        byte[] payload = new byte[16];
        for (int attempt = 0; attempt < 100 && System.nanoTime() - deadlineNanos < 0; attempt++) {
            int l = c.leader();
            if (l < 0) {
                InProcessCluster.await(() -> c.leader() >= 0, remainingMillis(deadlineNanos), 200);
                continue;
            }
            ProposeResult r = c.node(l).propose(payload);
            if (!r.isLeader()) {
                continue;
            }
            long index = r.index();
            long term = r.term();
            boolean ok = InProcessCluster.await(() -> {
                var st = c.status(l);
                return st.commitIndex() >= index || !st.isLeader() || st.term() != term;
            }, remainingMillis(deadlineNanos), 100);
            var st = c.status(l);
            if (ok && st.commitIndex() >= index && st.term() == term) {
                return true;
            }
        }
        return false;
    }

    static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
