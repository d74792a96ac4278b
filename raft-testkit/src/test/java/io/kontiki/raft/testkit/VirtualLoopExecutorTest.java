package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.LoopExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node's event loop on virtual time. */
class VirtualLoopExecutorTest {

    private VirtualScheduler scheduler;
    private SimThreads threads;
    private VirtualLoopExecutor loop;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scheduler = new VirtualScheduler(60_000);
        threads = new SimThreads(scheduler, "loop-test");
        loop = new VirtualLoopExecutor(scheduler);
    }

    @AfterEach
    void tearDown() {
        threads.close();
    }

    @Test
    void executeRunsTasksLaterInSubmissionOrder() {
        loop.execute(() -> log.add("1"));
        loop.execute(() -> {
            log.add("2");
            loop.execute(() -> log.add("4"));
        });
        loop.execute(() -> log.add("3"));
        assertTrue(log.isEmpty(), "execute never runs a task inline");
        threads.sleep(0);
        assertEquals(List.of("1", "2", "3"), log, "sleep(0) runs what was due when it was called");
        threads.sleep(0);
        assertEquals(List.of("1", "2", "3", "4"), log);
        assertEquals(0, scheduler.now());
        assertTrue(loop.inLoop());
    }

    @Test
    void fixedRateTasksRunAtExactMultiplesUntilCancelled() {
        LoopExecutor.Cancellable ticker = loop.scheduleAtFixedRate(() -> log.add("t" + scheduler.now()), 10);
        threads.sleep(35);
        ticker.cancel();
        threads.sleep(100);
        assertEquals(List.of("t10", "t20", "t30"), log);
    }

    @Test
    void scheduledTasksCanBeCancelled() {
        loop.schedule(() -> log.add("kept"), 5);
        LoopExecutor.Cancellable c = loop.schedule(() -> log.add("cancelled"), 5);
        c.cancel();
        c.cancel();
        threads.sleep(10);
        assertEquals(List.of("kept"), log);
    }

    @Test
    void afterShutDownEveryPendingAndFutureTaskIsANoOp() {
        loop.execute(() -> log.add("pending"));
        loop.schedule(() -> log.add("scheduled"), 5);
        loop.scheduleAtFixedRate(() -> log.add("tick"), 10);
        loop.shutDown();
        loop.execute(() -> log.add("later"));
        loop.schedule(() -> log.add("later"), 1);
        threads.sleep(100);
        assertTrue(log.isEmpty(), log.toString());
    }
}
