package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Settings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeartbeatBenchmarkTest {

    private static HeartbeatBenchmark parse(String line) {
        return HeartbeatBenchmark.parse(line.isBlank() ? new String[0] : line.split(" "));
    }

    @Test
    void byDefaultBothPartsRunWithOneRunPerPoint() {
        HeartbeatBenchmark b = parse("");
        assertTrue(b.runsThroughput() && b.runsInterval());
        assertEquals(Settings.DEFAULTS, b.throughputSettings);
        assertEquals(1, b.interval.trials);
        assertEquals(60, b.interval.durationSeconds);
        assertEquals(List.of(0.0), b.interval.loss);
        assertFalse(b.help());
    }

    @Test
    void eachPartGetsItsOwnFlags() {
        HeartbeatBenchmark b = parse("--seconds 5 --inflight=8 --warmup 1 --breakdown --loss 0,0.1,0.3 --nodes 3,5"
                + " --timeouts 150-300,1000-2000 --delay 0,5 --one-way 0,1 --trials 2 --seed 9 --duration 20 --out /tmp/hb");
        assertEquals(new Settings(5, 8, 1, true), b.throughputSettings);
        BenchSettings s = b.interval;
        assertEquals(List.of(0.0, 0.1, 0.3), s.loss);
        assertEquals(List.of(3, 5), s.nodes);
        assertEquals(2, s.timeouts.size());
        assertEquals(List.of(0L, 5L), s.delays);
        assertEquals(List.of(0, 1), s.oneWay);
        assertEquals(2, s.trials);
        assertEquals(9, s.seed);
        assertEquals(20, s.durationSeconds);
        assertEquals(Path.of("/tmp/hb"), s.out);
    }

    @Test
    void partSelectsWhatRuns() {
        HeartbeatBenchmark interval = parse("--part interval --duration 2");
        assertFalse(interval.runsThroughput());
        assertNull(interval.throughputSettings);
        assertTrue(interval.runsInterval());
        HeartbeatBenchmark throughput = parse("--part throughput --seconds 5");
        assertTrue(throughput.runsThroughput() && !throughput.runsInterval());
        assertEquals(5, throughput.throughputSettings.seconds());
        // the interval-only checks do not apply to the throughput part
        assertTrue(parse("--part throughput --nodes 1").runsThroughput());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus 1", "--part x", "--part", "--seconds", "--seconds x", "--seconds 0",
        "--inflight 0", "--warmup -1", "--loss 1", "--timeouts 150-200", "--trials 0", "--duration 0", "--nodes 1",
        "--mode process"})
    void badFlagGivesOneLineWithHint(String flags) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(flags));
        String m = e.getMessage();
        assertTrue(m.endsWith("(see --help)"), m);
        assertFalse(m.contains("\n"), m);
        assertFalse(m.endsWith("(see --help) (see --help)"), m);
    }

    @Test
    void helpIsUncheckedAndUsageListsBothPartsFlags() {
        assertTrue(parse("--help --trials 0").help());
        String usage = HeartbeatBenchmark.usage();
        for (String flag : List.of("--part", "--seconds", "--inflight", "--warmup", "--breakdown", "--nodes",
                "--timeouts", "--loss", "--delay", "--one-way", "--trials", "--seed", "--duration", "--out")) {
            assertTrue(usage.contains(flag), flag + " in\n" + usage);
        }
    }
}
