package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchSettingsTest {

    private static BenchSettings parse(String line) {
        return BenchSettings.parse(line.isBlank() ? new String[0] : line.split(" "));
    }

    @Test
    void defaultsNeedNoFlags() {
        BenchSettings s = parse("");
        assertEquals(List.of(3), s.nodes);
        assertEquals(1, s.timeouts.size());
        assertArrayEquals(new long[] {150, 300}, s.timeouts.get(0));
        assertEquals(50, s.trials);
        assertEquals(List.of(0.0), s.loss);
        assertEquals(List.of(0L), s.delays);
        assertEquals(List.of(0), s.oneWay);
        assertEquals(1, s.seed);
        assertEquals(Path.of("bench-results"), s.out);
        assertEquals(50, s.heartbeatMillis);
        assertEquals(10_000, s.trialTimeoutMillis);
        assertEquals(60, s.durationSeconds);
        assertEquals("in-process", s.mode);
        assertFalse(s.noPlot);
        assertFalse(s.help);
    }

    @Test
    void parsesEveryFlag() {
        BenchSettings s = parse("--nodes 3,5 --timeouts 150-300,1000-2000 --trials 7 --loss 0,0.1 --delay 0,5,20"
                + " --one-way 0,1 --seed 42 --out /tmp/x --heartbeat-ms 40 --trial-timeout-ms 3000 --duration 9"
                + " --mode process --no-plot");
        assertEquals(List.of(3, 5), s.nodes);
        assertArrayEquals(new long[] {1000, 2000}, s.timeouts.get(1));
        assertEquals(7, s.trials);
        assertEquals(List.of(0.0, 0.1), s.loss);
        assertEquals(List.of(0L, 5L, 20L), s.delays);
        assertEquals(List.of(0, 1), s.oneWay);
        assertEquals(42, s.seed);
        assertEquals(Path.of("/tmp/x"), s.out);
        assertEquals(40, s.heartbeatMillis);
        assertEquals(4, s.heartbeatTicks());
        assertEquals(100, BenchSettings.electionTicks(s.timeouts.get(1)));
        assertEquals(3000, s.trialTimeoutMillis);
        assertEquals(9, s.durationSeconds);
        assertEquals("process", s.mode);
        assertTrue(s.noPlot);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus 1                       | --bogus",
        "--trials                        | --trials",
        "--trials x                      | --trials",
        "--trials 0                      | --trials",
        "--nodes 0                       | --nodes",
        "--nodes 16                      | --nodes",
        "--loss 1                        | --loss",
        "--loss -0.1                     | --loss",
        "--timeouts 150                  | --timeouts",
        "--timeouts 150-200              | MAX must be 2*MIN",
        "--timeouts 155-310              | multiple of the 10 ms tick",
        "--timeouts 50-100               | must exceed --heartbeat-ms",
        "--heartbeat-ms 5                | --heartbeat-ms",
        "--delay -1                      | --delay",
        "--one-way -1                    | --one-way",
        "--nodes 3 --one-way 6           | n*(n-1) = 6",
        "--mode cluster                  | --mode",
        "--duration 0                    | --duration",
        "--trial-timeout-ms 0            | --trial-timeout-ms",
        "--write-interval-ms 0           | --write-interval-ms",
    })
    void badFlagGivesOneLineMessageWithHint(String flags, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(flags.trim()));
        String m = e.getMessage();
        assertTrue(m.contains(expected.trim()), m);
        assertTrue(m.endsWith("(see --help)"), m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void oneWayCutsMayReachOneBelowTheNumberOfDirectedLinks() {
        assertEquals(List.of(5), parse("--nodes 3 --one-way 5").oneWay);
        assertEquals(List.of(0), parse("--nodes 1 --one-way 0").oneWay);
    }

    @Test
    void failoverNeedsThreeNodesAndElectionRunsInProcessOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FailoverBenchmark.check(parse("--nodes 3,2")));
        assertTrue(e.getMessage().contains("failover needs --nodes >= 3, got 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElectionBenchmark.check(parse("--mode process")));
        ElectionBenchmark.check(parse("--nodes 1"));
    }

    @Test
    void theModeDefaultsToTheBenchmarksOwnAndAFlagOverridesIt() {
        FailoverBenchmark.check(parse("--mode process"));
        assertEquals("process", BenchSettings.parse(new String[0], BenchSettings.PROCESS).mode);
        assertEquals("in-process",
                BenchSettings.parse(new String[] {"--mode", "in-process"}, BenchSettings.PROCESS).mode);
        assertEquals("in-process", BenchSettings.parse(new String[0]).mode);
    }

    @Test
    void helpIsReportedUncheckedAndUsageListsTheFlags() {
        assertTrue(parse("--help --trials 0").help);
        String usage = BenchSettings.usage();
        for (String flag : List.of("--nodes", "--timeouts", "--loss", "--delay", "--one-way", "--duration", "--mode",
                "--no-plot", "--seed", "--out")) {
            assertTrue(usage.contains(flag), flag + " in\n" + usage);
        }
    }

    @Test
    void sweepRunsLossThenNodesThenTimeoutsThenDelayThenOneWay() {
        BenchSettings s = parse("--nodes 3,5 --loss 0,0.1 --delay 0,5 --one-way 0,1 --trials 4 --seed 2");
        List<BenchSettings.Point> points = s.sweep();
        assertEquals(16, points.size());
        assertEquals(64, s.totalTrials());
        BenchSettings.Point second = points.get(1);
        assertEquals(0.0, second.loss());
        assertEquals(3, second.nodes());
        assertEquals(0, second.delayMillis());
        assertEquals(1, second.oneWay());
        BenchSettings.Point last = points.get(15);
        assertEquals(0.1, last.loss());
        assertEquals(5, last.nodes());
        assertEquals(5, last.delayMillis());
        assertEquals("150-300", last.timeoutLabel());
        assertEquals(2_000_000L, points.get(0).seed());
        assertEquals(2_000_000L + 15 * 10_000L, last.seed());
    }

    @Test
    void describeNamesEverySweepDimension() {
        Map<String, Object> d = parse("--delay 0,5 --one-way 0,1 --mode in-process").describe("failover");
        assertEquals(List.of(3), d.get("nodes"));
        assertEquals(List.of("150-300"), d.get("timeouts"));
        assertEquals(List.of(0.0), d.get("loss"));
        assertEquals(List.of(0L, 5L), d.get("delayMillis"));
        assertEquals(List.of(0, 1), d.get("oneWay"));
        assertEquals("in-process", d.get("mode"));
        assertEquals(1L, d.get("seed"));
    }
}
