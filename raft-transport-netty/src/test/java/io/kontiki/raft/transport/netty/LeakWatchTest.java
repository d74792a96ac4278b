package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The leak hook the other tests rely on does see a leak. (The "LEAK:" line this test makes
 * Netty log at ERROR is expected.)
 */
class LeakWatchTest {

    @Test
    void leakDetectionRunsAtParanoidLevel() {
        LeakWatch.install();
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void aDeliberatelyLeakedBufferIsReported() {
        int before = LeakWatch.collect();
        leakOneBuffer();

        int after = before;
        for (int i = 0; i < 20 && after == before; i++) {
            after = LeakWatch.collect();
        }

        assertTrue(after > before, "the leaked buffer was reported");
        assertTrue(LeakWatch.reportsSince(before).contains("leakOneBuffer"), "the report names where it was allocated");
    }

    private static void leakOneBuffer() {
        PooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }
}
