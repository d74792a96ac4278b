package io.kontiki.raft.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Samples per series (an HdrHistogram in microseconds plus the raw values), a console table of
 * p50/p90/p99/p99.9/max in ms, and the result files: {@code <bench>-summary.json}, one
 * {@code .hgrm} per series, {@code <bench>-samples.csv} and, unless {@code --no-plot}, one CDF
 * plot per metric ({@link CdfPlot}); each records the machine, the full configuration and the seed.
 *
 * <p>A series may also carry scalar figures ({@link Series#extras}, e.g. counts and rates of a
 * run of fixed duration): they go into the series' JSON object, a second console table and
 * {@code <bench>-series.csv}, one row per series.
 */
final class BenchReport {

    /** JSON for the summary (pretty) and the one-line headers of the other files. */
    static final ObjectMapper JSON = new ObjectMapper();

    /** One series: a metric at one loss level × node count × timeouts × delay jitter × one-way cuts. */
    static final class Series {
        final String metric;
        final double loss;
        final int nodes;
        final String timeouts;
        final long delayMillis;
        final int oneWay;
        final Histogram histogram = new Histogram(600_000_000L, 3); // µs, up to 10 minutes
        final List<Long> samplesMicros = new ArrayList<>();
        final List<Integer> sampleTrials = new ArrayList<>();
        /** Scalar figures of the series by name, in table order: numbers or strings. */
        final Map<String, Object> extras = new LinkedHashMap<>();
        int failures;

        Series(String metric, double loss, int nodes, String timeouts, long delayMillis, int oneWay) {
            this.metric = metric;
            this.loss = loss;
            this.nodes = nodes;
            this.timeouts = timeouts;
            this.delayMillis = delayMillis;
            this.oneWay = oneWay;
        }

        void record(int trial, long nanos) {
            long micros = Math.max(1, nanos / 1000);
            histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
            samplesMicros.add(micros);
            sampleTrials.add(trial);
        }

        /** {@code detect_loss0.1_n3_t150-300}, then {@code _d5} and {@code _ow1} when not zero. */
        String name() {
            return metric + "_loss" + loss + "_n" + nodes + "_t" + timeouts + (delayMillis > 0 ? "_d" + delayMillis : "")
                    + (oneWay > 0 ? "_ow" + oneWay : "");
        }

        /** The sweep point for people: {@code loss 10% n=3 150-300}, then delay and one-way cuts when not zero. */
        String label() {
            String percent = BigDecimal.valueOf(loss * 100).stripTrailingZeros().toPlainString();
            return "loss " + percent + "% n=" + nodes + " " + timeouts + (delayMillis > 0 ? " delay 0-" + delayMillis + "ms" : "")
                    + (oneWay > 0 ? " 1-way " + oneWay : "");
        }

        double ms(double percentile) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMs() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
        }

        double meanMs() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMean() / 1000.0;
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
        return series(metric, loss, nodes, timeouts, 0, 0);
    }

    /** The series of {@code metric} at this sweep point, created on first use. */
    /** The series of {@code metric} at one point of the sweep. */
    Series series(String metric, BenchSettings.Point p) {
        return series(metric, p.loss(), p.nodes(), p.timeoutLabel(), p.delayMillis(), p.oneWay());
    }

    Series series(String metric, double loss, int nodes, String timeouts, long delayMillis, int oneWay) {
        for (Series s : series) {
            if (s.metric.equals(metric) && s.loss == loss && s.nodes == nodes && s.timeouts.equals(timeouts)
                    && s.delayMillis == delayMillis && s.oneWay == oneWay) {
                return s;
            }
        }
        Series s = new Series(metric, loss, nodes, timeouts, delayMillis, oneWay);
        series.add(s);
        return s;
    }

    List<Series> series() {
        return series;
    }

    /** The metrics, in the order their first series was created. */
    List<String> metrics() {
        LinkedHashSet<String> m = new LinkedHashSet<>();
        series.forEach(s -> m.add(s.metric));
        return List.copyOf(m);
    }

    String benchmark() {
        return benchmark;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    void printTable(PrintStream out) {
        out.printf("%n%s (%s, heartbeat %d ms, seed %d, %d cores, %s)%n", benchmark, settings.mode,
                settings.heartbeatMillis, settings.seed, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"));
        out.printf("%-8s %6s %5s %10s %5s %5s %7s %4s %9s %9s %9s %9s %9s%n", "metric", "loss", "nodes", "timeouts",
                "delay", "1-way", "trials", "fail", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
        for (Series s : series) {
            out.printf("%-8s %6.3f %5d %10s %5d %5d %7d %4d %9.1f %9.1f %9.1f %9.1f %9.1f%n", s.metric, s.loss,
                    s.nodes, s.timeouts, s.delayMillis, s.oneWay, s.histogram.getTotalCount(), s.failures, s.ms(50),
                    s.ms(90), s.ms(99), s.ms(99.9), s.maxMs());
        }
        printExtras(out);
    }

    /** The series that carry extras, with their extras as columns, then p50/p99/max of their histogram. */
    private void printExtras(PrintStream out) {
        List<String> keys = extraKeys();
        if (keys.isEmpty()) {
            return;
        }
        out.println();
        StringBuilder head = new StringBuilder(String.format("%-8s %6s %5s %10s %5s %5s", "metric", "loss", "nodes",
                "timeouts", "delay", "1-way"));
        for (String k : keys) {
            head.append(' ').append(pad(k));
        }
        out.println(head.append(String.format(" %9s %9s %9s", "p50 ms", "p99 ms", "max ms")));
        for (Series s : series) {
            if (s.extras.isEmpty()) {
                continue;
            }
            StringBuilder row = new StringBuilder(String.format("%-8s %6.3f %5d %10s %5d %5d", s.metric, s.loss,
                    s.nodes, s.timeouts, s.delayMillis, s.oneWay));
            for (String k : keys) {
                Object v = s.extras.get(k);
                String text = v == null ? "" : v instanceof Double d ? String.format("%.4f", d) : v.toString();
                row.append(' ').append(String.format("%" + Math.max(9, k.length()) + "s", text));
            }
            out.println(row.append(String.format(" %9.1f %9.1f %9.1f", s.ms(50), s.ms(99), s.maxMs())));
        }
    }

    private static String pad(String key) {
        return String.format("%" + Math.max(9, key.length()) + "s", key);
    }

    /** The names of every series' extras, in the order they first appear. */
    private List<String> extraKeys() {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        series.forEach(s -> keys.addAll(s.extras.keySet()));
        return List.copyOf(keys);
    }

    /** Writes the .hgrm files, the CSV, the plots and the JSON summary into the output directory; returns their paths. */
    List<Path> write() throws IOException {
        Path dir = settings.out;
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Map<String, Object> config = settings.describe(benchmark);
        Map<String, Object> machine = machine();
        String header = "machine " + oneLine(machine) + " config " + oneLine(config) + " seed " + settings.seed
                + " started " + started;

        for (Series s : series) {
            Path p = dir.resolve(hgrmName(s));
            try (PrintStream ps = new PrintStream(Files.newOutputStream(p), false, StandardCharsets.UTF_8)) {
                ps.println("# " + benchmark + " series " + s.name() + " (values in ms)");
                ps.println("# " + header);
                s.histogram.outputPercentileDistribution(ps, 1000.0);
            }
            files.add(p);
        }
        files.add(writeCsv(dir.resolve(benchmark + "-samples.csv"), header));
        if (!extraKeys().isEmpty()) {
            files.add(writeSeriesCsv(dir.resolve(benchmark + "-series.csv"), header));
        }
        List<Path> plots = settings.noPlot ? List.of() : CdfPlot.write(this, dir);
        files.addAll(plots);

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", benchmark);
        root.put("started", started.toString());
        root.put("finished", Instant.now().toString());
        root.put("machine", machine);
        root.put("config", config);
        root.put("seed", settings.seed);
        root.put("series", series.stream().map(this::summary).toList());
        root.put("plots", plots.stream().map(p -> p.getFileName().toString()).toList());
        Path json = dir.resolve(benchmark + "-summary.json");
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        files.add(json);
        return files;
    }

    private Path writeCsv(Path csv, String header) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            w.println("# " + header);
            w.println("benchmark,metric,loss,nodes,timeouts,delay_ms,one_way,heartbeat_ms,seed,trial,millis");
            for (Series s : series) {
                for (int i = 0; i < s.samplesMicros.size(); i++) {
                    w.printf("%s,%s,%s,%d,%s,%d,%d,%d,%d,%d,%.3f%n", benchmark, s.metric, s.loss, s.nodes, s.timeouts,
                            s.delayMillis, s.oneWay, settings.heartbeatMillis, settings.seed, s.sampleTrials.get(i),
                            s.samplesMicros.get(i) / 1000.0);
                }
            }
        }
        return csv;
    }

    /** One row per series: the sweep point, the histogram's count and p50/p99/max, then the extras. */
    private Path writeSeriesCsv(Path csv, String header) throws IOException {
        List<String> keys = extraKeys();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            w.println("# " + header);
            w.println("benchmark,metric,loss,nodes,timeouts,delay_ms,one_way,heartbeat_ms,seed,count,p50_ms,p99_ms,max_ms,"
                    + String.join(",", keys));
            for (Series s : series) {
                StringBuilder row = new StringBuilder(String.format("%s,%s,%s,%d,%s,%d,%d,%d,%d,%d,%s,%s,%s", benchmark,
                        s.metric, s.loss, s.nodes, s.timeouts, s.delayMillis, s.oneWay, settings.heartbeatMillis,
                        settings.seed, s.histogram.getTotalCount(), csvNumber(s.ms(50)), csvNumber(s.ms(99)),
                        csvNumber(s.maxMs())));
                for (String k : keys) {
                    Object v = s.extras.get(k);
                    row.append(',').append(v instanceof Double d ? csvNumber(d) : v == null ? "" : v.toString());
                }
                w.println(row);
            }
        }
        return csv;
    }

    /** Empty for NaN; otherwise the shortest exact decimal. */
    private static String csvNumber(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "";
    }

    private Map<String, Object> summary(Series s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("series", s.name());
        m.put("metric", s.metric);
        m.put("loss", s.loss);
        m.put("nodes", s.nodes);
        m.put("timeouts", s.timeouts);
        m.put("delayMillis", s.delayMillis);
        m.put("oneWay", s.oneWay);
        m.put("count", s.histogram.getTotalCount());
        m.put("failures", s.failures);
        m.put("p50Ms", finite(s.ms(50)));
        m.put("p90Ms", finite(s.ms(90)));
        m.put("p99Ms", finite(s.ms(99)));
        m.put("p999Ms", finite(s.ms(99.9)));
        m.put("maxMs", finite(s.maxMs()));
        m.put("meanMs", finite(s.meanMs()));
        m.put("hgrm", hgrmName(s));
        if (!s.extras.isEmpty()) {
            Map<String, Object> extras = new LinkedHashMap<>();
            s.extras.forEach((k, v) -> extras.put(k, v instanceof Double d ? finite(d) : v));
            m.put("extras", extras);
        }
        return m;
    }

    private String hgrmName(Series s) {
        return benchmark + "_" + s.name() + ".hgrm";
    }

    /** JSON has no NaN: an empty series' percentiles are null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String oneLine(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    /** What a benchmark's {@code run} is. */
    @FunctionalInterface
    interface Run {
        BenchReport run(BenchSettings settings) throws Exception;
    }

    /**
     * A benchmark's main: parse the flags and apply the benchmark's own {@code check} (exit 2 with
     * the one-line message if bad; {@code --help} prints the flags), run, print the table, write
     * the files.
     */
    static void runMain(String[] args, Consumer<BenchSettings> check, Run run) throws Exception {
        runMain(args, BenchSettings.IN_PROCESS, check, run);
    }

    /** As above, with {@code defaultMode} when {@code --mode} is not given. */
    static void runMain(String[] args, String defaultMode, Consumer<BenchSettings> check, Run run) throws Exception {
        BenchSettings settings;
        try {
            settings = BenchSettings.parse(args, defaultMode);
            if (settings.help) {
                System.out.print(BenchSettings.usage());
                return;
            }
            check.accept(settings);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        BenchReport report = run.run(settings);
        report.printTable(System.out);
        for (Path p : report.write()) {
            System.out.println("wrote " + p);
        }
    }
}
