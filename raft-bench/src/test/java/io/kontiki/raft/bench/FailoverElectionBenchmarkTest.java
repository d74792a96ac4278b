package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FailoverElectionBenchmarkTest {

    private static BenchSettings settings(Path out) {
        return BenchSettings.parse(new String[] {"--nodes", "3", "--timeouts", "150-300", "--trials", "3",
                "--loss", "0", "--seed", "7", "--heartbeat-ms", "50", "--trial-timeout-ms", "5000",
                "--out", out.toString()});
    }

    private static BenchReport.Series series(BenchReport report, String metric) {
        return report.series().stream().filter(x -> x.metric.equals(metric)).findFirst().orElseThrow();
    }

    private static void assertSeries(BenchReport report, String metric, int trials) {
        BenchReport.Series s = series(report, metric);
        assertEquals(0, s.failures, metric + " failures");
        assertEquals(trials, s.samplesMicros.size(), metric + " samples");
        for (long us : s.samplesMicros) {
            assertTrue(us > 0 && us < 5_000_000, metric + " sample out of range: " + us + " µs");
        }
    }

    private static void assertFiles(BenchReport report, String bench) throws Exception {
        List<Path> files = report.write();
        Path out = files.get(0).getParent();
        Path json = out.resolve(bench + "-summary.json");
        Path csv = out.resolve(bench + "-samples.csv");
        assertTrue(Files.exists(json) && Files.exists(csv));
        for (BenchReport.Series s : report.series()) {
            assertTrue(Files.exists(out.resolve(bench + "_" + s.name() + ".hgrm")), s.name());
        }
        JsonNode j = BenchReport.JSON.readTree(json.toFile());
        assertTrue(j.get("machine").has("cores") && j.get("machine").has("jdk"), j.toString());
        assertEquals(7, j.get("seed").asLong());
        assertEquals(4, j.get("plots").size());
        assertTrue(Files.readString(csv).lines().count() >= 2 + 6);
    }

    @Test
    @Timeout(30)
    void electionMeasuresEveryTrial(@TempDir Path out) throws Exception {
        BenchReport report = ElectionBenchmark.run(settings(out));
        assertSeries(report, "elect", 3);
        assertSeries(report, "write", 3);
        assertFiles(report, ElectionBenchmark.NAME);
    }

    @Test
    @Timeout(40)
    void failoverMeasuresEveryTrial(@TempDir Path out) throws Exception {
        BenchReport report = FailoverBenchmark.run(settings(out));
        assertSeries(report, "detect", 3);
        assertSeries(report, "ready", 3);
        assertFiles(report, FailoverBenchmark.NAME);
    }

    @Test
    @Timeout(40)
    void failoverUnderLossDelayAndAOneWayCutAccountsForEveryTrial(@TempDir Path out) throws Exception {
        BenchSettings s = BenchSettings.parse(new String[] {"--nodes", "3", "--timeouts", "150-300", "--trials", "2",
                "--loss", "0.2", "--delay", "5", "--one-way", "1", "--seed", "7", "--trial-timeout-ms", "5000",
                "--no-plot", "--out", out.toString()});
        BenchReport report = FailoverBenchmark.run(s);
        for (String metric : List.of("detect", "ready")) {
            BenchReport.Series x = series(report, metric);
            assertEquals(metric + "_loss0.2_n3_t150-300_d5_ow1", x.name());
            assertEquals(2, x.samplesMicros.size() + x.failures, metric);
        }
        assertTrue(series(report, "detect").samplesMicros.size() >= 1, "at least one failover measured");
    }
}
