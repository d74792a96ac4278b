package io.kontiki.raft.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bin/kontiki bench heartbeat}: first the saturation throughput
 * ({@link HeartbeatThroughputBenchmark}: heartbeat round trips per second through core + Kryo +
 * Netty next to raw Netty, the ratio), then heartbeats at the configured interval
 * ({@link HeartbeatIntervalBenchmark}: delivered fraction, needless elections and leader changes
 * per minute, gaps) over the sweep. {@code --part} runs one of them. The throughput part takes
 * {@code --seconds --inflight --warmup --breakdown}, the interval part the sweep flags of
 * {@link BenchSettings}, of which it reads {@code --trials} as runs per point, 1 unless given.
 * Both write into {@code --out}.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.HeartbeatBenchmark \
 *     --seconds 10 --nodes 3,5 --timeouts 150-300,1000-2000 --loss 0,0.01,0.05,0.1,0.2,0.3 --duration 60
 * </pre>
 */
@Command(name = "kontiki bench heartbeat", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Heartbeat throughput at saturation (Kontiki vs raw Netty), then heartbeats at the configured "
                + "interval over the sweep: delivered fraction, needless elections and leader changes per minute, "
                + "gaps between heartbeats. Lists are comma-separated; each list is a sweep."},
        footer = {"", "Here --trials is the number of runs per point of the interval part (default 1 when not given), "
                + "--duration the seconds observed per run, and --trial-timeout-ms bounds the wait for a leader."})
public final class HeartbeatBenchmark {

    static final String THROUGHPUT = "throughput";
    static final String INTERVAL = "interval";
    static final String BOTH = "both";
    private static final String HINT = " (see --help)";

    @Option(names = "--part", paramLabel = "PART", defaultValue = BOTH,
            description = "throughput | interval | both. Default: ${DEFAULT-VALUE}.")
    String part = BOTH;

    @Mixin
    HeartbeatThroughputBenchmark.Flags throughput = new HeartbeatThroughputBenchmark.Flags();

    @Mixin
    BenchSettings interval = new BenchSettings();

    /** The checked throughput settings; null unless {@link #part} runs that part (and after {@code --help}). */
    HeartbeatThroughputBenchmark.Settings throughputSettings;

    private HeartbeatBenchmark() {
    }

    boolean help() {
        return interval.help;
    }

    /**
     * Parses and checks the flags. Throws IllegalArgumentException with a one-line message on a
     * bad flag; with {@code --help} the result's {@link #help()} is set and nothing is checked.
     */
    static HeartbeatBenchmark parse(String[] args) {
        HeartbeatBenchmark b = new HeartbeatBenchmark();
        CommandLine.ParseResult parsed;
        try {
            parsed = new CommandLine(b).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + HINT, e);
        }
        if (b.help()) {
            return b;
        }
        if (!b.part.equals(THROUGHPUT) && !b.part.equals(INTERVAL) && !b.part.equals(BOTH)) {
            throw new IllegalArgumentException("--part must be throughput, interval or both, got " + b.part + HINT);
        }
        if (!parsed.hasMatchedOption("--trials")) {
            b.interval.trials = 1;
        }
        b.interval.check();
        if (b.runsInterval()) {
            try {
                HeartbeatIntervalBenchmark.check(b.interval);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IllegalArgumentException(m.endsWith(HINT) ? m : m + HINT, e);
            }
        }
        if (b.runsThroughput()) {
            b.throughputSettings = b.throughput.settings();
        }
        return b;
    }

    boolean runsThroughput() {
        return !part.equals(INTERVAL);
    }

    boolean runsInterval() {
        return !part.equals(THROUGHPUT);
    }

    static String usage() {
        return new CommandLine(new HeartbeatBenchmark()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    public static void main(String[] args) throws Exception {
        HeartbeatBenchmark b;
        try {
            b = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (b.help()) {
            System.out.print(usage());
            return;
        }
        Path out = b.interval.out;
        if (b.runsThroughput()) {
            ProgressBar progress = new ProgressBar(HeartbeatThroughputBenchmark.NAME,
                    HeartbeatThroughputBenchmark.progressSteps(b.throughputSettings));
            HeartbeatThroughputBenchmark.Result r = HeartbeatThroughputBenchmark.run(b.throughputSettings, progress);
            progress.finish();
            HeartbeatThroughputBenchmark.print(r, System.out);
            for (Path p : HeartbeatThroughputBenchmark.write(r, out)) {
                System.out.println("wrote " + p);
            }
        }
        if (b.runsInterval()) {
            BenchReport report = HeartbeatIntervalBenchmark.run(b.interval);
            report.printTable(System.out);
            for (Path p : report.write()) {
                System.out.println("wrote " + p);
            }
        }
    }
}
