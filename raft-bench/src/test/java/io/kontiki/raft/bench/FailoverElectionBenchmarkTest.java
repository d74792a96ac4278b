package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static void assertSeries(BenchReport report, String metric, int trials) {
        BenchReport.Series s = report.series().stream().filter(x -> x.metric.equals(metric)).findFirst()
                .orElseThrow();
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
        String j = Files.readString(json);
        assertTrue(j.contains("\"cores\"") && j.contains("\"jdk\"") && j.contains("\"seed\":7"), j);
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
    void jsonWriterEscapes() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", java.util.Arrays.asList(1, 2.5, Double.NaN, "x\"y"));
        m.put("b", true);
        assertEquals("{\"a\":[1,2.5,null,\"x\\\"y\"],\"b\":true}", BenchReport.Json.write(m));
    }
}
