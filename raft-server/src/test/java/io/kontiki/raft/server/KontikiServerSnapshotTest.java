package io.kontiki.raft.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.kontiki.raft.core.RaftNode;
import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process servers that snapshot every 100 entries with small log segments: every node
 * compacts its log; a follower that was down while the others compacted catches up by
 * InstallSnapshot and ends with the same store (digest) as the leader; a node restarts from its
 * snapshot and the log after it; {@code kontiki snapshot}'s op snapshots on request.
 */
class KontikiServerSnapshotTest {

    private static final String CLUSTER = "snapshot-test";
    private static final int NODES = 3;
    private static final SnapshotPolicy POLICY = new SnapshotPolicy(100, 1L << 30, 10, 512, 2048, 2, 4096);

    @TempDir
    Path dir;

    private final Map<Integer, InetSocketAddress> raftAddresses = new TreeMap<>();
    private final Map<Integer, InetSocketAddress> clientAddresses = new TreeMap<>();
    private final Map<Integer, KontikiServer> servers = new TreeMap<>();
    private KontikiClient client;

    @BeforeEach
    void startCluster() {
        int[] ports = LoopbackPorts.free(2 * NODES);
        for (int id = 1; id <= NODES; id++) {
            raftAddresses.put(id, LoopbackPorts.address(ports[id - 1]));
            clientAddresses.put(id, LoopbackPorts.address(ports[NODES + id - 1]));
        }
        for (int id = 1; id <= NODES; id++) {
            start(id);
        }
        client = new KontikiClient(List.copyOf(clientAddresses.values()), KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(10)).withAttemptTimeout(Duration.ofSeconds(1))
                .withConnectTimeout(Duration.ofMillis(500)).withNodeAddresses(clientAddresses));
    }

    @AfterEach
    void closeEverything() {
        client.close();
        for (KontikiServer s : servers.values()) {
            s.close();
        }
    }

    private void start(int id) {
        servers.put(id, KontikiServer.start(new ServerConfig(CLUSTER, id, raftAddresses, clientAddresses.get(id),
                clientAddresses, dir.resolve("node-" + id), 10, 50, 150, false).withSnapshots(POLICY)));
    }

    private void writeAll(int from, int count) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            writes.add(client.putAsync("k" + (i % 150), ("v" + i).getBytes(UTF_8)));
            if (writes.size() == 50) {
                writes.forEach(CompletableFuture::join);
                writes.clear();
            }
        }
        writes.forEach(CompletableFuture::join);
    }

    private StatusResponse status(int id) {
        return client.status(clientAddresses.get(id));
    }

    /** Waits until the open nodes applied the same index, and returns their statuses. */
    private List<StatusResponse> awaitSameApplied(List<Integer> ids) {
        List<StatusResponse> out = new ArrayList<>();
        await("nodes " + ids + " at the same applied index").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
                    out.clear();
                    for (int id : ids) {
                        out.add(status(id));
                    }
                    long applied = out.get(0).digestIndex();
                    return applied > 0 && out.stream().allMatch(s -> s.digestIndex() == applied
                            && s.appliedIndex() == s.commitIndex());
                });
        return out;
    }

    @Test
    void everyNodeCompactsItsLogAndTheReplicasHoldTheSameStore() {
        writeAll(0, 1000);
        List<StatusResponse> all = awaitSameApplied(List.of(1, 2, 3));
        for (StatusResponse s : all) {
            assertTrue(s.snapshotIndex() >= 800, "node " + s.nodeId() + " snapshotted: " + s);
            assertTrue(s.logEntries() < 400, "node " + s.nodeId() + " compacted its log: " + s);
            assertEquals(all.get(0).digest(), s.digest(), "node " + s.nodeId() + " holds the leader's store: " + all);
        }
    }

    @Test
    void aFollowerThatMissedTwoCompactionsCatchesUpByInstallSnapshot() {
        writeAll(0, 50);
        int follower = awaitSameApplied(List.of(1, 2, 3)).stream().filter(s -> !"LEADER".equals(s.role()))
                .findFirst().orElseThrow().nodeId();
        servers.get(follower).close();
        writeAll(50, 600);
        List<Integer> others = new ArrayList<>(servers.keySet());
        others.remove(Integer.valueOf(follower));
        long leaderSnapshot = awaitSameApplied(others).get(0).snapshotIndex();
        assertTrue(leaderSnapshot >= 500, "the others compacted past the follower's log: " + leaderSnapshot);

        try (LogCapture raftLog = new LogCapture(RaftNode.class)) {
            start(follower);
            List<StatusResponse> all = awaitSameApplied(List.of(1, 2, 3));
            assertTrue(raftLog.lines(Level.INFO).stream().anyMatch(l -> l.startsWith("node " + follower
                    + ": installed snapshot")), "the follower installed a snapshot: " + raftLog.lines(Level.INFO));
            for (StatusResponse s : all) {
                assertEquals(all.get(0).digest(), s.digest(), "node " + s.nodeId() + ": " + all);
            }
            assertTrue(status(follower).snapshotIndex() >= leaderSnapshot);
        }
        assertArrayEquals("v649".getBytes(UTF_8), client.get("k" + (649 % 150)));
    }

    @Test
    void aRestartedNodeLoadsItsSnapshotAndTheLogAfterIt() {
        writeAll(0, 430);
        List<StatusResponse> before = awaitSameApplied(List.of(1, 2, 3));
        servers.get(1).close();
        start(1);
        List<StatusResponse> after = awaitSameApplied(List.of(1, 2, 3));
        assertEquals(after.get(1).digest(), after.get(0).digest());
        assertTrue(after.get(0).snapshotIndex() >= 400, "restarted from its snapshot: " + after.get(0));
        assertEquals(before.get(0).digest(), after.get(0).digest(), "no write since: the same store");
    }

    @Test
    void theSnapshotOpSnapshotsANodeNow() {
        writeAll(0, 30);
        awaitSameApplied(List.of(1, 2, 3));
        String answer = client.snapshot(clientAddresses.get(2));
        assertTrue(answer.startsWith("snapshot "), answer);
        assertTrue(status(2).snapshotIndex() >= 30, "node 2: " + status(2));
    }
}
