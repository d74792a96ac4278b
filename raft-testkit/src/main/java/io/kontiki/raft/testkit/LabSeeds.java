package io.kontiki.raft.testkit;

import java.util.List;
import java.util.stream.LongStream;

/**
 * The seeds a parameterised lab test runs, from system properties:
 * <ul>
 *   <li>{@code kontiki.seed=N}: only seed N (to replay a failure);</li>
 *   <li>otherwise {@code kontiki.seeds} seeds (default 20; {@code -Plong-seeds} sets 1000)
 *       starting at {@code kontiki.firstSeed} (default 1).</li>
 * </ul>
 */
public final class LabSeeds {

    public static final int DEFAULT_SEEDS = 20;
    public static final long DEFAULT_FIRST_SEED = 1;

    private LabSeeds() {
    }

    /** The configured seeds, in order. */
    public static List<Long> seeds() {
        String single = System.getProperty("kontiki.seed");
        if (single != null && !single.isBlank()) {
            return List.of(Long.parseLong(single.trim()));
        }
        long first = Long.getLong("kontiki.firstSeed", DEFAULT_FIRST_SEED);
        int count = Integer.getInteger("kontiki.seeds", DEFAULT_SEEDS);
        if (count < 0) {
            throw new IllegalArgumentException("kontiki.seeds must be >= 0: " + count);
        }
        return LongStream.range(first, first + count).boxed().toList();
    }
}
