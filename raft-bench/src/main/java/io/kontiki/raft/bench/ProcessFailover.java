package io.kontiki.raft.bench;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Failover time with the Raft paper's Figure 16 method, with real server processes: N
 * {@code kontiki server} JVMs on 127.0.0.1 ({@link ProcessCluster}), fsync on, under a light
 * client write load through {@link KontikiClient} (one write every {@code --write-interval-ms},
 * 100 by default, NOT_LEADER hints followed; see {@link WriteLoad}). Per trial, once the cluster has settled (every node up, one leader known to
 * all, commit indexes caught up, then two heartbeat intervals), after a uniformly random offset
 * within the heartbeat interval, the leader's process is killed with SIGKILL; {@code t0} is
 * taken just before. Measured:
 * <ul>
 *   <li>{@code detect}: {@code t0} → the arrival here of the first survivor's log line
 *       "{@code -> LEADER in term T'}" with {@code T'} above the killed leader's term;</li>
 *   <li>{@code ready}: {@code t0} → the client's acknowledgement of the first write issued after
 *       {@code t0} (so committed under the new leader), retries by the client included; from
 *       {@code t0} the client probes with a write every {@value #PROBE_PERIOD_MILLIS} ms.</li>
 * </ul>
 * The killed node then restarts on its own data directory and ports. A trial that measures
 * nothing within {@link BenchSettings#trialTimeoutMillis} counts as a failure of its series.
 */
public final class ProcessFailover {

    /**
     * Enough that writes keep being issued every period while earlier ones wait out a failover
     * (the first write issued after the crash is the one that counts).
     */
    static final int MAX_IN_FLIGHT = 64;
    /** From the crash until a write is acknowledged, a write this often. */
    static final long PROBE_PERIOD_MILLIS = 10;
    private static final long PROBE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PROBE_PERIOD_MILLIS);
    /** Load before the first trial, so that the JIT's start-up work is mostly done. */
    static final long WARM_UP_MILLIS = 2_000;

    private ProcessFailover() {
    }

    /**
     * Runs {@code s.trials} trials on a fresh cluster of {@code nodes} processes and records
     * them in {@code detect} and {@code ready}.
     *
     * @param timeouts    {MIN, MAX} election timeout in ms; the servers randomize in [MIN, 2*MIN)
     * @param loss        per-message drop probability on every peer link
     * @param delayMillis each peer request delayed uniformly in [0, delayMillis] ms
     * @param oneWay      how many random directed peer links to cut (seeded)
     * @param seed        the series' seed (offsets, cuts, injected faults)
     * @throws IllegalStateException if a server process exits without being killed (with its
     *                               last output lines)
     */
    public static void runSeries(BenchSettings s, int nodes, long[] timeouts, double loss, long delayMillis,
                                 int oneWay, long seed, BenchReport.Series detect, BenchReport.Series ready) {
        runSeries(s, nodes, timeouts, loss, delayMillis, oneWay, seed, detect, ready, () -> { });
    }

    /** As above, calling {@code trialDone} after each trial (a progress bar's step). */
    static void runSeries(BenchSettings s, int nodes, long[] timeouts, double loss, long delayMillis, int oneWay,
                          long seed, BenchReport.Series detect, BenchReport.Series ready, Runnable trialDone) {
        Random random = new Random(seed);
        ProcessCluster.Faults faults = new ProcessCluster.Faults(loss, delayMillis, oneWayCuts(nodes, oneWay, random),
                seed);
        String label = "failover (processes) n" + nodes + " t" + timeouts[0] + "-" + timeouts[1] + " loss " + loss
                + (oneWay > 0 ? " cuts " + faults.cutTo() : "");
        try (ProcessCluster c = new ProcessCluster(nodes, s.heartbeatMillis, timeouts[0], faults);
             WriteLoad load = new WriteLoad(c.clientAddresses(), s.heartbeatMillis, s.writeIntervalMillis)) {
            c.startAll();
            long settleMillis = Math.max(s.trialTimeoutMillis, 20 * timeouts[1]);
            boolean warm = false;
            int retries = 0;
            for (int trial = 0; trial < s.trials; trial++) {
                long[] leaderAndTerm = settle(c, s.heartbeatMillis, settleMillis);
                if (leaderAndTerm != null && !warm) {
                    load.start();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WARM_UP_MILLIS));
                    warm = true;
                    leaderAndTerm = settle(c, s.heartbeatMillis, settleMillis);
                }
                if (leaderAndTerm == null) {
                    detect.failures += s.trials - trial;
                    ready.failures += s.trials - trial;
                    for (int left = trial; left < s.trials; left++) {
                        trialDone.run();
                    }
                    System.err.printf("%n%s: the cluster did not settle within %d ms before trial %d; series "
                            + "abandoned%n", label, settleMillis, trial);
                    break;
                }
                // A uniformly random point within the heartbeat interval.
                LockSupport.parkNanos((long) (random.nextDouble() * s.heartbeatMillis * 1_000_000L));
                int leader = (int) leaderAndTerm[0];
                StatusResponse ls = c.status(leader);
                if (ls == null || !ls.role().equals("LEADER") || ls.term() != leaderAndTerm[1]) {
                    if (++retries > 3 * s.trials) {
                        detect.failures++;
                        ready.failures++;
                        trialDone.run();
                    } else {
                        trial--; // leadership moved during the wait: settle again
                    }
                    continue;
                }
                long term = ls.term();
                long t0 = System.nanoTime();
                CompletableFuture<Long> firstAck = load.arm(t0);
                c.kill(leader);
                long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(s.trialTimeoutMillis);
                ProcessCluster.RoleChange elected = c.awaitLeader(term, leader, deadline);
                if (elected != null) {
                    detect.record(trial, elected.arrivalNanos() - t0);
                    countCandidacies(c.roleChanges(), t0, elected, detect);
                } else {
                    detect.failures++;
                }
                Long ack = await(firstAck, deadline);
                load.disarm();
                if (ack != null) {
                    ready.record(trial, ack - t0);
                } else {
                    ready.failures++;
                }
                c.start(leader); // on its own data directory and ports
                trialDone.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the process cluster", e);
        }
    }

    /**
     * Records in {@code detect}'s extras how many candidacies the survivors went through between
     * the kill and the election that ended it: one is a clean election; more are split votes or
     * rounds lost to dropped messages (each costs another election timeout).
     */
    static void countCandidacies(List<ProcessCluster.RoleChange> events, long t0, ProcessCluster.RoleChange elected,
                                 BenchReport.Series detect) {
        long candidacies = events.stream().filter(e -> e.to().equals("CANDIDATE")
                && e.arrivalNanos() - t0 >= 0 && e.arrivalNanos() - elected.arrivalNanos() <= 0).count();
        detect.extras.merge("candidacies", candidacies, (a, b) -> (Long) a + (Long) b);
        detect.extras.merge("failoversWithMoreThanOneCandidacy", candidacies > 1 ? 1L : 0L,
                (a, b) -> (Long) a + (Long) b);
    }

    /**
     * Waits (bounded) until every node answers its status, all of them in one term with one
     * leader, every commit index within two entries of the leader's; then two more heartbeat
     * intervals. Returns {leader id, term}, or null if that did not happen in time.
     */
    static long[] settle(ProcessCluster c, long heartbeatMillis, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() - deadline < 0) {
            long[] found = agreedLeader(c, c.statuses());
            if (found != null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * heartbeatMillis));
                StatusResponse still = c.status((int) found[0]);
                if (still != null && still.role().equals("LEADER") && still.term() == found[1]) {
                    return found;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return null;
    }

    private static long[] agreedLeader(ProcessCluster c, Map<Integer, StatusResponse> statuses) {
        if (statuses.size() != c.size()) {
            return null;
        }
        StatusResponse leader = statuses.values().stream().filter(x -> x.role().equals("LEADER")).findFirst()
                .orElse(null);
        if (leader == null) {
            return null;
        }
        for (StatusResponse st : statuses.values()) {
            if (st.term() != leader.term() || st.leaderId() != leader.nodeId()
                    || st.commitIndex() < leader.commitIndex() - 2) {
                return null;
            }
        }
        return new long[] {leader.nodeId(), leader.term()};
    }

    /**
     * {@code count} random directed links i → j, drawn as the in-process mode draws them
     * ({@link InProcessCluster#chooseCuts}), as node id → the peers it cannot send to.
     */
    static Map<Integer, Set<Integer>> oneWayCuts(int nodes, int count, Random random) {
        Map<Integer, Set<Integer>> out = new HashMap<>();
        for (int[] l : InProcessCluster.chooseCuts(nodes, count, random)) {
            out.computeIfAbsent(l[0] + 1, k -> new TreeSet<>()).add(l[1] + 1);
        }
        return out;
    }

    private static Long await(CompletableFuture<Long> f, long deadlineNanos) {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The light client load: a write every {@code writeIntervalMillis}, async, at most
     * {@value #MAX_IN_FLIGHT} in flight (a tick with none free issues nothing). From
     * {@link #arm} (the crash) until the first write issued since then is acknowledged OK, the
     * client also probes: a write at once, then one every {@value #PROBE_PERIOD_MILLIS} ms, so
     * that {@code ready} measures when the cluster takes writes again, not when the light load
     * happens to send its next one. That acknowledgement's time completes the future
     * {@link #arm} returned.
     */
    static final class WriteLoad implements AutoCloseable {

        /** The writes that count for the current trial: issued at or after {@code since}. */
        private record Armed(long since, CompletableFuture<Long> firstAck) {
        }

        private final KontikiClient client;
        private final Thread thread;
        private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
        private static final Armed DISARMED = new Armed(Long.MAX_VALUE, new CompletableFuture<>());

        private final long periodNanos;
        private volatile Armed armed = DISARMED;
        private volatile boolean stopped;

        WriteLoad(Map<Integer, InetSocketAddress> nodes, long heartbeatMillis, long writeIntervalMillis) {
            this.periodNanos = TimeUnit.MILLISECONDS.toNanos(writeIntervalMillis);
            this.client = new KontikiClient(List.copyOf(nodes.values()), KontikiClient.Options.defaults()
                    .withNodeAddresses(nodes)
                    .withAttemptTimeout(Duration.ofMillis(2 * heartbeatMillis))
                    .withConnectTimeout(Duration.ofMillis(2 * heartbeatMillis))
                    .withTimeout(Duration.ofSeconds(2)));
            this.thread = new Thread(this::run, "process-failover-writer");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        CompletableFuture<Long> arm(long since) {
            Armed a = new Armed(since, new CompletableFuture<>());
            armed = a;
            LockSupport.unpark(thread);
            return a.firstAck();
        }

        void disarm() {
            armed = DISARMED;
        }

        private void run() {
            byte[] value = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
            long next = System.nanoTime();
            long n = 0;
            Armed seen = DISARMED;
            while (!stopped) {
                long now = System.nanoTime();
                Armed a = armed;
                if (a != seen) {
                    seen = a;
                    next = now; // a trial began: the first probe goes at once
                }
                if (now - next >= 0) {
                    issue("bench-" + (n++ % 16), value);
                    boolean probing = a != DISARMED && !a.firstAck().isDone();
                    next = now + (probing ? PROBE_PERIOD_NANOS : periodNanos);
                }
                LockSupport.parkNanos(Math.max(1, Math.min(next - System.nanoTime(), PROBE_PERIOD_NANOS)));
            }
        }

        private void issue(String key, byte[] value) {
            if (!slots.tryAcquire()) {
                return; // all slots taken: skip this write
            }
            long issued = System.nanoTime();
            try {
                client.putAsync(key, value).whenComplete((ok, failed) -> {
                    long now = System.nanoTime();
                    slots.release();
                    Armed a = armed;
                    if (failed == null && issued >= a.since()) {
                        a.firstAck().complete(now);
                    }
                });
            } catch (RuntimeException e) {
                slots.release(); // a refused write (the client closing): skip it
            }
        }

        @Override
        public void close() {
            stopped = true;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }
}
