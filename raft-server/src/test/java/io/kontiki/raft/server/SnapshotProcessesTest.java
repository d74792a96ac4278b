package io.kontiki.raft.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots between real {@code kontiki server} processes on 127.0.0.1 with fsync on, each
 * snapshotting every 500 entries: a follower killed with SIGKILL while the others compact twice
 * catches up through InstallSnapshot over the real transport and ends with the leader's store
 * (same digest at the same applied index); a follower killed half-way through receiving a
 * snapshot resumes the transfer from the bytes it had made durable, not from the start. Node logs
 * are printed when a scenario fails.
 */
class SnapshotProcessesTest {

    private static final int NODES = 3;
    private static final int CHUNK = 32 * 1024;
    private static final Pattern HELD = Pattern.compile("holds (\\d+) of the (\\d+) bytes of (snapshot \\S+)");

    @TempDir
    Path dir;

    private int[] raftPorts;
    private int[] clientPorts;
    private final Map<Integer, CliProcess> nodes = new TreeMap<>();
    private final Map<Integer, Integer> incarnations = new HashMap<>();
    private final List<Path> logs = new ArrayList<>();
    private final Map<Integer, InetSocketAddress> clientAddressById = new HashMap<>();
    private KontikiClient client;

    @BeforeEach
    void ports() {
        int[] ports = LoopbackPorts.free(2 * NODES);
        raftPorts = Arrays.copyOfRange(ports, 0, NODES);
        clientPorts = Arrays.copyOfRange(ports, NODES, 2 * NODES);
        for (int id = 1; id <= NODES; id++) {
            clientAddressById.put(id, LoopbackPorts.address(clientPorts[id - 1]));
        }
        client = new KontikiClient(List.copyOf(clientAddressById.values()), KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(20)).withAttemptTimeout(Duration.ofSeconds(2))
                .withConnectTimeout(Duration.ofMillis(500)).withNodeAddresses(clientAddressById));
    }

    @AfterEach
    void stopEveryProcessStarted() {
        client.close();
        for (CliProcess p : nodes.values()) {
            p.kill();
        }
    }

    private Path log(int id, int incarnation) {
        return dir.resolve("node-" + id + "." + incarnation + ".log");
    }

    private void startNode(int id) {
        int incarnation = incarnations.merge(id, 1, Integer::sum);
        Path log = log(id, incarnation);
        logs.add(log);
        nodes.put(id, CliProcess.startWithLog(log, List.of("server",
                "--id", String.valueOf(id),
                "--peers", LoopbackPorts.members(raftPorts),
                "--client-port", String.valueOf(clientPorts[id - 1]),
                "--client-peers", LoopbackPorts.members(clientPorts),
                "--data-dir", dir.resolve("node-" + id).toString(),
                "--heartbeat-ms", "50", "--election-ms", "150",
                "--snapshot-entries", "500", "--snapshot-catch-up-entries", "20",
                "--log-segment-bytes", "65536", "--snapshot-chunk-bytes", String.valueOf(CHUNK),
                // Each Raft request is delayed up to 20 ms, so that a transfer of a few MB takes a
                // second or so and can be cut in the middle.
                "--inject-delay-ms", "20", "--inject-seed", String.valueOf(id))));
    }

    private String text(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes key{i} for i in [from, from+count), each {@code size} bytes, 100 at a time; all must be acknowledged. */
    private void writeAll(String key, int from, int count, int size) {
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            byte[] value = (key + i + "-" + "x".repeat(size)).substring(0, size).getBytes(UTF_8);
            window.add(client.putAsync(key + i, value));
            if (window.size() == 100) {
                window.forEach(CompletableFuture::join);
                window.clear();
            }
        }
        window.forEach(CompletableFuture::join);
    }

    private StatusResponse status(int id) {
        return client.status(clientAddressById.get(id));
    }

    /** The leader's id once every live node follows it. */
    private int awaitLeader() {
        int[] leader = {-1};
        await("a leader every live node follows").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    List<StatusResponse> all = new ArrayList<>();
                    for (Map.Entry<Integer, CliProcess> e : nodes.entrySet()) {
                        if (e.getValue().isAlive()) {
                            all.add(status(e.getKey()));
                        }
                    }
                    List<StatusResponse> leaders = all.stream().filter(s -> "LEADER".equals(s.role())).toList();
                    if (leaders.size() != 1) {
                        return false;
                    }
                    leader[0] = leaders.get(0).nodeId();
                    return all.stream().allMatch(s -> s.leaderId() == leader[0]);
                });
        return leader[0];
    }

    /** Waits until every node applied its commit index and all are at the same index; returns their statuses. */
    private List<StatusResponse> awaitSameStore() {
        List<StatusResponse> out = new ArrayList<>();
        await("every node at the same applied index").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    out.clear();
                    for (int id = 1; id <= NODES; id++) {
                        out.add(status(id));
                    }
                    long at = out.get(0).digestIndex();
                    return at > 0 && out.stream().allMatch(s -> s.digestIndex() == at && s.appliedIndex() == s.commitIndex());
                });
        return out;
    }

    private long partBytes(int id) {
        Path part = dir.resolve("node-" + id).resolve("snapshot").resolve("receiving.part");
        try {
            return Files.exists(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void assertSameStore(List<StatusResponse> all) {
        for (StatusResponse s : all) {
            assertEquals(all.get(0).digest(), s.digest(), "node " + s.nodeId() + " holds another store: " + all);
        }
    }

    @Test
    void aFollowerKilledWhileTheOthersCompactTwiceCatchesUpByInstallSnapshot() {
        try {
            for (int id = 1; id <= NODES; id++) {
                startNode(id);
            }
            int leader = awaitLeader();
            int follower = leader % NODES + 1;
            writeAll("a", 0, 300, 100);
            awaitSameStore();
            nodes.get(follower).kill();

            writeAll("b", 0, 1500, 100); // three snapshots' worth: the others discard what the follower lacks
            long leaderSnapshot = status(awaitLeader()).snapshotIndex();
            assertTrue(leaderSnapshot >= 1000, "the others compacted at least twice: snapshot " + leaderSnapshot);

            startNode(follower);
            List<StatusResponse> all = awaitSameStore();
            assertSameStore(all);
            String followerLog = text(log(follower, 2));
            assertTrue(followerLog.contains("node " + follower + ": installed snapshot"),
                    "the follower caught up through InstallSnapshot:\n" + followerLog);
            assertTrue(status(follower).snapshotIndex() >= leaderSnapshot);
            assertTrue(new String(client.get("a7"), UTF_8).startsWith("a7-"));
            assertTrue(new String(client.get("b1499"), UTF_8).startsWith("b1499-"));
        } catch (Throwable t) {
            printLogs();
            throw t;
        }
    }

    @Test
    void aTransferCutHalfWayByKillingTheFollowerResumesFromItsDurableBytes() {
        try {
            for (int id = 1; id <= NODES; id++) {
                startNode(id);
            }
            int leader = awaitLeader();
            int follower = leader % NODES + 1;
            nodes.get(follower).kill();
            writeAll("big", 0, 1500, 2000); // about 3 MB of state, snapshotted at 500, 1000, 1500
            awaitLeader();

            startNode(follower);
            await("the follower receives part of the snapshot").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(2)).until(() -> partBytes(follower) >= 8L * CHUNK);
            nodes.get(follower).kill();
            long cutAt = partBytes(follower);

            startNode(follower);
            List<StatusResponse> all = awaitSameStore();
            assertSameStore(all);

            String restarted = text(log(follower, 3));
            Matcher held = HELD.matcher(restarted);
            assertTrue(held.find(), "the restarted follower found its partial snapshot:\n" + restarted);
            long durable = Long.parseLong(held.group(1));
            String snapshot = held.group(3);
            assertTrue(durable >= CHUNK && durable <= cutAt, "durable bytes " + durable + " (cut at " + cutAt + ")");
            assertTrue(restarted.contains("node " + follower + ": installed " + snapshot),
                    "the follower installed the snapshot it had been receiving:\n" + restarted);

            // Some leader went on from the follower's durable bytes (or the acknowledged offset just below them).
            Pattern resumed = Pattern.compile("(resuming " + Pattern.quote(snapshot) + " \\([^)]*\\) to node " + follower
                    + " at offset (\\d+))|(resending " + Pattern.quote(snapshot) + " \\([^)]*\\) to node " + follower
                    + " from offset (\\d+))");
            long resumedAt = -1;
            for (Path log : logs) {
                if (log.getFileName().toString().startsWith("node-" + follower + ".")) {
                    continue;
                }
                Matcher m = resumed.matcher(text(log));
                while (m.find()) {
                    long offset = Long.parseLong(m.group(2) != null ? m.group(2) : m.group(4));
                    if (offset > 0 && offset <= durable && offset >= durable - 4L * CHUNK) {
                        resumedAt = offset;
                    }
                }
            }
            assertTrue(resumedAt > 0,
                    "a leader resumed " + snapshot + " near the follower's " + durable + " durable bytes (at "
                            + resumedAt + ")");
            System.out.printf("SnapshotProcessesTest: the transfer of %s to node %d was cut at %d bytes (%d durable) "
                    + "and resumed at offset %d%n", snapshot, follower, cutAt, durable, resumedAt);
        } catch (Throwable t) {
            printLogs();
            throw t;
        }
    }

    private void printLogs() {
        for (Path log : logs) {
            String[] lines = text(log).split("\n");
            int from = Math.max(0, lines.length - 150);
            System.err.println("==== " + log.getFileName() + ", last " + (lines.length - from) + " lines ====");
            for (int i = from; i < lines.length; i++) {
                System.err.println(lines[i]);
            }
        }
    }
}
