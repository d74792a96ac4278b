package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the ByteBuf leaks Netty's leak detector reports, by listening on the detector every
 * pooled and direct buffer is tracked by ({@code AbstractByteBuf.leakDetector}), at PARANOID
 * level (set by the module's surefire argLine; set here too for IDE runs).
 *
 * <p>As a JUnit extension it fails a test whose buffers leak: before each test it collects
 * earlier garbage and takes the count, after the test it collects again and compares. A leak
 * is only seen once the leaked buffer has been garbage-collected and the detector has been
 * called again, which {@link #collect()} forces.
 */
final class LeakWatch implements BeforeEachCallback, AfterEachCallback {

    private static final AtomicInteger LEAKS = new AtomicInteger();
    private static final List<String> REPORTS = new ArrayList<>();
    private static boolean installed;

    static synchronized void install() {
        if (installed) {
            return;
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        try {
            Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener((type, records) -> {
                LEAKS.incrementAndGet();
                synchronized (REPORTS) {
                    REPORTS.add(type + ": " + records);
                }
            });
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot hook Netty's ByteBuf leak detector", e);
        }
        installed = true;
    }

    /** Leaks reported so far, after forcing collection of what is unreachable now. */
    static int collect() {
        install();
        for (int round = 0; round < 2; round++) {
            awaitOneGc();
            // In PARANOID mode every tracked allocation first drains the detector's queue.
            ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            heap.release();
            direct.release();
        }
        return LEAKS.get();
    }

    static String reportsSince(int count) {
        synchronized (REPORTS) {
            return String.join("\n\n", REPORTS.subList(Math.min(count, REPORTS.size()), REPORTS.size()));
        }
    }

    /** Runs the GC until a fresh sentinel object has been collected and enqueued (at most ~5 s). */
    private static void awaitOneGc() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        try {
            for (int i = 0; i < 50 && queue.poll() == null; i++) {
                System.gc();
                if (queue.remove(100) != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(ExtensionContext.Namespace.create(LeakWatch.class)).put("baseline", collect());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        int baseline = context.getStore(ExtensionContext.Namespace.create(LeakWatch.class))
                .get("baseline", Integer.class);
        int now = collect();
        if (now != baseline) {
            fail((now - baseline) + " ByteBuf leak(s) reported during " + context.getDisplayName() + ":\n"
                    + reportsSince(baseline));
        }
    }
}
