package io.kontiki.raft.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags shared by {@link ElectionBenchmark}, {@link FailoverBenchmark} and the interval part
 * of {@link HeartbeatBenchmark}, parsed by picocli ({@code --help} lists them). Every list flag is
 * a sweep dimension: the benchmarks run one series per combination of loss × nodes × timeouts ×
 * delay × one-way cuts, in that order ({@link #sweep()}).
 *
 * <p>The core randomizes the election timeout in [MIN, 2*MIN) ticks of {@value #TICK_MILLIS}
 * ms, so {@code --timeouts MIN-MAX} must have MAX == 2*MIN.
 */
@Command(name = "kontiki bench election|failover", sortOptions = false, usageHelpAutoWidth = true,
        description = "Election / failover benchmark flags. Lists are comma-separated; each list is a sweep.")
public final class BenchSettings {

    public static final long TICK_MILLIS = 10;
    public static final String IN_PROCESS = "in-process";
    public static final String PROCESS = "process";
    private static final String HINT = " (see --help)";

    @Option(names = "--nodes", split = ",", paramLabel = "N", defaultValue = "3",
            description = "Cluster sizes, 1..15 (failover: 3..15). Default: ${DEFAULT-VALUE}.")
    public List<Integer> nodes = List.of(3);

    @Option(names = "--timeouts", split = ",", paramLabel = "MIN-MAX", defaultValue = "150-300",
            converter = TimeoutRange.class,
            description = "Election timeouts in ms; MAX must be 2*MIN. Default: ${DEFAULT-VALUE}.")
    public List<long[]> timeouts = List.of(new long[] {150, 300});

    @Option(names = "--trials", paramLabel = "N", defaultValue = "50",
            description = "Trials per series. Default: ${DEFAULT-VALUE}.")
    public int trials = 50;

    @Option(names = "--loss", split = ",", paramLabel = "P", defaultValue = "0",
            description = "Per-message outbound drop probability, 0 <= P < 1. Default: ${DEFAULT-VALUE}.")
    public List<Double> loss = List.of(0.0);

    @Option(names = "--delay", split = ",", paramLabel = "D", defaultValue = "0",
            description = "Delay jitter in ms: each request is delayed uniformly in [0, D]. Default: ${DEFAULT-VALUE}.")
    public List<Long> delays = List.of(0L);

    @Option(names = "--one-way", split = ",", paramLabel = "K", defaultValue = "0",
            description = "Directed links cut for a whole series, chosen from the series seed. Default: ${DEFAULT-VALUE}.")
    public List<Integer> oneWay = List.of(0);

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    public long seed = 1;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Result directory. Default: ${DEFAULT-VALUE}.")
    public Path out = Path.of("bench-results");

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "50",
            description = "Heartbeat interval. Default: ${DEFAULT-VALUE}.")
    public long heartbeatMillis = 50;

    /** The failover benchmark's client load: one write every this many ms. */
    @Option(names = "--write-interval-ms", paramLabel = "MS", defaultValue = "100",
            description = "Failover: the light load, one client write every MS ms (from a crash until a write "
                    + "commits, the process mode also probes every 10 ms). Default: ${DEFAULT-VALUE}.")
    public long writeIntervalMillis = 100;

    /** Upper bound of one measurement (leader wait, commit wait), per trial. */
    @Option(names = "--trial-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Upper bound of one measurement. Default: ${DEFAULT-VALUE}.")
    public long trialTimeoutMillis = 10_000;

    /** Measured seconds of a run of fixed length (the heartbeat-interval benchmark). */
    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60",
            description = "Run length, for benchmarks of fixed duration. Default: ${DEFAULT-VALUE}.")
    public long durationSeconds = 60;

    /** No picocli default: the benchmark's own default, set before parsing ({@link #parse(String[], String)}). */
    @Option(names = "--mode", paramLabel = "MODE",
            description = "in-process | process (failover: separate server JVMs killed with SIGKILL). "
                    + "Default: process for failover, in-process otherwise.")
    public String mode = IN_PROCESS;

    @Option(names = "--no-plot", description = "Write no CDF plots.")
    public boolean noPlot;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print these flags and exit.")
    public boolean help;

    /** One series' point of the sweep, and the seed of that series. */
    public record Point(double loss, int nodes, long[] timeouts, long delayMillis, int oneWay, long seed) {
        public String timeoutLabel() {
            return BenchSettings.timeoutLabel(timeouts);
        }
    }

    /**
     * Parses and checks the flags. Throws IllegalArgumentException with a one-line message on a
     * bad flag. With {@code --help} it returns settings whose {@link #help} is set, unchecked.
     */
    public static BenchSettings parse(String[] args) {
        return parse(args, IN_PROCESS);
    }

    /** As {@link #parse(String[])}, with {@code defaultMode} when {@code --mode} is not given. */
    public static BenchSettings parse(String[] args, String defaultMode) {
        BenchSettings s = new BenchSettings();
        s.mode = defaultMode; // before the CommandLine is built: picocli takes it as the default
        CommandLine cl = new CommandLine(s);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + HINT, e);
        }
        if (!s.help) {
            s.check();
        }
        return s;
    }

    /** The picocli usage text. */
    public static String usage() {
        return new CommandLine(new BenchSettings()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Checks the flags as {@link #parse} does (for a command that mixes these flags into its own). */
    void check() {
        require(trials >= 1, "--trials must be >= 1, got " + trials);
        require(heartbeatMillis >= TICK_MILLIS, "--heartbeat-ms must be >= " + TICK_MILLIS + ", got " + heartbeatMillis);
        require(trialTimeoutMillis >= 1, "--trial-timeout-ms must be >= 1, got " + trialTimeoutMillis);
        require(writeIntervalMillis >= 1, "--write-interval-ms must be >= 1, got " + writeIntervalMillis);
        require(durationSeconds >= 1, "--duration must be >= 1 s, got " + durationSeconds);
        require(mode.equals(IN_PROCESS) || mode.equals(PROCESS), "--mode must be in-process or process, got " + mode);
        for (int n : nodes) {
            require(n >= 1 && n <= 15, "--nodes must be in 1..15, got " + n);
        }
        for (double p : loss) {
            require(p >= 0 && p < 1, "--loss must be in [0, 1), got " + p);
        }
        for (long d : delays) {
            require(d >= 0, "--delay must be >= 0 ms, got " + d);
        }
        for (long[] t : timeouts) {
            require(t[1] == 2 * t[0], "--timeouts " + timeoutLabel(t) + ": MAX must be 2*MIN, as the core randomizes in [MIN, 2*MIN)");
            require(t[0] % TICK_MILLIS == 0, "--timeouts " + timeoutLabel(t) + ": MIN must be a multiple of the " + TICK_MILLIS + " ms tick");
            require(t[0] > heartbeatMillis, "--timeouts " + timeoutLabel(t) + ": MIN must exceed --heartbeat-ms " + heartbeatMillis);
        }
        for (int k : oneWay) {
            require(k >= 0, "--one-way must be >= 0, got " + k);
            for (int n : nodes) {
                require(k == 0 || k < n * (n - 1), "--one-way " + k + " must be < n*(n-1) = " + n * (n - 1) + " for --nodes " + n);
            }
        }
    }

    /** Rejects node counts below {@code min} for {@code benchmark} (failover needs a survivor majority). */
    public void requireNodesAtLeast(int min, String benchmark) {
        for (int n : nodes) {
            require(n >= min, benchmark + " needs --nodes >= " + min + ", got " + n);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message + HINT);
        }
    }

    /** Every series of the run, in order: loss × nodes × timeouts × delay × one-way. */
    public List<Point> sweep() {
        List<Point> points = new ArrayList<>();
        for (double p : loss) {
            for (int n : nodes) {
                for (long[] t : timeouts) {
                    for (long d : delays) {
                        for (int k : oneWay) {
                            points.add(new Point(p, n, t, d, k, seed * 1_000_000L + points.size() * 10_000L));
                        }
                    }
                }
            }
        }
        return points;
    }

    /** Trials across all series. */
    public long totalTrials() {
        return (long) sweep().size() * trials;
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
    public LinkedHashMap<String, Object> describe(String benchmark) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", benchmark);
        m.put("mode", mode);
        m.put("nodes", nodes);
        m.put("timeouts", timeouts.stream().map(BenchSettings::timeoutLabel).toList());
        m.put("trials", trials);
        m.put("loss", loss);
        m.put("delayMillis", delays);
        m.put("oneWay", oneWay);
        m.put("seed", seed);
        m.put("heartbeatMillis", heartbeatMillis);
        m.put("tickMillis", TICK_MILLIS);
        m.put("electionTimeoutRule", "randomized in [MIN, 2*MIN) ticks by the core");
        m.put("lossRule", "each message sent is dropped with probability loss");
        m.put("delayRule", "each request delayed uniformly in [0, delay] ms (LinkFaults.withDelay(0, delay)); "
                + "responses are not delayed");
        m.put("oneWayRule", "that many directed links cut for the whole series, chosen from the series seed");
        m.put("noopOnElection", true);
        m.put("trialTimeoutMillis", trialTimeoutMillis);
        m.put("writeIntervalMillis", writeIntervalMillis);
        m.put("durationSeconds", durationSeconds);
        m.put("out", out.toString());
        return m;
    }

    /** {@code MIN-MAX} in milliseconds. */
    static final class TimeoutRange implements ITypeConverter<long[]> {
        @Override
        public long[] convert(String value) {
            String[] mm = value.trim().split("-");
            try {
                if (mm.length == 2) {
                    long min = Long.parseLong(mm[0].trim());
                    long max = Long.parseLong(mm[1].trim());
                    if (min >= TICK_MILLIS) {
                        return new long[] {min, max};
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not MIN-MAX in ms with MIN >= " + TICK_MILLIS);
        }
    }
}
