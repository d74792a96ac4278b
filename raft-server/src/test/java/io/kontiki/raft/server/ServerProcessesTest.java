package io.kontiki.raft.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code kontiki server} processes (separate JVMs) on 127.0.0.1 with fsync on: the leader
 * is killed with SIGKILL in the middle of a workload, the cluster elects another and goes on
 * accepting writes, the killed node restarts on its own data directory and catches up, and
 * every acknowledged write is still there (Raft §5.4 leader completeness, §5.6 availability
 * with a majority; §5.2 elections). Node logs are printed when the scenario fails, or always with
 * {@code -Dkontiki.printNodeLogs=true}.
 */
class ServerProcessesTest {

    private static final int NODES = 3;
    private static final int FIRST_WRITES = 1000;
    private static final int LATER_WRITES = 200;
    /** Writes in flight at once: well below the client's session window and the server's per-connection limit. */
    private static final int WINDOW = 100;

    @TempDir
    Path dir;

    private int[] raftPorts;
    private int[] clientPorts;
    private final Map<Integer, CliProcess> nodes = new TreeMap<>();
    private final List<InetSocketAddress> clientAddresses = new ArrayList<>();
    private final Map<Integer, InetSocketAddress> clientAddressById = new HashMap<>();

    @BeforeEach
    void ports() {
        int[] ports = LoopbackPorts.free(2 * NODES);
        raftPorts = new int[] {ports[0], ports[1], ports[2]};
        clientPorts = new int[] {ports[3], ports[4], ports[5]};
        for (int id = 1; id <= NODES; id++) {
            InetSocketAddress a = LoopbackPorts.address(clientPorts[id - 1]);
            clientAddresses.add(a);
            clientAddressById.put(id, a);
        }
    }

    @AfterEach
    void stopEveryProcessStarted() {
        for (CliProcess p : nodes.values()) {
            p.kill();
        }
    }

    private void startNode(int id) {
        nodes.put(id, CliProcess.startWithLog(dir.resolve("node-" + id + ".log"), List.of("server",
                "--id", String.valueOf(id),
                "--peers", LoopbackPorts.members(raftPorts),
                "--client-port", String.valueOf(clientPorts[id - 1]),
                "--client-peers", LoopbackPorts.members(clientPorts),
                "--data-dir", dir.resolve("node-" + id).toString(),
                "--heartbeat-ms", "50", "--election-ms", "150")));
    }

    @Test
    void acknowledgedWritesSurviveAKilledLeaderAndTheRestartedNodeCatchesUp() throws Exception {
        for (int id = 1; id <= NODES; id++) {
            startNode(id);
        }
        try (KontikiClient client = new KontikiClient(clientAddresses, KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(10)).withAttemptTimeout(Duration.ofSeconds(1))
                .withConnectTimeout(Duration.ofMillis(500)).withNodeAddresses(clientAddressById))) {
            awaitAgreedLeader(client, Duration.ofSeconds(30));

            Map<Integer, Outcome> writes = new TreeMap<>();
            writeAll(client, 0, FIRST_WRITES, writes);
            assertEquals(FIRST_WRITES, acknowledged(writes), "every write to a healthy cluster is acknowledged; "
                    + failures(writes));

            StatusResponse before = awaitAgreedLeader(client, Duration.ofSeconds(10));
            int firstLeader = before.nodeId();
            CliProcess killed = nodes.get(firstLeader);
            killed.kill();
            assertFalse(killed.isAlive(), "the leader's process is gone");

            long failoverStart = System.nanoTime();
            writeAll(client, FIRST_WRITES, LATER_WRITES, writes);
            long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failoverStart);
            assertEquals(FIRST_WRITES + LATER_WRITES, acknowledged(writes),
                    "every write after the kill is acknowledged by a new leader; " + failures(writes));
            StatusResponse after = awaitAgreedLeader(client, Duration.ofSeconds(10));
            assertNotEquals(firstLeader, after.nodeId(), "a surviving node leads");
            assertTrue(after.term() > before.term(), "the new leader was elected in a later term: " + after);

            startNode(firstLeader);
            long target = 0;
            for (int id = 1; id <= NODES; id++) {
                if (id != firstLeader) {
                    target = Math.max(target, client.status(clientAddressById.get(id)).commitIndex());
                }
            }
            long commitTarget = target;
            InetSocketAddress restarted = clientAddressById.get(firstLeader);
            await("node " + firstLeader + " applies up to commit index " + commitTarget + " after its restart")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> client.status(restarted).appliedIndex() >= commitTarget);

            Map<Integer, String> read = readAll(client, FIRST_WRITES + LATER_WRITES);
            for (Map.Entry<Integer, Outcome> e : writes.entrySet()) {
                if (e.getValue().ok()) {
                    assertEquals(value(e.getKey()), read.get(e.getKey()), "acknowledged write k" + e.getKey());
                }
            }
            System.out.printf("ServerProcessesTest: leader %d killed; %d writes after the kill took %d ms; "
                    + "node %d caught up to index %d%n", firstLeader, LATER_WRITES, failoverMillis, firstLeader,
                    commitTarget);
            if (Boolean.getBoolean("kontiki.printNodeLogs")) {
                printLogs();
            }
        } catch (Throwable t) {
            printLogs();
            throw t;
        }
    }

    /**
     * Waits until every live node answers STATUS and they agree on one leader in one term;
     * returns the leader's status.
     */
    private StatusResponse awaitAgreedLeader(KontikiClient client, Duration limit) {
        StatusResponse[] leader = new StatusResponse[1];
        await("a leader every live node agrees on").atMost(limit).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    List<StatusResponse> all = new ArrayList<>();
                    for (Map.Entry<Integer, CliProcess> e : nodes.entrySet()) {
                        if (e.getValue().isAlive()) {
                            all.add(client.status(clientAddressById.get(e.getKey())));
                        }
                    }
                    List<StatusResponse> leaders = all.stream().filter(s -> "LEADER".equals(s.role())).toList();
                    if (leaders.size() != 1) {
                        return false;
                    }
                    StatusResponse l = leaders.get(0);
                    leader[0] = l;
                    return all.stream().allMatch(s -> s.leaderId() == l.nodeId() && s.term() == l.term());
                });
        return leader[0];
    }

    /** Writes k{from}..k{from+count-1}, {@value #WINDOW} at a time; records each one's outcome. */
    private static void writeAll(KontikiClient client, int from, int count, Map<Integer, Outcome> writes)
            throws InterruptedException {
        forEachWindow(from, count, i -> client.putAsync("k" + i, value(i).getBytes(UTF_8)), writes::put);
    }

    private static Map<Integer, String> readAll(KontikiClient client, int count) throws InterruptedException {
        Map<Integer, String> out = new TreeMap<>();
        forEachWindow(0, count, i -> client.getAsync("k" + i), (i, result) -> {
            assertTrue(result.ok(), "read of k" + i + " failed: " + result.failure());
            out.put(i, result.value() == null ? null : new String((byte[]) result.value(), UTF_8));
        });
        return out;
    }

    private record Outcome(boolean ok, Object value, Throwable failure) {
    }

    private interface OutcomeSink {
        void accept(int i, Outcome outcome);
    }

    /**
     * Runs {@code call(i)} for every i in [from, from+count), at most {@value #WINDOW} at once,
     * and hands each outcome to {@code sink}. Every request is bounded by the client's timeout;
     * this waits at most a little longer for each window.
     */
    private static void forEachWindow(int from, int count, IntFunction<CompletableFuture<?>> call, OutcomeSink sink)
            throws InterruptedException {
        for (int start = from; start < from + count; start += WINDOW) {
            int end = Math.min(from + count, start + WINDOW);
            List<CompletableFuture<?>> window = new ArrayList<>();
            for (int i = start; i < end; i++) {
                window.add(call.apply(i));
            }
            for (int i = start; i < end; i++) {
                CompletableFuture<?> f = window.get(i - start);
                try {
                    sink.accept(i, new Outcome(true, f.get(30, TimeUnit.SECONDS), null));
                } catch (ExecutionException e) {
                    sink.accept(i, new Outcome(false, null, e.getCause()));
                } catch (TimeoutException e) {
                    sink.accept(i, new Outcome(false, null, e));
                }
            }
        }
    }

    private static String value(int i) {
        return "value-" + i;
    }

    private static long acknowledged(Map<Integer, Outcome> writes) {
        return writes.values().stream().filter(Outcome::ok).count();
    }

    private static String failures(Map<Integer, Outcome> writes) {
        return "unacknowledged (first 10): " + writes.entrySet().stream().filter(e -> !e.getValue().ok())
                .map(e -> "k" + e.getKey() + ": " + e.getValue().failure()).limit(10).toList();
    }

    private void printLogs() {
        for (Map.Entry<Integer, CliProcess> e : nodes.entrySet()) {
            String log = e.getValue().stdout();
            String[] lines = log.split("\n");
            int from = Math.max(0, lines.length - 300);
            System.err.println("==== node " + e.getKey() + " (pid " + e.getValue().pid() + ", "
                    + (e.getValue().isAlive() ? "alive" : "exited") + "), last " + (lines.length - from) + " lines ====");
            for (int i = from; i < lines.length; i++) {
                System.err.println(lines[i]);
            }
        }
    }
}
