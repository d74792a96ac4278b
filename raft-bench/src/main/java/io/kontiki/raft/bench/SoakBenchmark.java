package io.kontiki.raft.bench;

import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A long write loop against a running cluster ({@code bin/kontiki local --nodes 3}, with its own
 * heap and flags), to see whether memory, disk and throughput stay flat once compaction starts:
 * {@code --outstanding} puts of {@code --value-bytes} bytes in flight over a bounded key space
 * ({@code --keys}) for {@code --minutes}; every {@code --sample-seconds} one row per sample with
 * the writes/s of the interval, each node's data-directory size, old-generation occupancy and
 * full-GC count and time (read with the JDK's {@code jstat -gc} from the server processes, found by
 * their {@code --data-dir}), snapshot index, log entries and log bytes on disk, and the leader's
 * term. At the end: throughput in the last minute against the first, leader changes, and the
 * longest full-GC time of any node. Rows go to the console and to a CSV.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.SoakBenchmark \
 *     --cluster 127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103 --data-dir data/local --minutes 30
 * </pre>
 */
public final class SoakBenchmark {

    private SoakBenchmark() {
    }

    /** One node at one sample. */
    record NodeSample(long dataBytes, long oldUsedKb, long fullGcs, double fullGcSeconds, long snapshotIndex,
                      long logEntries, long logBytes, String role, long term) {
    }

    public static void main(String[] args) throws Exception {
        String cluster = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";
        Path dataDir = Path.of("data/local");
        double minutes = 30;
        int outstanding = 256;
        int valueBytes = 64;
        int keys = 100_000;
        long sampleSeconds = 30;
        Path out = Path.of("bench-out/soak.csv");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cluster" -> cluster = args[i + 1];
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--outstanding" -> outstanding = Integer.parseInt(args[i + 1]);
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[i + 1]);
                case "--keys" -> keys = Integer.parseInt(args[i + 1]);
                case "--sample-seconds" -> sampleSeconds = Long.parseLong(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String a : cluster.split(",")) {
            addresses.add(ServerConfig.parseAddress(a.trim(), "--cluster"));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        int n = addresses.size();
        long[] pids = new long[n];
        for (int id = 1; id <= n; id++) {
            pids[id - 1] = pidOf(dataDir.resolve("node-" + id));
        }
        System.out.println("server pids " + Arrays.toString(pids) + " (0: not found; GC columns then empty)");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Double> rates = new ArrayList<>();
        long firstTerm = -1;
        long lastTerm = -1;
        double worstFullGc = 0;
        try (KontikiClient client = new KontikiClient(addresses, KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(10)));
             KontikiClient statusClient = new KontikiClient(addresses, KontikiClient.Options.defaults()
                     .withTimeout(Duration.ofSeconds(2)));
             PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            csv.print("seconds,writes_per_s");
            for (int id = 1; id <= n; id++) {
                csv.printf(",n%d_data_mib,n%d_old_used_mib,n%d_full_gcs,n%d_full_gc_s,n%d_snapshot,n%d_log_entries,"
                        + "n%d_log_mib,n%d_role", id, id, id, id, id, id, id, id);
            }
            csv.println(",leader_term");
            byte[] value = new byte[valueBytes];
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            int perWorker = Math.max(1, keys / outstanding);
            for (int w = 0; w < outstanding; w++) {
                CompletableFuture<Void> finished = new CompletableFuture<>();
                workers.add(finished);
                next(client, "w" + w + "-", perWorker, 0, value, stop, completed, failed, finished);
            }
            System.out.printf("%7s %9s | %s | %s%n", "seconds", "writes/s",
                    "per node: data MiB, old-gen MiB, full GCs (s), snapshot, log entries, log MiB", "leader term");
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            long before = 0;
            long lastSample = start;
            while (System.nanoTime() < end) {
                long next = lastSample + TimeUnit.SECONDS.toNanos(sampleSeconds);
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()))); // the sampling interval
                long now = System.nanoTime();
                long done = completed.get();
                double rate = (done - before) / ((now - lastSample) / 1e9);
                rates.add(rate);
                before = done;
                lastSample = now;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%7.0f %9.0f |", (now - start) / 1e9, rate));
                csv.printf(Locale.ROOT, "%.0f,%.0f", (now - start) / 1e9, rate);
                long term = -1;
                for (int id = 1; id <= n; id++) {
                    NodeSample s = sample(statusClient, addresses.get(id - 1), dataDir.resolve("node-" + id), pids[id - 1]);
                    worstFullGc = Math.max(worstFullGc, s.fullGcSeconds());
                    if ("LEADER".equals(s.role())) {
                        term = s.term();
                    }
                    line.append(String.format(Locale.ROOT, " %.0f %.0f %d(%.2f) %d %d %.1f %s |", s.dataBytes() / 1048576.0,
                            s.oldUsedKb() / 1024.0, s.fullGcs(), s.fullGcSeconds(), s.snapshotIndex(), s.logEntries(),
                            s.logBytes() / 1048576.0, s.role().isEmpty() ? "-" : s.role().substring(0, 1)));
                    csv.printf(Locale.ROOT, ",%.1f,%.1f,%d,%.3f,%d,%d,%.1f,%s", s.dataBytes() / 1048576.0,
                            s.oldUsedKb() / 1024.0, s.fullGcs(), s.fullGcSeconds(), s.snapshotIndex(), s.logEntries(),
                            s.logBytes() / 1048576.0, s.role());
                }
                if (term >= 0) {
                    firstTerm = firstTerm < 0 ? term : firstTerm;
                    lastTerm = term;
                }
                line.append(' ').append(term);
                csv.printf(",%d%n", term);
                csv.flush();
                System.out.println(line);
            }
            stop.set(true);
            for (CompletableFuture<Void> f : workers) {
                try {
                    f.get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        }
        int perMinute = (int) Math.max(1, 60 / sampleSeconds);
        double first = rates.stream().limit(perMinute).mapToDouble(d -> d).average().orElse(0);
        double last = rates.stream().skip(Math.max(0, rates.size() - perMinute)).mapToDouble(d -> d).average().orElse(0);
        System.out.printf(Locale.ROOT, "first minute %.0f writes/s, last minute %.0f writes/s: ratio %.3f%n", first, last,
                first == 0 ? 0 : last / first);
        System.out.printf("leader term %d at the first sample, %d at the last: %d leader changes%n", firstTerm, lastTerm,
                Math.max(0, lastTerm - firstTerm));
        System.out.printf(Locale.ROOT, "most full-GC time of a node: %.2f s; %d writes failed or timed out; rows in %s%n",
                worstFullGc, failed.get(), out);
    }

    private static NodeSample sample(KontikiClient client, InetSocketAddress address, Path dir, long pid) {
        long data = sizeOf(dir);
        long[] gc = jstat(pid);
        StatusResponse s;
        try {
            s = client.status(address);
        } catch (RuntimeException e) {
            return new NodeSample(data, gc[0], gc[1], gc[2] / 1000.0, -1, -1, -1, "", -1);
        }
        return new NodeSample(data, gc[0], gc[1], gc[2] / 1000.0, s.snapshotIndex(), s.logEntries(), s.logBytes(),
                s.role(), s.term());
    }

    /** Bytes of every file under {@code dir}. */
    static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile (a compacted segment)
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The server process whose command line names {@code dataDir}, or 0. */
    static long pidOf(Path dataDir) {
        String wanted = dataDir.toString();
        Optional<ProcessHandle> p = ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .map(c -> c.contains("--data-dir " + wanted) || c.contains("--data-dir " + dataDir.toAbsolutePath()))
                .orElse(false)).findFirst();
        return p.map(ProcessHandle::pid).orElse(0L);
    }

    /** Old-generation KB used, full GC count, full GC milliseconds, from {@code jstat -gc}; zeros if unavailable. */
    static long[] jstat(long pid) {
        if (pid <= 0) {
            return new long[3];
        }
        try {
            Process p = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l.trim());
                }
            }
            p.waitFor(5, TimeUnit.SECONDS);
            if (lines.size() < 2) {
                return new long[3];
            }
            List<String> head = Arrays.asList(lines.get(0).split("\\s+"));
            String[] vals = lines.get(1).split("\\s+");
            double ou = Double.parseDouble(vals[head.indexOf("OU")]);
            long fgc = Long.parseLong(vals[head.indexOf("FGC")]);
            double fgct = Double.parseDouble(vals[head.indexOf("FGCT")]);
            return new long[] {(long) ou, fgc, (long) (fgct * 1000)};
        } catch (IOException | RuntimeException e) {
            return new long[3];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[3];
        }
    }

    private static void next(KontikiClient client, String prefix, int keys, long n, byte[] value, AtomicBoolean stop,
                             AtomicLong completed, AtomicLong failed, CompletableFuture<Void> finished) {
        if (stop.get()) {
            finished.complete(null);
            return;
        }
        client.putAsync(prefix + (n % keys), value).whenComplete((ok, error) -> {
            if (error == null) {
                completed.incrementAndGet();
                next(client, prefix, keys, n + 1, value, stop, completed, failed, finished);
            } else {
                failed.incrementAndGet();
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(
                        () -> next(client, prefix, keys, n + 1, value, stop, completed, failed, finished));
            }
        });
    }
}
