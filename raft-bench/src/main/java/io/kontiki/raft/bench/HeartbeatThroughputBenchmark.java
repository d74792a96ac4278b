package io.kontiki.raft.bench;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.EventLoops;
import io.kontiki.raft.transport.netty.KryoCodec;
import io.kontiki.raft.transport.netty.NettyTransport;
import io.kontiki.raft.transport.netty.TransportStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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

    private static final String CLUSTER = "bench";
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long LOOP_CALL_TIMEOUT_MILLIS = 5_000;
    private static final long DRAIN_TIMEOUT_MILLIS = 2_000;
    private static final long WATCHDOG_MILLIS = 1_000;
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
     * @param stalls      times the watchdog found no progress for {@value #WATCHDOG_MILLIS} ms
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
            try (KontikiPump kontiki = withRetries(() -> new KontikiPump(loopA, loopB, settings.inflight(), true));
                 RawPump raw = withRetries(() -> new RawPump(loopA, loopB, settings.inflight(), heartbeatBody,
                         epoll, false));
                 KontikiPump transportOnly = settings.breakdown()
                         ? withRetries(() -> new KontikiPump(loopA, loopB, settings.inflight(), false)) : null;
                 RawPump rawTwoWay = settings.breakdown()
                         ? withRetries(() -> new RawPump(loopA, loopB, settings.inflight(), heartbeatBody, epoll, true))
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

    // ---- the series ----------------------------------------------------------------------

    /** A series: keeps K requests in flight while started; its start and stop run on its loop. */
    private interface Pump extends AutoCloseable {
        EventLoop loop();

        /** On the loop: sends K requests; every response sends the next. */
        void start();

        /** On the loop: responses no longer send the next request. */
        void stop();

        /** Requests sent so far; any thread. */
        long sent();

        /** Round trips completed so far; any thread. */
        long completed();

        long stalls();

        String notes();

        @Override
        void close();
    }

    /**
     * The loop-confined counting both series share: K in flight while running, a watchdog that
     * re-primes the window if nothing came back for {@value #WATCHDOG_MILLIS} ms (a lost message,
     * which loopback TCP does not lose unless a connection dropped).
     */
    private abstract static class Window {
        private final int inflight;
        private final AtomicLong sentCount = new AtomicLong();
        private final AtomicLong completedCount = new AtomicLong();
        private long sent;
        private long completed;
        private long lastSeen = -1;
        private boolean running;
        private volatile long stalls;

        Window(int inflight) {
            this.inflight = inflight;
        }

        /** Sends one request; true if it was handed to the channel. */
        abstract void sendOne();

        /** Called after a batch of {@link #sendOne} calls that nothing else will flush. */
        void flushPrimed() {
        }

        final void onResponse() {
            completedCount.lazySet(++completed);
            if (running) {
                send();
            }
        }

        public final void start() {
            running = true;
            lastSeen = -1;
            prime();
        }

        public final void stop() {
            running = false;
        }

        final void watchdog() {
            if (running && completed == lastSeen) {
                stalls++;
                prime();
            }
            lastSeen = completed;
        }

        private void prime() {
            for (int i = 0; i < inflight; i++) {
                send();
            }
            flushPrimed();
        }

        private void send() {
            sentCount.lazySet(++sent);
            sendOne();
        }

        final long sentSoFar() {
            return sentCount.get();
        }

        final long completedSoFar() {
            return completedCount.get();
        }

        final long stallCount() {
            return stalls;
        }
    }

    /**
     * Kontiki: driver A on loop A, RaftNode follower B on loop B, a NettyTransport each. Without
     * the core (the breakdown's diagnostic series), B's inbound consumer answers each
     * AppendEntries with an AppendEntriesResponse itself: the transports and Kryo, no RaftNode.
     */
    private static final class KontikiPump extends Window implements Pump {
        private final EventLoop loopA;
        private final NettyTransport transportA;
        private final NettyTransport transportB;
        private final RaftNode nodeB;
        private final ExecutorService applyB;
        private final ScheduledFuture<?> watchdog;
        private volatile long rejected;

        KontikiPump(EventLoop loopA, EventLoop loopB, int inflight, boolean withCore) throws Exception {
            super(inflight);
            this.loopA = loopA;
            InetSocketAddress[] addr = InProcessCluster.freeLoopbackAddresses(2);
            transportB = NettyTransport.builder(CLUSTER, BenchMessages.FOLLOWER).listen(addr[1])
                    .peer(BenchMessages.LEADER, addr[0]).eventLoop(loopB).reconnectBackoff(10, 200).build();
            transportA = NettyTransport.builder(CLUSTER, BenchMessages.LEADER).listen(addr[0])
                    .peer(BenchMessages.FOLLOWER, addr[1]).eventLoop(loopA).reconnectBackoff(10, 200).build();
            applyB = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-apply");
                t.setDaemon(true);
                return t;
            });
            RaftConfig config = RaftConfig.builder(BenchMessages.FOLLOWER,
                            List.of(BenchMessages.LEADER, BenchMessages.FOLLOWER))
                    .tickMillis(10).heartbeatTicks(5)
                    .electionTicks(1_000_000) // 10,000 s or more: B never campaigns during the run
                    .noopOnElection(false).build();
            nodeB = withCore ? RaftNode.builder(config).loop(EventLoops.asLoopExecutor(loopB)).transport(transportB)
                    .storage(new InMemoryStorage()).stateMachine(e -> { }).applyExecutor(applyB)
                    .random(new Random(2)).start() : null;
            try {
                transportB.start(withCore ? nodeB::receive : this::answer);
                transportA.start(this::onMessage);
                awaitTrue(() -> transportA.isConnectedTo(BenchMessages.FOLLOWER)
                                && transportB.isConnectedTo(BenchMessages.LEADER),
                        CONNECT_TIMEOUT_MILLIS, "the two transports to connect");
            } catch (RuntimeException | InterruptedException e) {
                close();
                throw e;
            }
            watchdog = loopA.scheduleAtFixedRate(this::watchdog, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        /** B's inbound consumer without the core, on loop B: what the follower would answer. */
        private void answer(RaftMessage m) {
            if (m instanceof io.kontiki.raft.core.message.AppendEntries ae) {
                transportB.send(AppendEntriesResponse.accept(ae.to(), ae.from(), ae.term(),
                        ae.prevLogIndex() + ae.entries().size()));
            }
        }

        /** A's inbound consumer, on loop A. */
        private void onMessage(RaftMessage m) {
            if (m instanceof AppendEntriesResponse r) {
                if (!r.success()) {
                    rejected++;
                }
                onResponse();
            }
        }

        @Override
        void sendOne() {
            transportA.send(BenchMessages.heartbeat());
        }

        @Override
        public EventLoop loop() {
            return loopA;
        }

        @Override
        public long sent() {
            return sentSoFar();
        }

        @Override
        public long completed() {
            return completedSoFar();
        }

        @Override
        public long stalls() {
            return stallCount();
        }

        @Override
        public String notes() {
            TransportStats a = transportA.stats();
            TransportStats b = transportB.stats();
            String node = "B answers without the core";
            if (nodeB != null) {
                NodeStatus status = nodeB.status();
                node = "B stayed " + status.role() + " in term " + status.term();
            }
            return String.format(Locale.ROOT,
                    "%s; outbound connections made A %d, B %d (1 each unless one "
                            + "was lost); dropped A %d (not connected) + %d (backpressure), B %d + %d; "
                            + "rejected responses %d",
                    node, a.connectionsEstablished(), b.connectionsEstablished(),
                    a.droppedNotConnected(), a.droppedBackpressure(), b.droppedNotConnected(),
                    b.droppedBackpressure(), rejected);
        }

        @Override
        public void close() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (nodeB != null) {
                nodeB.close();
            }
            transportA.close();
            transportB.close();
            applyB.shutdownNow();
        }
    }

    /**
     * Raw Netty: a client on loop A and an echo server on loop B, framed like the transport, on
     * one connection. With {@code twoConnections} (the breakdown's diagnostic series) it takes
     * the transport's topology instead: A sends on its connection to B, B answers on its own
     * connection to A, so each connection carries data one way only.
     */
    private static final class RawPump extends Window implements Pump {
        private final EventLoop loopA;
        private final int bodyBytes;
        private final boolean twoConnections;
        private final Channel serverB;
        private final Channel client;
        private final Channel serverA;
        private final Channel replyChannel;
        private final ScheduledFuture<?> watchdog;

        RawPump(EventLoop loopA, EventLoop loopB, int inflight, int bodyBytes, boolean epoll, boolean twoConnections)
                throws Exception {
            super(inflight);
            this.loopA = loopA;
            this.bodyBytes = bodyBytes;
            this.twoConnections = twoConnections;
            InetSocketAddress[] address = InProcessCluster.freeLoopbackAddresses(2);
            RawPump self = this;
            Channel[] reply = new Channel[1];
            serverB = listen(loopB, address[1], epoll, twoConnections ? new ForwardHandler(() -> reply[0])
                    : new EchoHandler());
            client = connect(loopA, address[1], epoll, twoConnections ? null : new ClientHandler(self));
            if (twoConnections) {
                serverA = listen(loopA, address[0], epoll, new ClientHandler(self));
                replyChannel = connect(loopB, address[0], epoll, null);
                reply[0] = replyChannel;
            } else {
                serverA = null;
                replyChannel = null;
            }
            watchdog = loopA.scheduleAtFixedRate(this::watchdog, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        /** A listening channel whose accepted channels end in a fresh {@code last} handler (which must be sharable or made per call). */
        private static Channel listen(EventLoop loop, InetSocketAddress address, boolean epoll,
                                      ChannelInboundHandlerAdapter last) {
            Class<? extends ServerSocketChannel> type = epoll ? EpollServerSocketChannel.class
                    : NioServerSocketChannel.class;
            try {
                return new ServerBootstrap().group(loop, loop).channel(type)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(frameDecoder(), new LengthFieldPrepender(4), last);
                            }
                        })
                        .bind(address).syncUninterruptibly().channel();
            } catch (Exception e) { // a BindException arrives unchecked from syncUninterruptibly
                throw new IllegalStateException("raw server cannot listen on " + address + ": " + e, e);
            }
        }

        private static Channel connect(EventLoop loop, InetSocketAddress address, boolean epoll,
                                       ChannelInboundHandlerAdapter last) {
            return new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(frameDecoder(), new LengthFieldPrepender(4));
                            if (last != null) {
                                ch.pipeline().addLast(last);
                            }
                        }
                    })
                    .connect(address).syncUninterruptibly().channel();
        }

        @Override
        void sendOne() {
            client.write(client.alloc().ioBuffer(bodyBytes, bodyBytes).writeZero(bodyBytes), client.voidPromise());
        }

        @Override
        void flushPrimed() {
            client.flush();
        }

        /** Flushes the requests written while reading a batch of responses. */
        void flushRequests() {
            client.flush();
        }

        @Override
        public EventLoop loop() {
            return loopA;
        }

        @Override
        public long sent() {
            return sentSoFar();
        }

        @Override
        public long completed() {
            return completedSoFar();
        }

        @Override
        public long stalls() {
            return stallCount();
        }

        @Override
        public String notes() {
            return "frames of " + (bodyBytes + 4) + " bytes both ways; "
                    + (twoConnections ? "two connections, each one way (the transport's topology)"
                    : "echo server, one connection");
        }

        @Override
        public void close() {
            watchdog.cancel(false);
            for (Channel ch : new Channel[] {client, replyChannel, serverB, serverA}) {
                if (ch != null) {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4);
    }

    /** Sends each frame back as it came; flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Sends each frame on another channel of the same loop; flushes that channel once per read batch. */
    @ChannelHandler.Sharable
    private static final class ForwardHandler extends ChannelInboundHandlerAdapter {
        private final Supplier<Channel> to;

        ForwardHandler(Supplier<Channel> to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel out = to.get();
            if (out == null) {
                ((ByteBuf) msg).release();
                return;
            }
            out.write(msg, out.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Channel out = to.get();
            if (out != null) {
                out.flush();
            }
        }
    }

    /** Each frame back sends the next (through the pump); flushes the requests once per read batch. */
    @ChannelHandler.Sharable
    private static final class ClientHandler extends ChannelInboundHandlerAdapter {
        private final RawPump pump;

        ClientHandler(RawPump pump) {
            this.pump = pump;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            pump.onResponse();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            pump.flushRequests();
        }
    }

    // ---- measurement --------------------------------------------------------------------

    /** Sums over measured slices. */
    private record Slice(long roundTrips, long nanos, LoopUsage a, LoopUsage b, long tcpSegments, long gcs,
                         long gcMillis) {
        static final Slice EMPTY = new Slice(0, 0, LoopUsage.ZERO, LoopUsage.ZERO, 0, 0, 0);

        Slice plus(Slice o) {
            return new Slice(roundTrips + o.roundTrips, nanos + o.nanos, a.plus(o.a), b.plus(o.b),
                    tcpSegments < 0 || o.tcpSegments < 0 ? -1 : tcpSegments + o.tcpSegments, gcs + o.gcs,
                    gcMillis + o.gcMillis);
        }

        Series toSeries(String name, Pump p) {
            return new Series(name, roundTrips, nanos / 1e9, a, b, tcpSegments, gcs, gcMillis, p.stalls(), p.notes());
        }
    }

    /**
     * Starts the pump, counts what it completes and what the loops use for {@code seconds},
     * stops it and waits (bounded) until its requests in flight have come back.
     */
    private static Slice measureSlice(Pump p, double seconds, LoopThread[] threads) throws Exception {
        onLoop(p.loop(), p::start);
        LoopUsage a0 = threads[0].usage();
        LoopUsage b0 = threads[1].usage();
        long[] gc0 = gcTotals();
        long seg0 = procNetCounter("/proc/net/snmp", "Tcp:", "OutSegs");
        long c0 = p.completed();
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        long c1 = p.completed();
        long t1 = System.nanoTime();
        long seg1 = procNetCounter("/proc/net/snmp", "Tcp:", "OutSegs");
        long[] gc1 = gcTotals();
        LoopUsage a1 = threads[0].usage();
        LoopUsage b1 = threads[1].usage();
        onLoop(p.loop(), p::stop);
        awaitTrue(() -> p.completed() >= p.sent(), DRAIN_TIMEOUT_MILLIS, null);
        return new Slice(c1 - c0, t1 - t0, a1.minus(a0), b1.minus(b0), seg0 < 0 || seg1 < 0 ? -1 : seg1 - seg0,
                gc1[0] - gc0[0], gc1[1] - gc0[1]);
    }

    private static void onLoop(EventLoop loop, Runnable task) throws Exception {
        loop.submit(task).get(LOOP_CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Collections and milliseconds, summed over the JVM's collectors. */
    private static long[] gcTotals() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * A counter of a Linux {@code /proc/net} table: a header line and a value line that both
     * start with {@code prefix}. -1 if unavailable.
     */
    private static long procNetCounter(String file, String prefix, String name) {
        try {
            String[] header = null;
            for (String line : Files.readAllLines(Path.of(file))) {
                if (!line.startsWith(prefix)) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                if (header == null) {
                    header = fields;
                    continue;
                }
                for (int i = 1; i < header.length && i < fields.length; i++) {
                    if (header[i].equals(name)) {
                        return Long.parseLong(fields[i]);
                    }
                }
                return -1;
            }
        } catch (IOException | RuntimeException unavailable) {
            // not Linux, or no such counter
        }
        return -1;
    }

    /** An event loop's thread: its JVM id (CPU time, allocation) and, on Linux, its kernel task id (/proc counters). */
    record LoopThread(long javaId, String linuxTid) {
        private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

        static LoopThread of(EventLoop loop) throws Exception {
            return loop.submit(() -> {
                String tid = null;
                try {
                    Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "PID/task/TID"
                    tid = self.getFileName().toString();
                } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
                    // counters stay unknown
                }
                return new LoopThread(Thread.currentThread().getId(), tid);
            }).get(LOOP_CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }

        LoopUsage usage() {
            long cpu = MX.isThreadCpuTimeSupported() ? MX.getThreadCpuTime(javaId) : -1;
            long writes = -1;
            long sleeps = -1;
            long preemptions = -1;
            if (linuxTid != null) {
                Path task = Path.of("/proc/self/task", linuxTid);
                writes = procField(task.resolve("io"), "syscw:");
                sleeps = procField(task.resolve("status"), "voluntary_ctxt_switches:");
                preemptions = procField(task.resolve("status"), "nonvoluntary_ctxt_switches:");
            }
            long heap = -1;
            if (MX instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()
                    && hotspot.isThreadAllocatedMemoryEnabled()) {
                heap = hotspot.getThreadAllocatedBytes(javaId);
            }
            return new LoopUsage(cpu, writes, sleeps, preemptions, heap);
        }

        private static long procField(Path file, String key) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.substring(key.length()).trim());
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // unknown
            }
            return -1;
        }
    }

    /** Waits until {@code condition} holds; throws after the timeout, or just returns if {@code what} is null. */
    private static void awaitTrue(BooleanSupplier condition, long timeoutMillis, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                if (what == null) {
                    return;
                }
                throw new IllegalStateException("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(1);
        }
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

    // ---- report -------------------------------------------------------------------------

    public static void print(Result r, PrintStream out) {
        Settings s = r.settings();
        Runtime rt = Runtime.getRuntime();
        out.println("Heartbeat round trips on 127.0.0.1: Kontiki (core + Kryo + Netty) vs raw Netty");
        out.printf(Locale.ROOT, "  JVM        %s %s (%s), max heap %d MiB, GC %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), System.getProperty("java.vm.vendor"), rt.maxMemory() >> 20,
                String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName).toList()));
        out.printf(Locale.ROOT, "  cores      %d available to the JVM; 2 event loops (one per side)%n",
                rt.availableProcessors());
        out.printf(Locale.ROOT, "  transport  %s; Netty leak detection %s%n",
                r.epoll() ? "epoll (native)" : "NIO (epoll not available)", ResourceLeakDetector.getLevel());
        out.printf(Locale.ROOT, "  run        %d in flight; %.1f s warm-up per series (excluded); %.1f s measured per "
                        + "series, in %d slices alternating kontiki, raw-netty%s%n",
                s.inflight(), s.warmupSeconds(), s.seconds(), s.slices(),
                s.breakdown() ? ", transport, raw-2conn" : "");
        out.printf(Locale.ROOT, "  frames     heartbeat AppendEntries %d B, AppendEntriesResponse %d B "
                        + "(4-byte prefix included); raw frames %d B both ways%n",
                r.heartbeatFrameBytes(), r.responseFrameBytes(), r.heartbeatFrameBytes());
        out.println();
        out.printf(Locale.ROOT, "  %-10s %15s %13s %5s %8s %7s%n", "series", "round trips/s", "round trips", "GCs",
                "GC ms", "stalls");
        List<Series> all = series(r);
        for (Series x : all) {
            out.printf(Locale.ROOT, "  %-10s %,15.0f %,13d %5d %8d %7d%n", x.name(), x.perSecond(), x.roundTrips(),
                    x.gcs(), x.gcMillis(), x.stalls());
        }
        out.printf(Locale.ROOT, "  ratio kontiki / raw-netty: %.3f (goal >= 0.5)%n", r.ratio());
        if (r.transportOnly() != null) {
            out.printf(Locale.ROOT, "  ratio transport (no core) / raw-netty: %.3f; raw-2conn / raw-netty: %.3f%n",
                    r.transportOnly().perSecond() / r.raw().perSecond(),
                    r.rawTwoConnections().perSecond() / r.raw().perSecond());
        }
        out.println();
        out.println("  per round trip, on each loop thread (A = driver/client, B = follower/echo server):");
        out.println("  (cpu: thread CPU time; writes: write-type syscalls, i.e. flushes that wrote; sleeps: voluntary");
        out.println("  context switches, i.e. waits in epoll_wait; preempt: involuntary ones, i.e. the machine is busy;");
        out.println("  heap: bytes allocated on the Java heap; TCP segs: segments sent, machine-wide)");
        out.printf(Locale.ROOT, "  %-10s %5s %9s %8s %8s %8s %7s %9s%n", "series", "side", "cpu us", "writes", "sleeps",
                "preempt", "heap B", "TCP segs");
        for (Series x : all) {
            for (int side = 0; side < 2; side++) {
                LoopUsage u = side == 0 ? x.a() : x.b();
                String segs = side == 0 ? String.format(Locale.ROOT, "%9.3f", x.perRoundTrip(x.tcpSegments())) : "";
                out.printf(Locale.ROOT, "  %-10s %5s %9.3f %8.3f %8.3f %8.4f %7.0f %s%n", side == 0 ? x.name() : "",
                        side == 0 ? "A" : "B", x.perRoundTrip(u.cpuNanos()) / 1e3, x.perRoundTrip(u.writeCalls()),
                        x.perRoundTrip(u.sleeps()), x.perRoundTrip(u.preemptions()), x.perRoundTrip(u.heapBytes()),
                        segs);
            }
        }
        out.println();
        out.println("  kontiki:   " + r.kontiki().notes());
        out.println("  raw-netty: " + r.raw().notes());
        if (r.transportOnly() != null) {
            out.println("  transport: " + r.transportOnly().notes());
            out.println("  raw-2conn: " + r.rawTwoConnections().notes());
        }
    }

    /** The run's series: kontiki and raw-netty, then transport and raw-2conn with {@code --breakdown}. */
    static List<Series> series(Result r) {
        return r.transportOnly() == null ? List.of(r.kontiki(), r.raw())
                : List.of(r.kontiki(), r.raw(), r.transportOnly(), r.rawTwoConnections());
    }

    /**
     * Writes {@code heartbeat-throughput-summary.json} (machine, configuration, each series'
     * figures, the ratio) and {@code heartbeat-throughput.csv} (one row per series, machine and
     * configuration in a comment line) into {@code dir}; returns their paths. The run draws no
     * random numbers, so it has no seed.
     */
    static List<Path> write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> machine = BenchReport.machine();
        Map<String, Object> config = config(r);
        List<Map<String, Object>> figures = series(r).stream().map(x -> figures(x, r)).toList();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", NAME);
        root.put("finished", Instant.now().toString());
        root.put("machine", machine);
        root.put("config", config);
        root.put("series", figures);
        root.put("ratio", finite(r.ratio()));
        Path json = dir.resolve(NAME + "-summary.json");
        Files.writeString(json, BenchReport.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                StandardCharsets.UTF_8);
        Path csv = dir.resolve(NAME + ".csv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            w.println("# machine " + BenchReport.JSON.writeValueAsString(machine) + " config "
                    + BenchReport.JSON.writeValueAsString(config));
            List<String> columns = List.copyOf(figures.get(0).keySet());
            w.println(String.join(",", columns.stream().filter(k -> !k.equals("notes")).toList()));
            for (Map<String, Object> f : figures) {
                w.println(String.join(",", columns.stream().filter(k -> !k.equals("notes"))
                        .map(k -> f.get(k) == null ? "" : f.get(k).toString()).toList()));
            }
        }
        return List.of(json, csv);
    }

    private static Map<String, Object> config(Result r) {
        Settings s = r.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", NAME);
        m.put("seconds", s.seconds());
        m.put("inflight", s.inflight());
        m.put("warmupSeconds", s.warmupSeconds());
        m.put("breakdown", s.breakdown());
        m.put("slices", s.slices());
        m.put("eventLoops", 2);
        m.put("transport", r.epoll() ? "epoll" : "nio");
        m.put("heartbeatFrameBytes", r.heartbeatFrameBytes());
        m.put("responseFrameBytes", r.responseFrameBytes());
        m.put("leakDetection", ResourceLeakDetector.getLevel().toString());
        return m;
    }

    /** One series' figures; the per-round-trip ones are null where unknown. */
    private static Map<String, Object> figures(Series x, Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("series", x.name());
        m.put("roundTrips", x.roundTrips());
        m.put("seconds", x.seconds());
        m.put("roundTripsPerSecond", finite(x.perSecond()));
        m.put("ratioToRaw", finite(x.perSecond() / r.raw().perSecond()));
        m.put("cpuMicrosPerRoundTripA", finite(x.perRoundTrip(x.a().cpuNanos()) / 1e3));
        m.put("cpuMicrosPerRoundTripB", finite(x.perRoundTrip(x.b().cpuNanos()) / 1e3));
        m.put("writesPerRoundTripA", finite(x.perRoundTrip(x.a().writeCalls())));
        m.put("writesPerRoundTripB", finite(x.perRoundTrip(x.b().writeCalls())));
        m.put("sleepsPerRoundTripA", finite(x.perRoundTrip(x.a().sleeps())));
        m.put("sleepsPerRoundTripB", finite(x.perRoundTrip(x.b().sleeps())));
        m.put("preemptionsPerRoundTripA", finite(x.perRoundTrip(x.a().preemptions())));
        m.put("preemptionsPerRoundTripB", finite(x.perRoundTrip(x.b().preemptions())));
        m.put("heapBytesPerRoundTripA", finite(x.perRoundTrip(x.a().heapBytes())));
        m.put("heapBytesPerRoundTripB", finite(x.perRoundTrip(x.b().heapBytes())));
        m.put("tcpSegmentsPerRoundTrip", finite(x.perRoundTrip(x.tcpSegments())));
        m.put("gcs", x.gcs());
        m.put("gcMillis", x.gcMillis());
        m.put("stalls", x.stalls());
        m.put("notes", x.notes());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
