package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Result;
import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps the heartbeat benchmark from rotting: a short run must complete round trips in both series. */
class HeartbeatThroughputBenchmarkTest {

    @Test
    @Timeout(60)
    void shortRunCompletesRoundTripsInEverySeries() throws Exception {
        Result r = HeartbeatThroughputBenchmark.run(new Settings(1, 4, 0.2, true));
        assertTrue(r.kontiki().roundTrips() > 0, "kontiki: " + r.kontiki());
        assertTrue(r.raw().roundTrips() > 0, "raw: " + r.raw());
        assertTrue(r.transportOnly().roundTrips() > 0, "transport: " + r.transportOnly());
        assertTrue(r.rawTwoConnections().roundTrips() > 0, "raw-2conn: " + r.rawTwoConnections());
        assertTrue(r.kontiki().notes().contains("FOLLOWER in term 1"), r.kontiki().notes());
        assertTrue(r.heartbeatFrameBytes() > 4, "frame size " + r.heartbeatFrameBytes());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HeartbeatThroughputBenchmark.print(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("kontiki") && table.contains("raw-netty") && table.contains("ratio"), table);
        System.out.println(table);
    }

    @Test
    void parsesArguments() {
        Settings s = HeartbeatThroughputBenchmark.parse(new String[] {"--seconds", "2", "--inflight=8", "--warmup", "0"});
        assertEquals(new Settings(2, 8, 0), s);
        assertTrue(HeartbeatThroughputBenchmark.parse(new String[] {"--breakdown"}).breakdown());
        assertEquals(Settings.DEFAULTS, HeartbeatThroughputBenchmark.parse(new String[0]));
        assertNull(HeartbeatThroughputBenchmark.parse(new String[] {"--help"}));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatThroughputBenchmark.parse(new String[] {"--inflight", "0"}));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatThroughputBenchmark.parse(new String[] {"--seconds"}));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatThroughputBenchmark.parse(new String[] {"--bogus", "1"}));
    }

    @Test
    void badArgumentsGiveOneLineWithHint() {
        for (String[] args : new String[][] {{"--bogus", "1"}, {"--seconds"}, {"--seconds", "x"}, {"--seconds", "0"},
                {"--inflight", "0"}, {"--warmup=-1"}, {"--loss", "0.1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HeartbeatThroughputBenchmark.parse(args));
            String m = e.getMessage();
            assertTrue(m.endsWith("(see --help)") && !m.contains("\n"), m);
        }
        String usage = HeartbeatThroughputBenchmark.usage();
        assertTrue(usage.contains("--seconds") && usage.contains("--inflight") && usage.contains("--warmup")
                && usage.contains("--breakdown"), usage);
    }
}
