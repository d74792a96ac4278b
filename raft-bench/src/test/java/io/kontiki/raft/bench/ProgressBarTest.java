package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final long MS = 1_000_000L;

    @Test
    void showsSeriesBarCountsElapsedAndEtaForTheWholeRun() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("failover", 4, new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        bar.series("loss 10% n=3 150-300");
        now.set(10_000 * MS);
        bar.step();
        assertEquals("failover loss 10% n=3 150-300 [#######.......................] 1/4 elapsed 0:10 eta 0:30",
                bar.line(now.get()));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("1/4 elapsed 0:10 eta 0:30"));
    }

    @Test
    void redrawsAtMostEveryHundredMillisecondsAndEndsTheLine() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("election", 100, new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        bar.series("s");
        for (int i = 0; i < 50; i++) {
            now.addAndGet(10 * MS);
            bar.step();
        }
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        long draws = out.chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 5 && draws <= 7, draws + " draws");
        assertTrue(out.endsWith(System.lineSeparator()));
        assertTrue(out.contains("50/100"), out);
    }

    @Test
    void clockShowsHoursOnlyFromAnHourOn() {
        assertEquals("0:07", ProgressBar.clock(7_000 * MS));
        assertEquals("2:05", ProgressBar.clock(125_000 * MS));
        assertEquals("1:00:01", ProgressBar.clock(3_601_000 * MS));
    }
}
