package io.kontiki.raft.bench;

import io.kontiki.raft.core.ProposeResult;
import io.kontiki.raft.transport.netty.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of an N-node in-process cluster (RaftNodes on NettyTransports over 127.0.0.1, one
 * shared event-loop group, InMemoryStorage): per trial, the time until a leader is elected
 * ({@code elect}) and until a first write proposed on it commits ({@code write}), both measured
 * from the moment the nodes start.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.ElectionBenchmark \
 *     --nodes 3,5 --timeouts 150-300 --trials 50 --loss 0,0.1 --seed 1 --out bench-results
 * </pre>
 */
public final class ElectionBenchmark {

    static final String NAME = "election";

    private ElectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchReport.runMain(args, ElectionBenchmark::run);
    }

    public static BenchReport run(BenchSettings s) throws Exception {
        BenchReport report = new BenchReport(NAME, s);
        int maxNodes = s.nodes.stream().mapToInt(Integer::intValue).max().orElse(3);
        EventLoopGroup group = EventLoops.newGroup(maxNodes, "bench-loop");
        try {
            int seriesNo = 0;
            for (double loss : s.loss) {
                for (int n : s.nodes) {
                    for (long[] t : s.timeouts) {
                        String tl = BenchSettings.timeoutLabel(t);
                        BenchReport.Series elect = report.series("elect", loss, n, tl);
                        BenchReport.Series write = report.series("write", loss, n, tl);
                        for (int trial = 0; trial < s.trials; trial++) {
                            long trialSeed = s.seed * 1_000_000L + seriesNo * 10_000L + trial;
                            trial(group, s, n, t, loss, trialSeed, trial, elect, write);
                            progress(NAME, loss, n, tl, trial + 1, s.trials);
                        }
                        seriesNo++;
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        System.err.println();
        return report;
    }

    private static void trial(EventLoopGroup group, BenchSettings s, int n, long[] t, double loss, long seed,
                              int trial, BenchReport.Series elect, BenchReport.Series write) throws Exception {
        try (InProcessCluster c = new InProcessCluster(group, n, s.heartbeatTicks(), BenchSettings.electionTicks(t),
                loss, seed)) {
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

    static void progress(String bench, double loss, int n, String t, int done, int total) {
        int width = 30;
        int filled = (int) ((long) done * width / total);
        System.err.printf("\r%s loss=%.3f nodes=%d timeouts=%s [%s%s] %d/%d", bench, loss, n, t,
                "#".repeat(filled), ".".repeat(width - filled), done, total);
        if (done == total) {
            System.err.println();
        }
    }
}
