package io.kontiki.raft.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Samples per series (an HdrHistogram in microseconds plus the raw values), a console table of
 * p50/p90/p99/p99.9/max in ms, and the result files: {@code <bench>-summary.json}, one
 * {@code .hgrm} per series and {@code <bench>-samples.csv}; each records the machine, the full
 * configuration and the seed.
 */
final class BenchReport {

    /** One series: a metric at one loss level × node count × timeouts. */
    static final class Series {
        final String metric;
        final double loss;
        final int nodes;
        final String timeouts;
        final Histogram histogram = new Histogram(600_000_000L, 3); // µs, up to 10 minutes
        final List<Long> samplesMicros = new ArrayList<>();
        final List<Integer> sampleTrials = new ArrayList<>();
        int failures;

        Series(String metric, double loss, int nodes, String timeouts) {
            this.metric = metric;
            this.loss = loss;
            this.nodes = nodes;
            this.timeouts = timeouts;
        }

        void record(int trial, long nanos) {
            long micros = Math.max(1, nanos / 1000);
            histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
            samplesMicros.add(micros);
            sampleTrials.add(trial);
        }

        String name() {
            return metric + "_loss" + loss + "_n" + nodes + "_t" + timeouts;
        }

        double ms(double percentile) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMs() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
        }
    }

    private final String benchmark;
    private final BenchSettings settings;
    private final List<Series> series = new ArrayList<>();
    private final Instant started = Instant.now();

    BenchReport(String benchmark, BenchSettings settings) {
        this.benchmark = benchmark;
        this.settings = settings;
    }

    Series series(String metric, double loss, int nodes, String timeouts) {
        for (Series s : series) {
            if (s.metric.equals(metric) && s.loss == loss && s.nodes == nodes && s.timeouts.equals(timeouts)) {
                return s;
            }
        }
        Series s = new Series(metric, loss, nodes, timeouts);
        series.add(s);
        return s;
    }

    List<Series> series() {
        return series;
    }

    Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    void printTable(PrintStream out) {
        out.printf("%n%s (in-process, heartbeat %d ms, seed %d, %d cores, %s)%n", benchmark, settings.heartbeatMillis,
                settings.seed, Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"));
        out.printf("%-8s %6s %5s %10s %7s %4s %9s %9s %9s %9s %9s%n", "metric", "loss", "nodes", "timeouts",
                "trials", "fail", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
        for (Series s : series) {
            out.printf("%-8s %6.3f %5d %10s %7d %4d %9.1f %9.1f %9.1f %9.1f %9.1f%n", s.metric, s.loss, s.nodes,
                    s.timeouts, s.histogram.getTotalCount(), s.failures, s.ms(50), s.ms(90), s.ms(99), s.ms(99.9),
                    s.maxMs());
        }
    }

    /** Writes the JSON summary, the .hgrm files and the CSV into the output directory; returns their paths. */
    List<Path> write() throws IOException {
        Path dir = settings.out;
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Map<String, Object> config = settings.describe(benchmark);
        Map<String, Object> machine = machine();
        String header = "machine " + Json.write(machine) + " config " + Json.write(config) + " seed "
                + settings.seed + " started " + started;

        for (Series s : series) {
            Path p = dir.resolve(benchmark + "_" + s.name() + ".hgrm");
            try (PrintStream ps = new PrintStream(Files.newOutputStream(p), false, StandardCharsets.UTF_8)) {
                ps.println("# " + benchmark + " series " + s.name() + " (values in ms)");
                ps.println("# " + header);
                s.histogram.outputPercentileDistribution(ps, 1000.0);
            }
            files.add(p);
        }

        Path csv = dir.resolve(benchmark + "-samples.csv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            w.println("# " + header);
            w.println("benchmark,metric,loss,nodes,timeouts,heartbeat_ms,seed,trial,millis");
            for (Series s : series) {
                for (int i = 0; i < s.samplesMicros.size(); i++) {
                    w.printf("%s,%s,%s,%d,%s,%d,%d,%d,%.3f%n", benchmark, s.metric, s.loss, s.nodes, s.timeouts,
                            settings.heartbeatMillis, settings.seed, s.sampleTrials.get(i),
                            s.samplesMicros.get(i) / 1000.0);
                }
            }
        }
        files.add(csv);

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", benchmark);
        root.put("started", started.toString());
        root.put("finished", Instant.now().toString());
        root.put("machine", machine);
        root.put("config", config);
        root.put("seed", settings.seed);
        List<Object> out = new ArrayList<>();
        for (Series s : series) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", s.name());
            m.put("metric", s.metric);
            m.put("loss", s.loss);
            m.put("nodes", s.nodes);
            m.put("timeouts", s.timeouts);
            m.put("count", s.histogram.getTotalCount());
            m.put("failures", s.failures);
            m.put("p50Ms", s.ms(50));
            m.put("p90Ms", s.ms(90));
            m.put("p99Ms", s.ms(99));
            m.put("p999Ms", s.ms(99.9));
            m.put("maxMs", s.maxMs());
            m.put("meanMs", s.histogram.getTotalCount() == 0 ? Double.NaN : s.histogram.getMean() / 1000.0);
            m.put("hgrm", benchmark + "_" + s.name() + ".hgrm");
            out.add(m);
        }
        root.put("series", out);
        Path json = dir.resolve(benchmark + "-summary.json");
        Files.writeString(json, Json.write(root) + "\n", StandardCharsets.UTF_8);
        files.add(json);
        return files;
    }

    /** A tiny JSON writer: maps, lists, strings, numbers, booleans, null. */
    static final class Json {
        private Json() {
        }

        static String write(Object o) {
            StringBuilder sb = new StringBuilder();
            write(sb, o);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object o) {
            if (o == null) {
                sb.append("null");
            } else if (o instanceof Map<?, ?> m) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            } else if (o instanceof Iterable<?> l) {
                sb.append('[');
                boolean first = true;
                for (Object v : l) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(sb, v);
                }
                sb.append(']');
            } else if (o instanceof Double d) {
                sb.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            } else if (o instanceof Float f) {
                write(sb, f.doubleValue());
            } else if (o instanceof Number || o instanceof Boolean) {
                sb.append(o);
            } else {
                string(sb, o.toString());
            }
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }

    /** What a benchmark's {@code run} is. */
    @FunctionalInterface
    interface Run {
        BenchReport run(BenchSettings settings) throws Exception;
    }

    /** A benchmark's main: parse the flags (exit 2 with the message if bad), run, print the table, write the files. */
    static void runMain(String[] args, Run run) throws Exception {
        BenchSettings settings;
        try {
            settings = BenchSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        BenchReport report = run.run(settings);
        report.printTable(System.out);
        for (java.nio.file.Path p : report.write()) {
            System.out.println("wrote " + p);
        }
    }
}
