package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftNode}'s snapshot duties: it restores the state machine from the stored snapshot
 * before applying anything, takes a snapshot when the configured thresholds are passed (capturing
 * on the apply executor, writing on the snapshot executor), lets the log go once it is stored,
 * and takes one on request. A one-node cluster on a loop run by hand.
 */
class RaftNodeSnapshotTest {

    /** A loop run by hand; the only timer it keeps is the node's next tick. */
    private static final class ManualLoop implements LoopExecutor {
        final Queue<Runnable> tasks = new ArrayDeque<>();
        Runnable timer;

        @Override
        public boolean inLoop() {
            return true;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayMillis) {
            timer = task;
            return () -> timer = null;
        }

        @Override
        public Cancellable scheduleAtFixedRate(Runnable task, long periodMillis) {
            throw new UnsupportedOperationException();
        }

        void runTasks() {
            for (int i = 0; i < 100_000 && !tasks.isEmpty(); i++) {
                tasks.poll().run();
            }
        }

        void ticks(int n) {
            for (int i = 0; i < n; i++) {
                Runnable t = timer;
                timer = null;
                t.run();
                runTasks();
            }
        }
    }

    /** Sums the first byte of every command; its snapshot is that sum, 8 bytes. */
    private static class Summer implements StateMachine {
        long sum;
        long applied;
        final List<String> calls = new ArrayList<>();

        @Override
        public void apply(LogEntry e) {
            if (e.data().length > 0) {
                sum += e.data()[0];
            }
            applied = e.index();
            calls.add("apply " + e.index());
        }

        @Override
        public SnapshotWriter snapshot() {
            long captured = sum;
            calls.add("snapshot at " + applied);
            return out -> out.write(ByteBuffer.allocate(8).putLong(captured).array());
        }

        @Override
        public void restore(SnapshotMeta snapshot, InputStream data) throws IOException {
            sum = ByteBuffer.wrap(data.readAllBytes()).getLong();
            applied = snapshot.index();
            calls.add("restore " + snapshot.index());
        }
    }

    private final ManualLoop loop = new ManualLoop();
    private final Queue<Runnable> snapshotTasks = new ArrayDeque<>();

    private RaftNode node(InMemoryStorage storage, StateMachine sm, long snapshotEntries) {
        RaftConfig config = RaftConfig.builder(1, List.of(1)).heartbeatTicks(1).electionTicks(3)
                .noopOnElection(false).catchUpEntries(0).snapshotEntries(snapshotEntries).build();
        return RaftNode.builder(config).loop(loop).transport(m -> { }).storage(storage)
                .stateMachine(sm).applyExecutor(Runnable::run).snapshotExecutor(snapshotTasks::add)
                .random(new Random(3)).start();
    }

    private static void propose(RaftNode node, ManualLoop loop, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(node.propose(new byte[] {1}).isLeader());
            loop.runTasks();
        }
    }

    private void runSnapshotTasks() {
        while (!snapshotTasks.isEmpty()) {
            snapshotTasks.poll().run();
            loop.runTasks();
        }
    }

    @Test
    void aSnapshotIsTakenOnceTheThresholdIsPassedAndTheLogGoes() {
        InMemoryStorage storage = new InMemoryStorage();
        Summer sm = new Summer();
        RaftNode node = node(storage, sm, 10);
        loop.ticks(10);
        assertTrue(node.status().isLeader());

        propose(node, loop, 9);
        assertTrue(snapshotTasks.isEmpty(), "9 entries: below the threshold");
        int more = 0;
        while (snapshotTasks.isEmpty() && more < 5) {
            propose(node, loop, 1);
            more++;
        }
        long index = 9 + more;
        assertTrue(index >= 10 && index <= 13, "the threshold of 10, stretched by at most a quarter: " + index);
        assertEquals(1, snapshotTasks.size(), "captured on the apply executor, to be written on the snapshot executor");
        assertTrue(storage.snapshot().isNone(), "nothing written before the snapshot executor runs");
        runSnapshotTasks();

        assertEquals(new SnapshotMeta(index, 1, 8, storage.snapshot().checksum()), storage.snapshot());
        assertEquals(index, node.status().snapshotIndex());
        assertEquals(index + 1, node.status().firstLogIndex(), "the log before the snapshot is discarded");
        assertEquals(0, storage.load().entries().size());
        node.close();
    }

    @Test
    void aRestartedNodeRestoresItsSnapshotBeforeApplyingTheRest() {
        InMemoryStorage storage = new InMemoryStorage();
        Summer sm = new Summer();
        RaftNode node = node(storage, sm, 10);
        loop.ticks(10);
        propose(node, loop, 14);
        runSnapshotTasks();
        node.close();
        long snapshot = storage.snapshot().index();
        assertTrue(snapshot >= 10 && snapshot <= 13, "snapshot at " + snapshot);

        Summer again = new Summer();
        RaftNode restarted = node(storage.copy(), again, 10);
        loop.runTasks();
        assertEquals(List.of("restore " + snapshot), again.calls, "restored first, at once");
        assertEquals(snapshot, again.sum);
        loop.ticks(10); // elected again; an entry of its own term commits the ones after the snapshot (§5.4.2)
        propose(restarted, loop, 1);
        List<String> expected = new java.util.ArrayList<>(List.of("restore " + snapshot));
        for (long i = snapshot + 1; i <= 15; i++) {
            expected.add("apply " + i);
        }
        assertEquals(expected, again.calls);
        assertEquals(15, again.sum);
        restarted.close();
    }

    @Test
    void takeSnapshotSnapshotsNowWhateverTheThresholds() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        RaftNode node = node(storage, new Summer(), 0);
        loop.ticks(10);
        propose(node, loop, 3);

        CompletableFuture<SnapshotMeta> taken = node.takeSnapshot();
        runSnapshotTasks();
        assertEquals(3, taken.get().index());
        assertEquals(taken.get(), storage.snapshot());
        assertEquals(3, node.status().snapshotIndex());

        CompletableFuture<SnapshotMeta> again = node.takeSnapshot();
        runSnapshotTasks();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, again::get);
        assertTrue(e.getCause().getMessage().contains("nothing was applied"), e.getCause().getMessage());
        node.close();
    }

    @Test
    void aSnapshotThatFailsToStoreLeavesTheLogAlone() {
        InMemoryStorage storage = new InMemoryStorage();
        Summer failing = new Summer() {
            @Override
            public SnapshotWriter snapshot() {
                return out -> {
                    throw new IOException("disk full");
                };
            }
        };
        RaftNode node = node(storage, failing, 5);
        loop.ticks(10);
        propose(node, loop, 7); // past the threshold of 5 however it is stretched
        runSnapshotTasks();
        assertTrue(storage.snapshot().isNone());
        assertEquals(1, node.status().firstLogIndex());
        assertFalse(node.isClosed(), "the node goes on");
        node.close();
    }
}
