package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Two series per metric with made-up samples (no cluster), one of them with a failure. */
    private static BenchReport report(Path out, String... extraFlags) {
        String[] flags = {"--seed", "7", "--trials", "4", "--out", out.toString()};
        String[] all = Arrays.copyOf(flags, flags.length + extraFlags.length);
        System.arraycopy(extraFlags, 0, all, flags.length, extraFlags.length);
        BenchReport r = new BenchReport("failover", BenchSettings.parse(all));
        for (String metric : List.of("detect", "ready")) {
            BenchReport.Series a = r.series(metric, 0.0, 3, "150-300");
            BenchReport.Series b = r.series(metric, 0.1, 3, "150-300", 5, 1);
            for (int t = 0; t < 4; t++) {
                a.record(t, (200 + 30 * t) * 1_000_000L);
                if (t < 3) {
                    b.record(t, (250 + 90 * t) * 1_000_000L);
                }
            }
            b.failures = 1;
        }
        return r;
    }

    @Test
    void seriesNamesCarryDelayAndOneWayOnlyWhenNotZero() {
        assertEquals("detect_loss0.1_n3_t150-300", new BenchReport.Series("detect", 0.1, 3, "150-300", 0, 0).name());
        assertEquals("detect_loss0.1_n3_t150-300_d5", new BenchReport.Series("detect", 0.1, 3, "150-300", 5, 0).name());
        assertEquals("ready_loss0.0_n5_t150-300_ow1", new BenchReport.Series("ready", 0.0, 5, "150-300", 0, 1).name());
        assertEquals("ready_loss0.0_n5_t150-300_d20_ow2",
                new BenchReport.Series("ready", 0.0, 5, "150-300", 20, 2).name());
    }

    @Test
    void legendLabelsReadAsTheSweepPoint() {
        assertEquals("loss 10% n=3 150-300", new BenchReport.Series("detect", 0.1, 3, "150-300", 0, 0).label());
        assertEquals("loss 0% n=5 150-300 delay 0-5ms 1-way 1",
                new BenchReport.Series("detect", 0.0, 5, "150-300", 5, 1).label());
        assertEquals("loss 2.5% n=3 150-300", new BenchReport.Series("detect", 0.025, 3, "150-300", 0, 0).label());
    }

    @Test
    void theFourArgumentSeriesIsTheZeroDelayNoCutSeries() {
        BenchReport r = report(Path.of("unused"));
        assertTrue(r.series("detect", 0.0, 3, "150-300") == r.series("detect", 0.0, 3, "150-300", 0, 0));
        assertEquals(List.of("detect", "ready"), r.metrics());
    }

    @Test
    void jsonSummaryHasMachineConfigSeedSeriesAndPlots(@TempDir Path out) throws Exception {
        report(out).write();
        JsonNode root = BenchReport.JSON.readTree(out.resolve("failover-summary.json").toFile());
        assertEquals("failover", root.get("benchmark").asText());
        assertTrue(root.get("machine").get("cores").asInt() >= 1);
        assertFalse(root.get("machine").get("jdk").asText().isBlank());
        assertEquals(7, root.get("seed").asLong());
        assertEquals(7, root.get("config").get("seed").asLong());
        assertEquals(4, root.get("config").get("trials").asInt());
        assertTrue(root.get("config").has("delayMillis") && root.get("config").has("oneWay"));
        JsonNode series = root.get("series");
        assertEquals(4, series.size());
        JsonNode b = series.get(1);
        assertEquals("detect_loss0.1_n3_t150-300_d5_ow1", b.get("series").asText());
        assertEquals(5, b.get("delayMillis").asLong());
        assertEquals(1, b.get("oneWay").asInt());
        assertEquals(3, b.get("count").asLong());
        assertEquals(1, b.get("failures").asInt());
        assertEquals(340.0, b.get("p50Ms").asDouble(), 1.0);
        assertEquals("failover_detect_loss0.1_n3_t150-300_d5_ow1.hgrm", b.get("hgrm").asText());
        List<String> plots = List.of("failover-detect-cdf.png", "failover-detect-cdf.svg", "failover-ready-cdf.png",
                "failover-ready-cdf.svg");
        assertEquals(plots, BenchReport.JSON.convertValue(root.get("plots"), List.class));
        assertTrue(Files.readString(out.resolve("failover-summary.json")).contains("\n  \"machine\""),
                "pretty-printed");
    }

    @Test
    void anEmptySeriesHasNullPercentiles(@TempDir Path out) throws Exception {
        BenchReport r = new BenchReport("election", BenchSettings.parse(new String[] {"--out", out.toString()}));
        r.series("elect", 0.0, 3, "150-300").failures = 2;
        r.write();
        JsonNode s = BenchReport.JSON.readTree(out.resolve("election-summary.json").toFile()).get("series").get(0);
        assertTrue(s.get("p50Ms").isNull() && s.get("maxMs").isNull(), s.toString());
        assertEquals(0, BenchReport.JSON.readTree(out.resolve("election-summary.json").toFile()).get("plots").size());
    }

    @Test
    void csvHasDelayAndOneWayColumns(@TempDir Path out) throws Exception {
        report(out).write();
        List<String> lines = Files.readAllLines(out.resolve("failover-samples.csv"));
        assertEquals("benchmark,metric,loss,nodes,timeouts,delay_ms,one_way,heartbeat_ms,seed,trial,millis", lines.get(1));
        assertTrue(lines.contains("failover,detect,0.1,3,150-300,5,1,50,7,2,430.000"), lines.toString());
        assertEquals(2 + 2 * 7, lines.size());
    }

    @Test
    void plotsAreReadablePngsOfTheChartSizeAndSvgs(@TempDir Path out) throws Exception {
        report(out).write();
        for (String metric : List.of("detect", "ready")) {
            Path png = out.resolve("failover-" + metric + "-cdf.png");
            byte[] bytes = Files.readAllBytes(png);
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8), png.toString());
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png.toString());
            assertEquals(CdfPlot.WIDTH, image.getWidth());
            assertEquals(CdfPlot.HEIGHT, image.getHeight());
            String svg = Files.readString(out.resolve("failover-" + metric + "-cdf.svg"));
            assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
        }
    }

    @Test
    void noPlotWritesNoPlot(@TempDir Path out) throws Exception {
        List<Path> files = report(out, "--no-plot").write();
        assertTrue(files.stream().noneMatch(p -> p.toString().endsWith(".png") || p.toString().endsWith(".svg")));
        assertFalse(Files.exists(out.resolve("failover-detect-cdf.png")));
    }

    @Test
    void extrasGoIntoTheJsonASecondTableAndTheSeriesCsv(@TempDir Path out) throws Exception {
        BenchReport r = new BenchReport("heartbeat", BenchSettings.parse(new String[] {"--seed", "5", "--no-plot",
                "--out", out.toString()}));
        BenchReport.Series gap = r.series("gap", 0.1, 3, "150-300", 0, 1);
        gap.record(0, 50_000_000L);
        gap.extras.put("sent", 10L);
        gap.extras.put("fraction", 0.9);
        gap.extras.put("electionsPerMin", Double.NaN);
        r.series("gap", 0.0, 3, "150-300"); // no extras: an empty row in the CSV, none in the table
        List<Path> files = r.write();
        assertTrue(files.contains(out.resolve("heartbeat-series.csv")), files.toString());

        JsonNode extras = BenchReport.JSON.readTree(out.resolve("heartbeat-summary.json").toFile())
                .get("series").get(0).get("extras");
        assertEquals(10, extras.get("sent").asLong());
        assertEquals(0.9, extras.get("fraction").asDouble());
        assertTrue(extras.get("electionsPerMin").isNull(), "NaN is null in JSON");

        List<String> csv = Files.readAllLines(out.resolve("heartbeat-series.csv"));
        assertEquals("benchmark,metric,loss,nodes,timeouts,delay_ms,one_way,heartbeat_ms,seed,count,p50_ms,p99_ms,"
                + "max_ms,sent,fraction,electionsPerMin", csv.get(1));
        assertTrue(csv.get(2).startsWith("heartbeat,gap,0.1,3,150-300,0,1,50,5,1,") && csv.get(2).endsWith(",10,0.9,"),
                csv.get(2));

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        r.printTable(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        String head = lines.stream().filter(l -> l.contains("fraction")).findFirst().orElseThrow();
        assertTrue(head.contains("sent") && head.contains("electionsPerMin") && head.contains("p99 ms"), head);
        assertEquals(1, lines.stream().filter(l -> l.contains("0.9000")).count(), lines.toString());
    }

    @Test
    void cdfStepsRiseToTheShareOfTrialsThatFinished() {
        BenchReport.Series s = new BenchReport.Series("detect", 0, 3, "150-300", 0, 0);
        s.record(0, 300_000_000L);
        s.record(1, 100_000_000L);
        s.record(2, 200_000_000L);
        s.failures = 1;
        double[][] xy = CdfPlot.steps(s);
        assertArrayEquals(new double[] {100, 100, 200, 300}, xy[0]);
        assertArrayEquals(new double[] {0, 25, 50, 75}, xy[1]);
    }
}
