package io.kontiki.raft.bench;

import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.LoopUsage;
import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Result;
import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Series;
import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Settings;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a {@link HeartbeatThroughputBenchmark} run: the console table ({@link #print})
 * and the result files, JSON and CSV ({@link #write}).
 */
final class ThroughputReport {

    private ThroughputReport() {
    }

    /** Prints the machine, the run, each series' figures and costs per round trip, and the series' notes. */
    static void print(Result r, PrintStream out) {
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
        root.put("benchmark", HeartbeatThroughputBenchmark.NAME);
        root.put("finished", Instant.now().toString());
        root.put("machine", machine);
        root.put("config", config);
        root.put("series", figures);
        root.put("ratio", finite(r.ratio()));
        Path json = dir.resolve(HeartbeatThroughputBenchmark.NAME + "-summary.json");
        Files.writeString(json, BenchReport.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                StandardCharsets.UTF_8);
        Path csv = dir.resolve(HeartbeatThroughputBenchmark.NAME + ".csv");
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
        m.put("benchmark", HeartbeatThroughputBenchmark.NAME);
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
