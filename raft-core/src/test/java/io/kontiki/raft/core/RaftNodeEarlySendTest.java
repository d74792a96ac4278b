package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With a storage executor, {@link RaftNode} sends a candidate's RequestVotes while its new term
 * is being persisted, but a granted vote only once the vote is durable (persist-then-send).
 * Driven by hand: a loop whose tasks and timers run when the test says, and a storage executor
 * that holds each persist until released.
 */
class RaftNodeEarlySendTest {

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
            for (int i = 0; i < 10_000 && !tasks.isEmpty(); i++) {
                tasks.poll().run();
            }
        }

        void tick() {
            Runnable t = timer;
            timer = null;
            t.run();
            runTasks();
        }
    }

    private final ManualLoop loop = new ManualLoop();
    private final Queue<Runnable> heldPersists = new ArrayDeque<>();
    private final List<RaftMessage> sent = new ArrayList<>();
    private final InMemoryStorage storage = new InMemoryStorage();

    private RaftNode node() {
        RaftConfig config = RaftConfig.builder(1, List.of(1, 2, 3)).heartbeatTicks(1).electionTicks(3).build();
        return RaftNode.builder(config).loop(loop).transport(sent::add).storage(storage)
                .storageExecutor(heldPersists::add).stateMachine(e -> { }).applyExecutor(Runnable::run)
                .random(new Random(7)).start();
    }

    private void releasePersists() {
        while (!heldPersists.isEmpty()) {
            heldPersists.poll().run();
            loop.runTasks();
        }
    }

    @Test
    void aCandidatesRequestVotesLeaveWhileItsNewTermIsBeingPersisted() {
        RaftNode node = node();
        for (int t = 0; t < 10 && sent.isEmpty(); t++) {
            loop.tick();
        }

        assertEquals(2, sent.stream().filter(m -> m instanceof RequestVote).count(), "sent: " + sent);
        assertEquals(1, heldPersists.size(), "the candidate's term and self-vote are still being persisted");
        assertEquals(0, storage.hardState().term(), "nothing durable yet");
        releasePersists();
        assertEquals(new HardState(1, 1), storage.hardState());
        node.close();
    }

    @Test
    void aGrantedVoteLeavesOnlyOnceItIsDurable() {
        RaftNode node = node();
        node.receive(new RequestVote(2, 1, 5, 0, 0));
        loop.runTasks();

        assertTrue(sent.isEmpty(), "the vote left before it was durable: " + sent);
        assertEquals(1, heldPersists.size());
        releasePersists();
        assertEquals(new HardState(5, 2), storage.hardState());
        assertEquals(List.of(new RequestVoteResponse(1, 2, 5, true)), sent);
        node.close();
    }
}
