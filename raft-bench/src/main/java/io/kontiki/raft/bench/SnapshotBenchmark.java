package io.kontiki.raft.bench;

import io.kontiki.raft.server.KontikiServer;
import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.SnapshotPolicy;
import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snapshot figures, each against a baseline measured in the same run (the machine is shared):
 * <ul>
 *   <li>{@code catch-up}: three server processes (fsync on); a follower is killed, about
 *       {@code --state-mb} MB of state is written and snapshotted, the follower restarts; seconds
 *       from its restart until it applied the leader's commit index, and the snapshot's MB/s,
 *       against the disk's sequential write rate (write and fsync a file as large as the
 *       snapshot, on the same file system).</li>
 *   <li>{@code restart}: one in-process server (fsync off, to build the history fast) with
 *       {@code --entries} entries of history, restarted with the default snapshot thresholds and
 *       with snapshots off (the old replay-everything behaviour): time from start to the first
 *       write acknowledged, and to the storage being open.</li>
 *   <li>{@code during}: three server processes holding {@code --state-mb} MB of state, under
 *       {@code --outstanding} puts of 64-byte values; rounds in which every node (or, with
 *       {@code --snapshot-nodes leader|follower}, the leader or the followers) takes one snapshot of
 *       the whole store, each followed by as long a time without one; writes/s during the
 *       snapshots and without, and their ratio.</li>
 * </ul>
 * <pre>
 * java -cp raft-bench/target/benchmarks.jar io.kontiki.raft.bench.SnapshotBenchmark --part all
 * </pre>
 */
public final class SnapshotBenchmark {

    private static final List<String> JVM = List.of("-Xms256m", "-Xmx1g", "-XX:-UsePerfData");

    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String part = "all";
        int stateMb = 100;
        long entries = 1_000_000;
        int outstanding = 256;
        int windowSeconds = 10;
        int windows = 3;
        int chunkBytes = SnapshotPolicy.DEFAULTS.chunkBytes();
        String snapshotNodes = "all";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--part" -> part = args[i + 1];
                case "--state-mb" -> stateMb = Integer.parseInt(args[i + 1]);
                case "--entries" -> entries = Long.parseLong(args[i + 1]);
                case "--outstanding" -> outstanding = Integer.parseInt(args[i + 1]);
                case "--window-seconds" -> windowSeconds = Integer.parseInt(args[i + 1]);
                case "--windows" -> windows = Integer.parseInt(args[i + 1]);
                case "--chunk-bytes" -> chunkBytes = Integer.parseInt(args[i + 1]);
                case "--snapshot-nodes" -> snapshotNodes = args[i + 1];
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        if (part.equals("all") || part.equals("catch-up")) {
            catchUp(stateMb, outstanding, chunkBytes);
        }
        if (part.equals("all") || part.equals("restart")) {
            restart(entries, outstanding);
        }
        if (part.equals("all") || part.equals("during")) {
            during(stateMb / 2, outstanding, windowSeconds, windows, snapshotNodes);
        }
    }

    // ---- catch-up ----------------------------------------------------------------------------

    private static void catchUp(int stateMb, int outstanding, int chunkBytes) throws Exception {
        System.out.printf("== catch-up of a follower that missed a %d MB state (3 processes, fsync on, %d-byte chunks)%n",
                stateMb, chunkBytes);
        try (ProcessCluster cluster = new ProcessCluster(3, 50, 150, ProcessCluster.Faults.NONE, JVM,
                List.of("--snapshot-chunk-bytes", String.valueOf(chunkBytes)));
             KontikiClient client = client(cluster)) {
            cluster.startAll();
            int leader = leaderOf(cluster);
            int follower = leader % 3 + 1;
            cluster.kill(follower);
            int keys = stateMb * 1000;
            long t0 = System.nanoTime();
            fill(client, keys, 1000, outstanding);
            System.out.printf("  wrote %d keys of 1000 B in %.1f s%n", keys, (System.nanoTime() - t0) / 1e9);
            leader = leaderOf(cluster);
            long snapshotBytes = 0;
            for (int id = 1; id <= 3; id++) {
                if (id != follower) {
                    String answer = snapshotNow(client, cluster.clientAddresses().get(id));
                    System.out.printf("  node %d: %s%n", id, answer);
                    if (id == leader) {
                        snapshotBytes = Long.parseLong(answer.replaceAll(".*\\((\\d+) B\\).*", "$1"));
                    }
                }
            }
            StatusResponse l = cluster.status(leader);
            double diskMbs = sequentialWriteMbs(cluster.dataDir(follower).getParent(), Math.max(64L << 20, snapshotBytes));
            long target = l.commitIndex();
            long start = System.nanoTime();
            java.time.LocalTime startClock = java.time.LocalTime.now();
            cluster.start(follower);
            long deadline = start + TimeUnit.SECONDS.toNanos(300);
            StatusResponse f = null;
            while (System.nanoTime() < deadline) {
                f = cluster.status(follower);
                if (f != null && f.appliedIndex() >= target) {
                    break;
                }
                Thread.sleep(20); // polling the restarted node's status
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (f == null || f.appliedIndex() < target) {
                System.out.printf("  the follower did not catch up within 300 s (%s)%n", f);
                return;
            }
            double mb = snapshotBytes / 1e6;
            System.out.printf(Locale.ROOT, "  the follower caught up to index %d in %.2f s from its restart (JVM start, "
                    + "transfer, install and restore included)%n", target, seconds);
            System.out.printf(Locale.ROOT, "  rate: %.1f MB/s (a %.1f MB snapshot / %.2f s); disk sequential write rate in "
                    + "the same run: %.1f MB/s; ratio %.2f (goal >= 0.5)%n", mb / seconds, mb, seconds, diskMbs,
                    mb / seconds / diskMbs);
            String log = cluster.tail(follower);
            for (String line : cluster.tail(leader).split("\n")) {
                if (line.contains("snapshot") || line.contains("LEADER")) {
                    System.out.println("    leader: " + line);
                }
            }
            java.time.LocalTime installed = timeOf(log, "installed snapshot");
            java.time.LocalTime restored = timeOf(log, "restored snapshot");
            if (installed != null && restored != null) {
                double toInstalled = Duration.between(startClock, installed).toMillis() / 1e3;
                double restore = Duration.between(installed, restored).toMillis() / 1e3;
                System.out.printf(Locale.ROOT, "  phases (from the follower's log): restart to installed %.2f s (JVM start, "
                        + "transfer, verification: %.1f MB/s, ratio %.2f); restore %.2f s; the rest %.2f s%n", toInstalled,
                        mb / toInstalled, mb / toInstalled / diskMbs, restore, seconds - toInstalled - restore);
            }
        }
    }

    /** Writes {@code bytes} to a file in {@code dir} in 1 MiB writes, fsyncs it, deletes it: MB/s. */
    static double sequentialWriteMbs(Path dir, long bytes) throws IOException {
        Path file = Files.createTempFile(dir, "seqwrite", ".tmp");
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            for (long written = 0; written < bytes; written += buf.capacity()) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
            return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---- restart -----------------------------------------------------------------------------

    private static void restart(long entries, int outstanding) throws Exception {
        System.out.printf("== restart of a node with %d entries of history (in-process, one node)%n", entries);
        Path root = Files.createTempDirectory("kontiki-restart-");
        try {
            SnapshotPolicy off = new SnapshotPolicy(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 10_000, 1 << 20, 4L << 20, 2,
                    8L << 20);
            for (SnapshotPolicy policy : List.of(SnapshotPolicy.DEFAULTS, off)) {
                String name = policy == off ? "snapshots off (replay everything)" : "default snapshot thresholds";
                ServerConfig config = oneNode(root.resolve(policy == off ? "off" : "on")).withSnapshots(policy);
                try (KontikiServer server = KontikiServer.start(config);
                     KontikiClient client = new KontikiClient(List.of(server.clientAddress()))) {
                    long t0 = System.nanoTime();
                    int keys = 10_000;
                    load(client, entries, keys, 16, outstanding);
                    System.out.printf("  %s: wrote %d entries in %.1f s%n", name, entries, (System.nanoTime() - t0) / 1e9);
                }
                long start = System.nanoTime();
                try (KontikiServer server = KontikiServer.start(config);
                     KontikiClient client = new KontikiClient(List.of(server.clientAddress()))) {
                    double open = (System.nanoTime() - start) / 1e9;
                    client.put("after-restart", new byte[] {1});
                    double serving = (System.nanoTime() - start) / 1e9;
                    StatusResponse s = client.status(server.clientAddress());
                    System.out.printf(Locale.ROOT, "  %s: storage open and log loaded in %.3f s; first write acknowledged "
                            + "%.3f s after start (election timeout 150-300 ms included); snapshot index %d, %d log "
                            + "entries on disk%n", name, open, serving, s.snapshotIndex(), s.logEntries());
                }
            }
        } finally {
            ProcessCluster.deleteRecursively(root);
        }
    }

    private static ServerConfig oneNode(Path dir) throws IOException {
        InetSocketAddress[] a = InProcessCluster.freeLoopbackAddresses(2);
        return new ServerConfig("restart-bench", 1, Map.of(1, a[0]), a[1], Map.of(1, a[1]), dir, 10, 50, 150, false);
    }

    // ---- throughput during a snapshot --------------------------------------------------------

    private static void during(int stateMb, int outstanding, int windowSeconds, int windows, String which)
            throws Exception {
        System.out.printf("== writes/s while snapshots are taken (by %s) vs without (3 processes, fsync on, %d MB state, "
                + "%d outstanding)%n", which, stateMb, outstanding);
        List<String> noAutoSnapshots = List.of("--snapshot-entries", String.valueOf(Long.MAX_VALUE / 4),
                "--snapshot-log-bytes", String.valueOf(Long.MAX_VALUE / 4));
        try (ProcessCluster cluster = new ProcessCluster(3, 50, 150, ProcessCluster.Faults.NONE, JVM, noAutoSnapshots);
             KontikiClient client = client(cluster)) {
            cluster.startAll();
            leaderOf(cluster);
            int keys = stateMb * 1000;
            fill(client, keys, 1000, outstanding);
            AtomicLong completed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            byte[] value = new byte[64];
            for (int w = 0; w < outstanding; w++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                workers.add(done);
                overwrite(client, w, keys, outstanding, 0, value, stop, completed, done);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(windowSeconds)); // warm-up, not counted
            double with = 0;
            double without = 0;
            double snapshotSeconds = 0;
            int rounds = windows * 5;
            for (int i = 0; i < rounds; i++) {
                // While every node takes one snapshot of the whole store...
                long before = completed.get();
                long t = System.nanoTime();
                List<CompletableFuture<String>> taken = new ArrayList<>();
                int leader = leaderOf(cluster);
                cluster.clientAddresses().forEach((id, a) -> {
                    if (which.equals("all") || (which.equals("leader") == (id == leader))) {
                        taken.add(client.snapshotAsync(a));
                    }
                });
                for (CompletableFuture<String> f : taken) {
                    f.get(120, TimeUnit.SECONDS);
                }
                long took = System.nanoTime() - t;
                double rateWith = (completed.get() - before) / (took / 1e9);
                // ... and for as long again right after, without any.
                before = completed.get();
                t = System.nanoTime();
                TimeUnit.NANOSECONDS.sleep(took);
                double rate = (completed.get() - before) / ((System.nanoTime() - t) / 1e9);
                with += rateWith;
                without += rate;
                snapshotSeconds += took / 1e9;
                System.out.printf(Locale.ROOT, "  round %d: snapshots took %.2f s: %.0f writes/s during them, %.0f in as long "
                        + "without%n", i + 1, took / 1e9, rateWith, rate);
            }
            System.out.printf(Locale.ROOT, "  mean %.0f writes/s while the snapshots were taken (%.2f s each), %.0f without: "
                    + "ratio %.2f (goal >= 0.8)%n", with / rounds, snapshotSeconds / rounds, without / rounds,
                    with / without);
            stop.set(true);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The time stamp of the last log line containing {@code text}, or null. */
    private static java.time.LocalTime timeOf(String log, String text) {
        java.time.LocalTime found = null;
        for (String line : log.split("\n")) {
            if (line.contains(text) && line.length() > 12) {
                try {
                    found = java.time.LocalTime.parse(line.substring(0, 12));
                } catch (java.time.format.DateTimeParseException e) {
                    // not a time-stamped line
                }
            }
        }
        return found;
    }

    /** Asks the node to snapshot now, waiting out a snapshot it is already taking (at most a minute). */
    private static String snapshotNow(KontikiClient client, InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return client.snapshot(address);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("already being taken") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the node's own snapshot is still being written
            }
        }
    }

    private static KontikiClient client(ProcessCluster cluster) {
        return new KontikiClient(List.copyOf(cluster.clientAddresses().values()), KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(30)).withNodeAddresses(cluster.clientAddresses()));
    }

    private static int leaderOf(ProcessCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (StatusResponse s : cluster.statuses().values()) {
                if ("LEADER".equals(s.role())) {
                    return s.nodeId();
                }
            }
            Thread.sleep(50); // polling for a leader
        }
        throw new IllegalStateException("no leader within 60 s");
    }

    /** Puts keys k0..k{keys-1} with {@code valueBytes}-byte values, {@code outstanding} at a time. */
    private static void fill(KontikiClient client, int keys, int valueBytes, int outstanding) {
        byte[] value = new byte[valueBytes];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(value);
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            window.add(client.putAsync("k" + i, value));
            if (window.size() == outstanding) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    }

    /** {@code entries} puts over {@code keys} keys, {@code outstanding} at a time. */
    private static void load(KontikiClient client, long entries, int keys, int valueBytes, int outstanding) {
        byte[] value = new byte[valueBytes];
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (long i = 0; i < entries; i++) {
            window.add(client.putAsync("k" + (i % keys), value));
            if (window.size() == outstanding) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    }

    private static void overwrite(KontikiClient client, int worker, int keys, int workers, long n, byte[] value,
                                  AtomicBoolean stop, AtomicLong completed, CompletableFuture<Void> done) {
        if (stop.get()) {
            done.complete(null);
            return;
        }
        long key = (worker + n * workers) % keys;
        client.putAsync("k" + key, value).whenComplete((ok, error) -> {
            if (error == null) {
                completed.incrementAndGet();
            }
            overwrite(client, worker, keys, workers, n + 1, value, stop, completed, done);
        });
    }
}
