package io.kontiki.raft.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One cumulative-distribution plot per metric, drawn like Figure 16 of the Raft paper: x is
 * milliseconds, y the cumulative percent of a series' trials that finished by then, one step
 * line per series. Failed trials count in the denominator, so a series with failures stays
 * below 100 %. The time axis is linear from 0, like the paper's lower graph (XChart's
 * logarithmic axis labels crowd). One colour per fault condition (loss, timeouts, delay, cuts),
 * one line style per cluster size (solid, dashed, dotted). Written as {@code <bench>-<metric>-cdf.png} and {@code .svg},
 * headless.
 */
final class CdfPlot {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    private static final Map<String, String> WHAT = Map.of(
            "detect", "leader crash until a survivor leads",
            "ready", "leader crash until a first write commits",
            "elect", "cold start until a leader is elected",
            "write", "cold start until a first write commits",
            "gap", "time between consecutive AppendEntries a node receives");
    /** Distinct colours (Tableau 10), one per fault condition. */
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};
    /** One line style per cluster size: solid, dashed, dotted. */
    private static final BasicStroke[] STROKES = {
        new BasicStroke(1.6f),
        new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 4f}, 0f),
        new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f)};
    /** A y value no CDF step lands on (steps are multiples of 100/trials). */
    private static final double OFF_GRID = Math.PI / 10;
    /** What a metric's samples are, where they are not trials. */
    private static final Map<String, String> SAMPLES = Map.of("gap", "gaps");

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private CdfPlot() {
    }

    /** Writes the plots of every metric of {@code report} into {@code dir}; returns their paths. */
    static List<Path> write(BenchReport report, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String metric : report.metrics()) {
            XYChart chart = chart(report, metric);
            if (chart == null) {
                continue; // no trial of this metric finished: nothing to draw
            }
            String base = report.benchmark() + "-" + metric + "-cdf";
            Path png = dir.resolve(base + ".png");
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Path svg = dir.resolve(base + ".svg");
            try (OutputStream out = Files.newOutputStream(svg)) {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
            files.add(png);
            files.add(svg);
        }
        return files;
    }

    /** The chart of {@code metric}, or null if none of its series has a sample. */
    static XYChart chart(BenchReport report, String metric) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(report.benchmark() + " " + metric + ": " + WHAT.getOrDefault(metric, metric))
                .xAxisTitle("milliseconds").yAxisTitle("cumulative percent of " + SAMPLES.getOrDefault(metric, "trials")).build();
        var styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Step);
        styler.setLegendPosition(LegendPosition.InsideSE);
        styler.setYAxisMin(0.0).setYAxisMax(100.0).setYAxisDecimalPattern("0");
        styler.setMarkerSize(0);
        double min = Double.MAX_VALUE;
        List<String> conditions = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (BenchReport.Series s : report.series()) {
            if (!s.metric.equals(metric) || s.samplesMicros.isEmpty()) {
                continue;
            }
            double[][] xy = steps(s);
            XYSeries line = chart.addSeries(s.label(), xy[0], xy[1]);
            line.setMarker(SeriesMarkers.NONE);
            // One colour per fault condition, one line style per cluster size.
            String condition = s.loss + "/" + s.timeouts + "/" + s.delayMillis + "/" + s.oneWay;
            if (!conditions.contains(condition)) {
                conditions.add(condition);
            }
            if (!sizes.contains(s.nodes)) {
                sizes.add(s.nodes);
            }
            line.setLineColor(PALETTE[conditions.indexOf(condition) % PALETTE.length]);
            line.setLineStyle(STROKES[sizes.indexOf(s.nodes) % STROKES.length]);
            min = Math.min(min, xy[0][0]);
        }
        if (chart.getSeriesMap().isEmpty()) {
            return null;
        }
        // XChart uses the data's own y values as ticks when they are evenly spaced (multiples of
        // 100/trials here: 0, 6.7, 13.3, ...); one hidden point off any such grid keeps round ticks.
        XYSeries grid = chart.addSeries(" ", new double[] {min, min}, new double[] {0, OFF_GRID});
        grid.setShowInLegend(false);
        grid.setMarker(SeriesMarkers.NONE);
        grid.setLineColor(new Color(0, 0, 0, 0));
        styler.setXAxisMin(0.0).setXAxisDecimalPattern("0");
        return chart;
    }

    /** The empirical CDF as step points: (first sample, 0), then (i-th smallest, 100 * i / trials). */
    static double[][] steps(BenchReport.Series s) {
        List<Long> sorted = new ArrayList<>(s.samplesMicros);
        sorted.sort(null);
        int trials = sorted.size() + s.failures;
        double[] x = new double[sorted.size() + 1];
        double[] y = new double[sorted.size() + 1];
        x[0] = sorted.get(0) / 1000.0;
        for (int i = 0; i < sorted.size(); i++) {
            x[i + 1] = sorted.get(i) / 1000.0;
            y[i + 1] = 100.0 * (i + 1) / trials;
        }
        return new double[][] {x, y};
    }
}
