package io.kontiki.raft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cooperative sim threads on virtual time: ordering, joining, failures, bounds, teardown. */
class SimThreadsTest {

    private VirtualScheduler scheduler;
    private SimThreads threads;

    /** The thread running each test is its main sim thread. */
    @BeforeEach
    void setUp() {
        scheduler = new VirtualScheduler(60_000);
        threads = new SimThreads(scheduler, "test");
    }

    @AfterEach
    void tearDown() {
        threads.close();
    }

    @Test
    void sleepAdvancesVirtualTimeExactly() {
        threads.sleep(100);
        assertEquals(100, scheduler.now());
        threads.sleep(0);
        assertEquals(100, scheduler.now());
        threads.sleep(1234);
        assertEquals(1334, scheduler.now());
    }

    @Test
    void eventsDueBeforeAWakeUpRunFirstInTimeThenSubmissionOrder() {
        List<String> log = new ArrayList<>();
        scheduler.after(20, () -> log.add("b@" + scheduler.now()));
        scheduler.after(10, () -> log.add("a@" + scheduler.now()));
        scheduler.after(20, () -> log.add("c@" + scheduler.now()));
        scheduler.after(40, () -> log.add("late"));
        threads.sleep(30);
        assertEquals(List.of("a@10", "b@20", "c@20"), log);
    }

    @Test
    void threadsInterleaveByWakeUpTimeAndStartInSpawnOrder() {
        List<String> log = new ArrayList<>();
        SimThreads.SimThread slow = threads.spawn("slow", () -> {
            log.add("slow starts");
            threads.sleep(30);
            log.add("slow wakes at " + scheduler.now());
        });
        SimThreads.SimThread fast = threads.spawn("fast", () -> {
            log.add("fast starts");
            threads.sleep(10);
            log.add("fast wakes at " + scheduler.now());
            threads.sleep(10);
            log.add("fast wakes at " + scheduler.now());
        });
        log.add("main spawned both");
        slow.join();
        fast.join();
        log.add("main joined at " + scheduler.now());
        assertEquals(List.of("main spawned both", "slow starts", "fast starts", "fast wakes at 10",
                "fast wakes at 20", "slow wakes at 30", "main joined at 30"), log);
        assertTrue(slow.isDone());
        assertTrue(fast.isDone());
    }

    @Test
    void joiningAFinishedThreadReturnsAtOnce() {
        SimThreads.SimThread t = threads.spawn("quick", () -> { });
        t.join();
        long at = scheduler.now();
        t.join();
        assertEquals(at, scheduler.now());
    }

    @Test
    void aFailureInASpawnedThreadIsRethrownInMain() {
        IllegalStateException boom = new IllegalStateException("boom");
        threads.spawn("failing", () -> {
            threads.sleep(5);
            throw boom;
        });
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> threads.sleep(100));
        assertSame(boom, thrown);
        assertSame(boom, threads.failure());
        assertEquals(5, scheduler.now());
    }

    @Test
    void aFailureInAnEventActionFailsTheRun() {
        scheduler.after(7, () -> {
            throw new LabFailure("in an event");
        });
        LabFailure thrown = assertThrows(LabFailure.class, () -> threads.sleep(100));
        assertEquals("in an event", thrown.getMessage());
    }

    @Test
    void aRecordedFailureFailsTheRunEvenIfTheActionSwallowsIt() {
        scheduler.after(7, () -> {
            try {
                threads.fail(new InvariantViolation("recorded"));
                throw new InvariantViolation("recorded");
            } catch (AssertionError swallowed) {
                // the code under test swallows it
            }
        });
        assertThrows(InvariantViolation.class, () -> threads.sleep(100));
    }

    @Test
    void virtualTimeIsBounded() {
        SimulationLimitExceeded e = assertThrows(SimulationLimitExceeded.class, () -> threads.sleep(60_001));
        assertTrue(e.getMessage().contains("virtual time limit"), e.getMessage());
    }

    @Test
    void aLivelockIsDetected() {
        Runnable[] again = new Runnable[1];
        again[0] = () -> scheduler.after(0, again[0]);
        scheduler.after(0, again[0]);
        SimulationLimitExceeded e = assertThrows(SimulationLimitExceeded.class, () -> threads.sleep(1));
        assertTrue(e.getMessage().contains("livelock"), e.getMessage());
    }

    @Test
    void aDeadlockIsDetected() {
        AtomicReference<SimThreads.SimThread> b = new AtomicReference<>();
        SimThreads.SimThread a = threads.spawn("a", () -> {
            threads.sleep(1);
            b.get().join();
        });
        b.set(threads.spawn("b", () -> {
            threads.sleep(1);
            a.join();
        }));
        SimulationLimitExceeded e = assertThrows(SimulationLimitExceeded.class, a::join);
        assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
    }

    @Test
    void closeUnwindsParkedThreads() {
        List<String> log = new ArrayList<>();
        SimThreads.SimThread sleeper = threads.spawn("sleeper", () -> {
            threads.sleep(10_000);
            log.add("woke up");
        });
        threads.sleep(0);
        SimThreads.SimThread neverStarted = threads.spawn("never", () -> log.add("ran"));
        threads.close();
        assertTrue(sleeper.isDone());
        assertTrue(neverStarted.isDone());
        assertEquals(List.of(), log);
        assertThrows(SimulationAborted.class, () -> threads.sleep(1));
    }

    @Test
    void onlyTheBatonHolderMayUseTheScheduler() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread foreign = new Thread(() -> {
            try {
                threads.sleep(1);
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        foreign.start();
        foreign.join();
        assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
    }
}
