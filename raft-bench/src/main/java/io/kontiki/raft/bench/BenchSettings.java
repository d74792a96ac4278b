package io.kontiki.raft.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags shared by {@link ElectionBenchmark} and {@link FailoverBenchmark}:
 * {@code --nodes 3,5 --timeouts 150-300 --trials 50 --loss 0,0.1 --seed 1 --out DIR --heartbeat-ms 50}.
 * The election timeout is randomized by the core in [MIN, 2*MIN) ticks; MAX is recorded as given.
 */
public final class BenchSettings {

    public static final long TICK_MILLIS = 10;

    public List<Integer> nodes = List.of(3);
    public List<long[]> timeouts = List.of(new long[] {150, 300});
    public int trials = 50;
    public List<Double> loss = List.of(0.0);
    public long seed = 1;
    public Path out = Path.of("bench-results");
    public long heartbeatMillis = 50;
    /** Upper bound of one measurement (leader wait, commit wait), per trial. */
    public long trialTimeoutMillis = 10_000;

    public static BenchSettings parse(String[] args) {
        BenchSettings s = new BenchSettings();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag + "\n" + usage());
            }
            String v = args[++i];
            switch (flag) {
                case "--nodes" -> {
                    List<Integer> l = new ArrayList<>();
                    for (String p : v.split(",")) {
                        int n = Integer.parseInt(p.trim());
                        if (n < 1 || n > 15) {
                            throw new IllegalArgumentException("--nodes: 1..15, got " + n);
                        }
                        l.add(n);
                    }
                    s.nodes = List.copyOf(l);
                }
                case "--timeouts" -> {
                    List<long[]> l = new ArrayList<>();
                    for (String p : v.split(",")) {
                        String[] mm = p.trim().split("-");
                        if (mm.length != 2) {
                            throw new IllegalArgumentException("--timeouts: MIN-MAX, got " + p);
                        }
                        long min = Long.parseLong(mm[0].trim());
                        long max = Long.parseLong(mm[1].trim());
                        if (min < TICK_MILLIS || max < min) {
                            throw new IllegalArgumentException("--timeouts: need " + TICK_MILLIS + " <= MIN <= MAX, got " + p);
                        }
                        l.add(new long[] {min, max});
                    }
                    s.timeouts = List.copyOf(l);
                }
                case "--trials" -> s.trials = Integer.parseInt(v.trim());
                case "--loss" -> {
                    List<Double> l = new ArrayList<>();
                    for (String p : v.split(",")) {
                        double d = Double.parseDouble(p.trim());
                        if (d < 0 || d >= 1) {
                            throw new IllegalArgumentException("--loss: 0 <= p < 1, got " + d);
                        }
                        l.add(d);
                    }
                    s.loss = List.copyOf(l);
                }
                case "--seed" -> s.seed = Long.parseLong(v.trim());
                case "--out" -> s.out = Path.of(v);
                case "--heartbeat-ms" -> s.heartbeatMillis = Long.parseLong(v.trim());
                case "--trial-timeout-ms" -> s.trialTimeoutMillis = Long.parseLong(v.trim());
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + usage());
            }
        }
        if (s.trials < 1) {
            throw new IllegalArgumentException("--trials must be >= 1");
        }
        if (s.heartbeatMillis < TICK_MILLIS) {
            throw new IllegalArgumentException("--heartbeat-ms must be >= " + TICK_MILLIS);
        }
        for (long[] t : s.timeouts) {
            if (t[0] / TICK_MILLIS <= s.heartbeatMillis / TICK_MILLIS) {
                throw new IllegalArgumentException("election timeout MIN must exceed --heartbeat-ms");
            }
        }
        return s;
    }

    public static String usage() {
        return "flags: --nodes 3,5 --timeouts 150-300[,1000-2000] --trials 50 --loss 0,0.1 --seed 1 "
                + "--out bench-results --heartbeat-ms 50 [--trial-timeout-ms 10000]";
    }

    public int heartbeatTicks() {
        return (int) Math.max(1, heartbeatMillis / TICK_MILLIS);
    }

    public static int electionTicks(long[] timeout) {
        return (int) (timeout[0] / TICK_MILLIS);
    }

    public static String timeoutLabel(long[] t) {
        return t[0] + "-" + t[1];
    }

    /** The full configuration, as ordered key/value pairs (for every result file). */
    public java.util.LinkedHashMap<String, Object> describe(String benchmark) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("benchmark", benchmark);
        m.put("mode", "in-process");
        m.put("nodes", nodes);
        List<String> ts = new ArrayList<>();
        timeouts.forEach(t -> ts.add(timeoutLabel(t)));
        m.put("timeouts", ts);
        m.put("trials", trials);
        m.put("loss", loss);
        m.put("seed", seed);
        m.put("heartbeatMillis", heartbeatMillis);
        m.put("tickMillis", TICK_MILLIS);
        m.put("electionTimeoutRule", "randomized in [MIN, 2*MIN) ticks by the core");
        m.put("noopOnElection", true);
        m.put("trialTimeoutMillis", trialTimeoutMillis);
        m.put("out", out.toString());
        return m;
    }
}
