package io.kontiki.raft.bench;

import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.storage.FsyncProbe;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Writes per second and latency percentiles against a running cluster (e.g. {@code bin/kontiki
 * local --nodes 3}), at several numbers of outstanding requests, with 64-byte values; and the
 * disk's own fsync rate measured in the same run, for scale.
 *
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.WriteBenchmark \
 *     --cluster 127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103 --outstanding 1,32,256 \
 *     --seconds 10 --warmup 3 --fsync-dir data/local
 * </pre>
 */
public final class WriteBenchmark {

    private WriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String cluster = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";
        String outstanding = "1,32,256";
        long seconds = 10;
        long warmup = 3;
        int valueBytes = 64;
        Path fsyncDir = Path.of("data/local");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cluster" -> cluster = args[i + 1];
                case "--outstanding" -> outstanding = args[i + 1];
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--warmup" -> warmup = Long.parseLong(args[i + 1]);
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[i + 1]);
                case "--fsync-dir" -> fsyncDir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String a : cluster.split(",")) {
            addresses.add(ServerConfig.parseAddress(a.trim(), "--cluster"));
        }
        Files.createDirectories(fsyncDir);
        FsyncProbe.Result disk = FsyncProbe.measure(fsyncDir, 2000);
        System.out.printf("disk: %s%n", disk.describe());
        System.out.printf("%-12s %12s %10s %10s %10s %10s%n", "outstanding", "writes/s", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms");
        for (String o : outstanding.split(",")) {
            int k = Integer.parseInt(o.trim());
            try (KontikiClient client = new KontikiClient(addresses, KontikiClient.Options.defaults()
                    .withTimeout(Duration.ofSeconds(10)))) {
                run(client, k, warmup, valueBytes, null);
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                long done = run(client, k, seconds, valueBytes, h);
                System.out.printf("%-12d %12.0f %10.2f %10.2f %10.2f %10.2f%n", k, done / (double) seconds,
                        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                        h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
            }
        }
    }

    /** Keeps {@code k} puts in flight for {@code seconds}; returns how many completed. */
    private static long run(KontikiClient client, int k, long seconds, int valueBytes, Histogram h)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        byte[] value = new byte[valueBytes];
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < k; w++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            workers.add(finished);
            next(client, "w" + w + "-", 0, value, stop, completed, failed, h, finished);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the measurement window itself
        stop.set(true);
        for (CompletableFuture<Void> f : workers) {
            try {
                f.get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed.incrementAndGet();
            }
        }
        if (failed.get() > 0) {
            System.out.printf("  (%d writes failed or timed out at %d outstanding)%n", failed.get(), k);
        }
        return completed.get();
    }

    private static void next(KontikiClient client, String prefix, long n, byte[] value, AtomicBoolean stop,
                             AtomicLong completed, AtomicLong failed, Histogram h, CompletableFuture<Void> finished) {
        if (stop.get()) {
            finished.complete(null);
            return;
        }
        long start = System.nanoTime();
        client.putAsync(prefix + (n % 1000), value).whenComplete((ok, error) -> {
            if (error == null) {
                if (!stop.get()) {
                    completed.incrementAndGet();
                    if (h != null) {
                        synchronized (h) {
                            h.recordValue(Math.min(System.nanoTime() - start, h.getHighestTrackableValue()));
                        }
                    }
                }
                next(client, prefix, n + 1, value, stop, completed, failed, h, finished);
            } else {
                if (failed.incrementAndGet() == 1) {
                    System.out.println("  first failure: " + error);
                }
                // Back off instead of spinning on a refusal (e.g. during an election).
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(
                        () -> next(client, prefix, n + 1, value, stop, completed, failed, h, finished));
            }
        });
    }
}
