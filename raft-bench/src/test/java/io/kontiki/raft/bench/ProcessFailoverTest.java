package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.server.storage.DataDirectory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The separate-process failover benchmark ({@link ProcessFailover}, {@link ProcessCluster}):
 * real {@code kontiki server} JVMs, the leader killed with SIGKILL, Raft's Figure 16 method
 * (§9.3 of the paper). Every trial measures detect and ready; no server process outlives the
 * cluster; a server that dies on its own is reported with its last output lines.
 */
class ProcessFailoverTest {

    private static final long SEED = 7;

    @Test
    @Timeout(90)
    void everyTrialMeasuresDetectThenReadyAndNoServerOutlivesTheSeries() {
        BenchSettings s = BenchSettings.parse(new String[] {"--trials", "3", "--heartbeat-ms", "50",
                "--trial-timeout-ms", "10000"});
        BenchReport report = new BenchReport("failover", s);
        BenchReport.Series detect = report.series("detect", 0, 3, "150-300");
        BenchReport.Series ready = report.series("ready", 0, 3, "150-300");
        Set<Long> childrenBefore = livingChildren();

        ProcessFailover.runSeries(s, 3, new long[] {150, 300}, 0, 0, 0, SEED, detect, ready);

        String seen = "seed " + SEED + ", detect µs " + detect.samplesMicros + ", ready µs " + ready.samplesMicros;
        assertEquals(0, detect.failures, seen);
        assertEquals(0, ready.failures, seen);
        assertEquals(List.of(0, 1, 2), detect.sampleTrials, seen);
        assertEquals(List.of(0, 1, 2), ready.sampleTrials, seen);
        long candidacies = (Long) detect.extras.get("candidacies");
        assertTrue(candidacies >= 3, "every failover goes through at least one candidacy: " + detect.extras);
        assertTrue((Long) detect.extras.get("failoversWithMoreThanOneCandidacy") <= 3, detect.extras.toString());
        for (int trial = 0; trial < 3; trial++) {
            long d = detect.samplesMicros.get(trial);
            long r = ready.samplesMicros.get(trial);
            assertTrue(0 < d && d <= r && r < 5_000_000, "trial " + trial + ": 0 < detect <= ready < 5 s: " + seen);
        }
        assertEquals(childrenBefore, livingChildren(), "no server process left behind");
    }

    @Test
    @Timeout(60)
    void closeKillsEveryProcessItStartedRestartsIncluded() throws Exception {
        List<Process> started;
        try (ProcessCluster c = new ProcessCluster(3, 50, 150, ProcessCluster.Faults.NONE)) {
            c.startAll();
            long[] leader = ProcessFailover.settle(c, 50, 20_000);
            assertTrue(leader != null, "a leader known to all");
            long pid = c.kill((int) leader[0]);
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "killed: pid " + pid);
            ProcessCluster.RoleChange next = c.awaitLeader(leader[1], (int) leader[0],
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            assertTrue(next != null && next.term() > leader[1], "a survivor took over: " + c.roleChanges());
            c.start((int) leader[0]);
            started = c.startedProcesses();
            assertEquals(4, started.size());
        }
        for (Process p : started) {
            assertFalse(p.isAlive(), "pid " + p.pid() + " is gone after close");
        }
    }

    @Test
    @Timeout(60)
    void aServerThatExitsOnItsOwnIsReportedWithItsLastLines() throws Exception {
        try (ProcessCluster c = new ProcessCluster(1, 50, 150, ProcessCluster.Faults.NONE)) {
            // A data directory that belongs to another node: the server refuses it and exits 1.
            DataDirectory.open(c.dataDir(1), ProcessCluster.CLUSTER_ID, 2).close();
            c.start(1);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> c.awaitLeader(0, -1, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
            assertTrue(e.getMessage().contains("node 1") && e.getMessage().contains("exited with code 1")
                    && e.getMessage().contains("kontiki: error"), e.getMessage());
        }
    }

    private static Set<Long> livingChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
