package io.kontiki.raft.bench;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Heartbeats at the configured interval in a quiet in-process cluster (RaftNodes on
 * NettyTransports over 127.0.0.1, one JVM): no crash, no client write. Per sweep point and run,
 * the cluster starts with the point's faults (loss, delay jitter, one-way cuts), a leader is
 * awaited (bounded by {@code --trial-timeout-ms}), the cluster settles for two maximum election
 * timeouts, then {@code --duration} seconds are observed. Figures of the window:
 * <ul>
 *   <li>{@code sent}: AppendEntries the leader's core handed to its transport, counted before
 *       the transport's faults. With no client write these are heartbeats (plus, after a leader
 *       change, the new leader's no-op and any catch-up).</li>
 *   <li>{@code delivered}: AppendEntries the followers' transports handed to their RaftNodes;
 *       {@code fraction = delivered / sent}. Both ends are counted over the same wall-clock
 *       window, so a message in flight at an edge of it lands on one side only: at most one per
 *       link per edge.</li>
 *   <li>{@code elections}: moves to candidate (each a new term). Nothing crashed, so every
 *       election is needless: {@code electionsPerMin}. {@code leaderChanges}: moves to leader
 *       (a new term, whether or not the same node), {@code leaderChangesPerMin}.</li>
 *   <li>the series {@code gap}, an HdrHistogram in ms: per node, the time between two
 *       consecutive AppendEntries it receives (across its own candidacies, not across a time as
 *       leader). Its tail is what starts needless elections: a node campaigns once a gap exceeds
 *       its randomized election timeout.</li>
 * </ul>
 * {@code --trials} is the number of independent runs per point (fresh cluster, next seed); the
 * figures are summed over them. {@code unsettled} counts runs whose window began without a
 * leader followed by all nodes (with one-way cuts: by a majority) within the trial timeout; the
 * window is observed anyway.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.HeartbeatBenchmark --part interval \
 *     --nodes 3,5 --timeouts 150-300,1000-2000 --loss 0,0.01,0.05,0.1,0.2,0.3 --duration 60 --out bench-results
 * </pre>
 */
public final class HeartbeatIntervalBenchmark {

    static final String NAME = "heartbeat";
    static final String GAP = "gap";

    private HeartbeatIntervalBenchmark() {
    }

    /** The checks beyond the shared flags': in-process only, and a leader needs followers. */
    static void check(BenchSettings s) {
        if (!s.mode.equals(BenchSettings.IN_PROCESS)) {
            throw new IllegalArgumentException("the heartbeat benchmark runs --mode in-process only, got --mode "
                    + s.mode);
        }
        s.requireNodesAtLeast(2, NAME);
    }

    /** Runs every point of the sweep; the {@code gap} series carry the other figures as extras. */
    public static BenchReport run(BenchSettings s) throws Exception {
        check(s);
        BenchReport report = new BenchReport(NAME, s);
        EventLoopGroup group = InProcessCluster.newLoopGroup(s);
        ProgressBar progress = new ProgressBar(NAME, s.totalTrials() * s.durationSeconds);
        try {
            for (BenchSettings.Point p : s.sweep()) {
                BenchReport.Series gap = report.series(GAP, p);
                progress.series(gap.label());
                Window total = Window.EMPTY;
                for (int trial = 0; trial < s.trials; trial++) {
                    total = total.plus(observe(group, s, p, p.seed() + trial, trial, gap, progress));
                }
                total.putInto(gap.extras);
            }
        } finally {
            InProcessCluster.shutdown(group);
        }
        progress.finish();
        return report;
    }

    /** The counts of observed windows, summed over runs. */
    record Window(long sent, long delivered, long elections, long leaderChanges, long nanos, int runs,
                  int unsettled) {
        static final Window EMPTY = new Window(0, 0, 0, 0, 0, 0, 0);

        Window plus(Window o) {
            return new Window(sent + o.sent, delivered + o.delivered, elections + o.elections,
                    leaderChanges + o.leaderChanges, nanos + o.nanos, runs + o.runs, unsettled + o.unsettled);
        }

        double fraction() {
            return sent == 0 ? Double.NaN : (double) delivered / sent;
        }

        double perMinute(long count) {
            return nanos == 0 ? Double.NaN : count * 60e9 / nanos;
        }

        /** In table order: the figures, then the counts behind the rates. */
        void putInto(Map<String, Object> extras) {
            extras.put("sent", sent);
            extras.put("delivered", delivered);
            extras.put("fraction", fraction());
            extras.put("electionsPerMin", perMinute(elections));
            extras.put("leaderChangesPerMin", perMinute(leaderChanges));
            extras.put("elections", elections);
            extras.put("leaderChanges", leaderChanges);
            extras.put("seconds", Math.round(nanos / 1e6) / 1e3);
            extras.put("runs", runs);
            extras.put("unsettled", unsettled);
        }
    }

    /** One run: start, settle, observe {@code --duration} seconds; the gaps go into {@code gap}. */
    private static Window observe(EventLoopGroup group, BenchSettings s, BenchSettings.Point p, long seed, int trial,
                                  BenchReport.Series gap, ProgressBar progress) throws Exception {
        Gaps gaps = new Gaps();
        try (InProcessCluster c = new InProcessCluster(group, p.nodes(), s.heartbeatTicks(),
                BenchSettings.electionTicks(p.timeouts()), seed)) {
            c.applyFaults(p.loss(), p.delayMillis(), p.oneWay(), new Random(p.seed()));
            c.onAppendEntriesGap(gaps::record);
            c.startAll();
            boolean settled = settle(c, s, p);

            // Sent before delivered at both edges, so that a message in flight is counted at both ends or at neither.
            gaps.recording = true;
            long sent0 = c.appendEntriesSent();
            long delivered0 = c.appendEntriesReceived();
            long elections0 = c.electionsStarted();
            long leaders0 = c.leadershipsWon();
            long start = System.nanoTime();
            for (long second = 1; second <= s.durationSeconds; second++) {
                long until = start + TimeUnit.SECONDS.toNanos(second);
                for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                progress.step();
            }
            long sent1 = c.appendEntriesSent();
            long delivered1 = c.appendEntriesReceived();
            long elections1 = c.electionsStarted();
            long leaders1 = c.leadershipsWon();
            long nanos = System.nanoTime() - start;
            gaps.recording = false;
            c.onAppendEntriesGap(null);
            for (long g : gaps.take()) {
                gap.record(trial, g);
            }
            return new Window(sent1 - sent0, delivered1 - delivered0, elections1 - elections0, leaders1 - leaders0,
                    nanos, 1, settled ? 0 : 1);
        }
    }

    /**
     * Waits (bounded by {@code --trial-timeout-ms}) until a leader is followed by every node
     * (with one-way cuts: by a majority, as a node cut off from the leader never hears of it),
     * then two maximum election timeouts more, whatever the outcome. Returns whether a leader
     * was followed.
     */
    private static boolean settle(InProcessCluster c, BenchSettings s, BenchSettings.Point p) {
        int needed = p.oneWay() > 0 ? c.size() / 2 + 1 : c.size();
        boolean ok = InProcessCluster.await(() -> c.followingLeader(Long.MAX_VALUE) >= needed,
                s.trialTimeoutMillis, 1000);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * p.timeouts()[1]));
        return ok;
    }

    /** The gaps of one window; written by the nodes' loops, taken by the benchmark thread after it. */
    private static final class Gaps {
        volatile boolean recording;
        private final List<Long> nanos = new ArrayList<>();

        void record(int node, long gapNanos) {
            if (recording) {
                synchronized (this) {
                    nanos.add(gapNanos);
                }
            }
        }

        synchronized List<Long> take() {
            List<Long> out = List.copyOf(nanos);
            nanos.clear();
            return out;
        }
    }
}
