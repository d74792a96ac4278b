package io.kontiki.raft.bench;

import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.LoopUsage;
import io.kontiki.raft.bench.HeartbeatThroughputBenchmark.Series;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Measuring the series of {@link HeartbeatThroughputBenchmark} one slice at a time: the round
 * trips a {@link Pump} completes, what each loop thread uses ({@link LoopThread}: CPU time,
 * {@code /proc} counters, heap allocation), the JVM's garbage collections and the machine's TCP
 * segments; and the bounded wait both the measurement and the setup use.
 */
final class ThroughputMeasurement {

    private static final long LOOP_CALL_TIMEOUT_MILLIS = 5_000;
    private static final long DRAIN_TIMEOUT_MILLIS = 2_000;

    private ThroughputMeasurement() {
    }

    /** Sums over measured slices. */
    record Slice(long roundTrips, long nanos, LoopUsage a, LoopUsage b, long tcpSegments, long gcs,
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
    static Slice measureSlice(Pump p, double seconds, LoopThread[] threads) throws Exception {
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
    static void awaitTrue(BooleanSupplier condition, long timeoutMillis, String what)
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
}
