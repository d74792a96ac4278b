package io.kontiki.raft.bench;

import static io.kontiki.raft.bench.ThroughputMeasurement.measureSlice;

import io.kontiki.raft.bench.ThroughputMeasurement.LoopThread;
import io.kontiki.raft.bench.ThroughputMeasurement.Slice;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.KryoCodec;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Heartbeat round trips per second between two nodes on 127.0.0.1, Kontiki against raw Netty,
 * in one run, on the same two event loops (a 2-thread {@link EventLoops#newGroup} group: one
 * loop per side).
 *
 * <ul>
 *   <li><b>kontiki</b>: node B is a real {@link RaftNode} follower (election timeout far beyond
 *       the run, no no-op) on a {@link NettyTransport} whose event loop is B's Raft loop; node A
 *       is a driver on the other loop with its own {@code NettyTransport}. A keeps K heartbeats
 *       (empty AppendEntries, term 1, prev 0/0, commit 0) in flight: every
 *       AppendEntriesResponse handed to A's inbound consumer sends the next heartbeat. So a
 *       round trip is A: encode, write, flush; B: decode, {@code RaftCore.step}, Ready, encode,
 *       write, flush; A: decode, deliver.</li>
 *   <li><b>raw-netty</b>: a Netty client on A's loop and an echo server on B's loop exchange
 *       length-prefixed frames of exactly the heartbeat frame's size, K in flight, with the
 *       same framing handlers and socket options, no Kryo, no core; each side flushes once per
 *       read batch.</li>
 * </ul>
 *
 * <p>Both setups are up for the whole run. Each series first warms up alone (excluded from the
 * figures); then the measured seconds are cut into slices of about one second that alternate
 * between the two series (kontiki, raw, kontiki, raw, ...), each slice drained before the
 * next, so that a shared, noisy machine disturbs both alike. The figures are the sums over a
 * series' slices. Per round trip, the report also gives each loop thread's CPU time, write
 * syscalls (flushes), sleeps, preemptions and heap allocation, and the machine's TCP segments:
 * a cheap profile. {@code --breakdown} adds two diagnostic series that split the difference
 * between the two: the transports without the core, and raw Netty on the transport's
 * connection topology.
 *
 * <p>Usage: {@code java -cp raft-bench/target/benchmarks.jar
 * io.kontiki.raft.bench.HeartbeatThroughputBenchmark [--seconds N] [--inflight K] [--warmup N]
 * [--breakdown]} (defaults 10 s, 16, 3 s; {@code --help} lists the flags), which prints the
 * report; {@link HeartbeatBenchmark} ({@code bin/kontiki bench heartbeat}) takes the same flags
 * and also writes it as JSON and CSV. Every wait is bounded; a run takes about
 * {@code 2 * (warmup + seconds) + 2} seconds.
 */
public final class HeartbeatThroughputBenchmark {

    private static final double SLICE_SECONDS = 1.0;
    private static final int SETUP_ATTEMPTS = 3;
    private static final double MAX_SECONDS = 3_600;
    private static final int MAX_INFLIGHT = 65_536;
    private static final String HINT = " (see --help)";
    /** The name of the result files: {@code heartbeat-throughput-summary.json} and {@code .csv}. */
    static final String NAME = "heartbeat-throughput";

    private HeartbeatThroughputBenchmark() {
    }

    /**
     * What to run: measured seconds per series, heartbeats in flight, warm-up seconds per series
     * (excluded), and whether to add the two diagnostic series (the transport without the core;
     * raw Netty on two one-way connections).
     */
    public record Settings(double seconds, int inflight, double warmupSeconds, boolean breakdown) {
        public static final Settings DEFAULTS = new Settings(10, 16, 3, false);

        public Settings(double seconds, int inflight, double warmupSeconds) {
            this(seconds, inflight, warmupSeconds, false);
        }

        public Settings {
            if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
                throw new IllegalArgumentException("--seconds must be in (0, " + MAX_SECONDS + "]: " + seconds);
            }
            if (inflight < 1 || inflight > MAX_INFLIGHT) {
                throw new IllegalArgumentException("--inflight must be in [1, " + MAX_INFLIGHT + "]: " + inflight);
            }
            if (!(warmupSeconds >= 0 && warmupSeconds <= MAX_SECONDS)) {
                throw new IllegalArgumentException("--warmup must be in [0, " + MAX_SECONDS + "]: " + warmupSeconds);
            }
        }

        /** How many measured slices each series gets: about one per second. */
        int slices() {
            return (int) Math.max(1, Math.ceil(seconds / SLICE_SECONDS - 1e-9));
        }
    }

    /**
     * What one loop thread used: CPU time; write-type system calls ({@code /proc/self/task/TID/io}
     * syscw, Linux only: one per flush that wrote); voluntary context switches (the loop went to
     * sleep in epoll_wait, or blocked); involuntary ones (the kernel preempted the loop for
     * another thread: a sign of a busy machine); bytes allocated on the Java heap (pooled direct
     * buffers not included). -1 where unknown. Reads are not counted: the epoll transport reads
     * with recvfrom, which the kernel's syscr does not count.
     */
    public record LoopUsage(long cpuNanos, long writeCalls, long sleeps, long preemptions, long heapBytes) {

        static final LoopUsage ZERO = new LoopUsage(0, 0, 0, 0, 0);

        LoopUsage minus(LoopUsage before) {
            return new LoopUsage(diff(cpuNanos, before.cpuNanos), diff(writeCalls, before.writeCalls),
                    diff(sleeps, before.sleeps), diff(preemptions, before.preemptions),
                    diff(heapBytes, before.heapBytes));
        }

        LoopUsage plus(LoopUsage o) {
            return new LoopUsage(sum(cpuNanos, o.cpuNanos), sum(writeCalls, o.writeCalls), sum(sleeps, o.sleeps),
                    sum(preemptions, o.preemptions), sum(heapBytes, o.heapBytes));
        }

        private static long diff(long after, long before) {
            return after < 0 || before < 0 ? -1 : after - before;
        }

        private static long sum(long x, long y) {
            return x < 0 || y < 0 ? -1 : x + y;
        }
    }

    /**
     * One series' figures, summed over its measured slices.
     *
     * @param roundTrips  round trips completed in the measured slices
     * @param seconds     the slices' total length, measured
     * @param a           what loop A's thread used in them
     * @param b           what loop B's thread used in them
     * @param tcpSegments TCP segments sent in them, machine-wide ({@code /proc/net/snmp}
     *                    OutSegs, other processes included; -1 if unknown): data segments and
     *                    pure ACKs
     * @param gcs         garbage collections in them
     * @param gcMillis    their accumulated time, as the collectors report it
     * @param stalls      times the watchdog found no progress for {@value Pump#WATCHDOG_MILLIS} ms
     *                    and re-primed the window (0 in a healthy run)
     * @param notes       anything else worth a line (drops, reconnections, rejections)
     */
    public record Series(String name, long roundTrips, double seconds, LoopUsage a, LoopUsage b,
                         long tcpSegments, long gcs, long gcMillis, long stalls, String notes) {

        public double perSecond() {
            return roundTrips / seconds;
        }

        /** {@code value} per round trip, or NaN when unknown. */
        double perRoundTrip(long value) {
            return value < 0 || roundTrips == 0 ? Double.NaN : (double) value / roundTrips;
        }
    }

    /** The whole run; {@code transportOnly} and {@code rawTwoConnections} are null unless {@link Settings#breakdown()}. */
    public record Result(Settings settings, boolean epoll, int heartbeatFrameBytes, int responseFrameBytes,
                         Series kontiki, Series raw, Series transportOnly, Series rawTwoConnections) {

        public double ratio() {
            return raw.perSecond() == 0 ? Double.NaN : kontiki.perSecond() / raw.perSecond();
        }
    }

    /** This benchmark's flags, parsed by picocli; {@link HeartbeatBenchmark} mixes them into its own. */
    static final class Flags {
        @Option(names = "--seconds", paramLabel = "N", defaultValue = "10",
                description = "Measured seconds per series, in ~1 s slices alternating between the series. "
                        + "Default: ${DEFAULT-VALUE}.")
        double seconds = 10;

        @Option(names = "--inflight", paramLabel = "K", defaultValue = "16",
                description = "Heartbeats kept in flight. Default: ${DEFAULT-VALUE}.")
        int inflight = 16;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
                description = "Warm-up seconds per series, excluded from the figures. Default: ${DEFAULT-VALUE}.")
        double warmup = 3;

        @Option(names = "--breakdown",
                description = "Add two diagnostic series: transport (the same two NettyTransports, but B answers each "
                        + "AppendEntries itself, without RaftNode or RaftCore) and raw-2conn (raw Netty on the "
                        + "transport's topology: requests on A's connection, responses on B's).")
        boolean breakdown;

        /** The checked settings; IllegalArgumentException with a one-line message if a value is out of range. */
        Settings settings() {
            try {
                return new Settings(seconds, inflight, warmup, breakdown);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + HINT, e);
            }
        }
    }

    @Command(name = "HeartbeatThroughputBenchmark", sortOptions = false, usageHelpAutoWidth = true,
            description = "Heartbeat round trips per second: Kontiki (core + Kryo + Netty) against raw Netty, "
                    + "on 127.0.0.1, in one run.")
    private static final class Cli {
        @Mixin
        Flags flags = new Flags();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print these flags and exit.")
        boolean help;
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.print(usage());
            return;
        }
        print(run(settings), System.out);
    }

    static String usage() {
        return new CommandLine(new Cli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * Parses the arguments; null for {@code --help}. Throws IllegalArgumentException with a
     * one-line message on an unknown flag, a missing or malformed value, or a value out of range.
     */
    static Settings parse(String[] args) {
        Cli cli = new Cli();
        try {
            new CommandLine(cli).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + HINT, e);
        }
        return cli.help ? null : cli.flags.settings();
    }

    /** Runs both series on one 2-thread event loop group; see the class documentation. */
    public static Result run(Settings settings) throws Exception {
        return run(settings, null);
    }

    /** The number of slices {@link #run(Settings, ProgressBar)} steps its progress bar by. */
    static long progressSteps(Settings settings) {
        return (long) (settings.breakdown() ? 4 : 2) * (1 + settings.slices());
    }

    /** As {@link #run(Settings)}, stepping {@code progress} (if not null) once per slice, warm-ups included. */
    static Result run(Settings settings, ProgressBar progress) throws Exception {
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS);
        byte[] buf = new byte[256];
        int heartbeatBody = codec.encode(BenchMessages.heartbeat(), buf);
        int responseBody = codec.encode(AppendEntriesResponse.accept(BenchMessages.FOLLOWER, BenchMessages.LEADER,
                BenchMessages.TERM, 0), buf);
        EventLoopGroup group = EventLoops.newGroup(2, "bench-loop");
        try {
            EventLoop loopA = group.next();
            EventLoop loopB = group.next();
            if (loopA == loopB) {
                throw new IllegalStateException("expected two distinct event loops");
            }
            LoopThread[] threads = {LoopThread.of(loopA), LoopThread.of(loopB)};
            boolean epoll = group instanceof EpollEventLoopGroup;
            try (KontikiHeartbeatPump kontiki = withRetries(() -> new KontikiHeartbeatPump(loopA, loopB,
                         settings.inflight(), true));
                 RawNettyPump raw = withRetries(() -> new RawNettyPump(loopA, loopB, settings.inflight(),
                         heartbeatBody, epoll, false));
                 KontikiHeartbeatPump transportOnly = settings.breakdown()
                         ? withRetries(() -> new KontikiHeartbeatPump(loopA, loopB, settings.inflight(), false))
                         : null;
                 RawNettyPump rawTwoWay = settings.breakdown()
                         ? withRetries(() -> new RawNettyPump(loopA, loopB, settings.inflight(), heartbeatBody,
                                 epoll, true))
                         : null) {
                List<Pump> pumps = transportOnly == null ? List.of(kontiki, raw)
                        : List.of(kontiki, raw, transportOnly, rawTwoWay);
                if (progress != null) {
                    progress.series("warm-up");
                }
                for (Pump p : pumps) {
                    measureSlice(p, settings.warmupSeconds(), threads); // warm-up, excluded
                    step(progress);
                }
                if (progress != null) {
                    progress.series("measuring");
                }
                Slice[] sums = {Slice.EMPTY, Slice.EMPTY, Slice.EMPTY, Slice.EMPTY};
                double sliceSeconds = settings.seconds() / settings.slices();
                for (int i = 0; i < settings.slices(); i++) {
                    for (int j = 0; j < pumps.size(); j++) {
                        sums[j] = sums[j].plus(measureSlice(pumps.get(j), sliceSeconds, threads));
                        step(progress);
                    }
                }
                return new Result(settings, epoll, heartbeatBody + 4, responseBody + 4,
                        sums[0].toSeries("kontiki", kontiki), sums[1].toSeries("raw-netty", raw),
                        transportOnly == null ? null : sums[2].toSeries("transport", transportOnly),
                        rawTwoWay == null ? null : sums[3].toSeries("raw-2conn", rawTwoWay));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    private static void step(ProgressBar progress) {
        if (progress != null) {
            progress.step();
        }
    }

    /** Prints the report to {@code out}; see {@link ThroughputReport#print}. */
    public static void print(Result r, PrintStream out) {
        ThroughputReport.print(r, out);
    }

    /** Writes the result files into {@code dir} and returns their paths; see {@link ThroughputReport#write}. */
    static List<Path> write(Result r, Path dir) throws IOException {
        return ThroughputReport.write(r, dir);
    }

    @FunctionalInterface
    private interface Setup<T> {
        T start() throws Exception;
    }

    /** Retries a setup that lost a port race (its bind failed); at most {@value #SETUP_ATTEMPTS} attempts. */
    private static <T> T withRetries(Setup<T> setup) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return setup.start();
            } catch (IllegalStateException e) {
                String m = String.valueOf(e.getMessage());
                boolean bindFailure = m.contains("listen") || m.contains("bind") || m.contains("in use");
                if (!bindFailure || attempt >= SETUP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}

