package io.kontiki.raft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.RaftCore;
import io.kontiki.raft.core.Ready;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.KryoCodec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The code paths the JMH benchmarks measure, run once and checked. */
class CodecBenchmarkTest {

    @ParameterizedTest
    @ValueSource(strings = {"heartbeat", "entries10x64"})
    void roundTripGivesBackAnEqualMessage(String name) {
        AppendEntries msg = BenchMessages.named(name);
        Object back = CodecBenchmark.roundTrip(new KryoCodec(CodecLimits.DEFAULTS), msg, new byte[4096]);
        assertEquals(msg, back);
        assertEquals(name.equals("heartbeat") ? 0 : 10, ((AppendEntries) back).entries().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"heartbeat", "entries10x64"})
    void everyBenchmarkMethodRuns(String name) {
        CodecBenchmark b = new CodecBenchmark();
        b.message = name;
        b.setUp();
        try {
            AppendEntries msg = BenchMessages.named(name);
            assertEquals(msg, b.roundTrip());
            assertEquals(msg, b.decode());
            assertEquals(msg, b.roundTripDirectBuf());
            assertTrue(b.encode() > 0);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void followerAnswersEveryHeartbeat() {
        RaftCore follower = CoreStepBenchmark.newFollower();
        AppendEntries hb = BenchMessages.heartbeat();
        for (int i = 0; i < 3; i++) {
            Ready ready = CoreStepBenchmark.stepHeartbeat(follower, hb);
            assertNotNull(ready);
            assertEquals(List.of(AppendEntriesResponse.accept(BenchMessages.FOLLOWER, BenchMessages.LEADER,
                    BenchMessages.TERM, 0)), ready.messages());
        }
    }
}
