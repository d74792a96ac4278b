package io.kontiki.raft.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ClientCall#backoffNanos}: the wait after the n-th attempt lies in
 * [max(min, c / 2), c], c = min(max, min × 2^n), so never below min nor above max; and the
 * {@link KontikiClient.Options} that bound it.
 */
class ClientBackoffTest {

    private static final long SEED = 20240611L;
    private static final int DRAWS = 2_000;

    @ParameterizedTest(name = "attempt {0}, min {1} ms, max {2} ms: waits in [{3}, {4}] ms")
    @CsvSource({
            // attempts, min, max, lowest, highest
            "1,  5,  50,  5, 10",
            "2,  5,  50, 10, 20",
            "3,  5,  50, 20, 40",
            "4,  5,  50, 25, 50",
            "5,  5,  50, 25, 50",
            "1000, 5, 50, 25, 50",
            "1,  5, 200,  5, 10",
            "6,  5, 200, 100, 200",
            "1,  5,   7,  5,  7",
            "9,  5,   7,  5,  7",
            "1, 20,  20, 20, 20",
            "40, 20, 20, 20, 20",
    })
    void theWaitDoublesWithJitterAndStaysWithinMinAndMax(int attempts, long min, long max, long lowest,
                                                         long highest) {
        SplittableRandom random = new SplittableRandom(SEED);
        long minNanos = TimeUnit.MILLISECONDS.toNanos(min);
        long maxNanos = TimeUnit.MILLISECONDS.toNanos(max);
        long seenLow = Long.MAX_VALUE;
        long seenHigh = Long.MIN_VALUE;
        for (int i = 0; i < DRAWS; i++) {
            long wait = ClientCall.backoffNanos(attempts, minNanos, maxNanos, random);
            seenLow = Math.min(seenLow, wait);
            seenHigh = Math.max(seenHigh, wait);
        }
        long lowNanos = TimeUnit.MILLISECONDS.toNanos(lowest);
        long highNanos = TimeUnit.MILLISECONDS.toNanos(highest);
        String seen = "seed " + SEED + ": saw [" + seenLow + ", " + seenHigh + "] ns";
        assertTrue(seenLow >= lowNanos && seenHigh <= highNanos, seen);
        long spread = (highNanos - lowNanos) / 10;
        assertTrue(seenLow - lowNanos <= spread && highNanos - seenHigh <= spread, "jitter spans the range; " + seen);
    }

    @Test
    void theLongestPossibleBackoffNeitherOverflowsNorExceedsTheMax() {
        long max = Duration.ofDays(24).toNanos();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int attempts : new int[] {1, 62, 63, 64, Integer.MAX_VALUE}) {
            long wait = ClientCall.backoffNanos(attempts, 1, max, random);
            assertTrue(wait >= 1 && wait <= max, "seed " + SEED + ", attempts " + attempts + ": " + wait);
        }
    }

    @Test
    void theDefaultsAreFiveToFiftyMilliseconds() {
        KontikiClient.Options defaults = KontikiClient.Options.defaults();
        assertEquals(Duration.ofMillis(5), defaults.minBackoff());
        assertEquals(Duration.ofMillis(50), defaults.maxBackoff());
        KontikiClient.Options tuned = defaults.withMaxBackoff(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(20), tuned.maxBackoff(), "other with* methods keep it");
        assertEquals(Duration.ofMillis(5), tuned.minBackoff());
        KontikiClient.Options both = defaults.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
        assertEquals(Duration.ofMillis(100), both.minBackoff());
        assertEquals(Duration.ofMillis(400), both.maxBackoff());
    }

    @Test
    void aBackoffThatIsNotPositiveOrBelowTheMinimumIsRefused() {
        KontikiClient.Options defaults = KontikiClient.Options.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxBackoff(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxBackoff(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxBackoff(null));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBackoff(Duration.ZERO, Duration.ofMillis(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> defaults.withMaxBackoff(Duration.ofMillis(2)));
        assertTrue(e.getMessage().contains("minBackoff (PT0.005S) must not exceed maxBackoff (PT0.002S)"),
                e::getMessage);
        assertEquals(Duration.ofMillis(2),
                defaults.withBackoff(Duration.ofMillis(1), Duration.ofMillis(2)).maxBackoff());
    }
}
