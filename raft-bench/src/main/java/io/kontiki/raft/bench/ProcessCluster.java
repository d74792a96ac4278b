package io.kontiki.raft.bench;

import io.kontiki.raft.server.cli.KontikiCli;
import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * N {@code kontiki server} processes (separate JVMs, this JVM's java binary and class path) on
 * 127.0.0.1, node ids 1..N, each with a data directory under one temporary directory. A reader
 * thread per process consumes its merged stdout and stderr (so the pipe never fills), stamps
 * each line with {@link System#nanoTime()} on arrival, keeps the last lines for error messages,
 * and turns the server's role-change log lines ({@code node N: CANDIDATE -> LEADER in term T})
 * into {@link RoleChange} events that {@link #awaitLeader} waits on.
 *
 * <p>{@link #kill} is SIGKILL ({@link Process#destroyForcibly()}); {@link #start} restarts a
 * node on its own data directory and ports. {@link #close} kills exactly the processes this
 * cluster started, waits for them and deletes the temporary directory; a shutdown hook does the
 * killing too if this JVM exits first. Every wait is bounded. A node that exits without being
 * killed makes the next wait fail with its last output lines.
 *
 * <p>Not thread-safe: one benchmark thread drives it; the readers only append events.
 */
final class ProcessCluster implements AutoCloseable {

    static final String CLUSTER_ID = "bench";

    /**
     * The server JVMs' flags, for a small machine running N of them plus the benchmark: a small
     * serial-GC heap (no parallel GC threads competing for the cores), C1 only, no perf-data
     * file. C1 only because a restart is followed by the next trial within about a second: on
     * 2 cores a C1-only JVM's start-up burst is over in about 0.75 s (about 0.9 s of CPU), a
     * tiered one's takes about 1.25 s and C2 keeps compiling on the other nodes during the
     * trials. Measured on 2 cores, 3 nodes, 2 × 40 trials each: ready p50 232/238 ms (C1) vs
     * 268/274 ms (tiered), steady write p50 4.2–4.5 vs 6.9–7.6 ms, wall time 63 vs 89 s.
     */
    static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private static final Pattern ROLE_CHANGE =
            Pattern.compile("node (\\d+): ([A-Z_]+) -> ([A-Z_]+) in term (\\d+)");
    private static final int TAIL_LINES = 40;
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);
    private static final long KILL_WAIT_MILLIS = 10_000;

    /**
     * One role change of a server, as logged.
     *
     * @param nodeId      the node
     * @param from        its previous role
     * @param to          its new role
     * @param term        its term after the change
     * @param arrivalNanos {@link System#nanoTime()} when the line arrived here
     */
    record RoleChange(int nodeId, String from, String to, long term, long arrivalNanos) {
    }

    /**
     * The faults every server injects on its outbound peer links ({@code --inject-*} flags).
     *
     * @param loss        per-message drop probability
     * @param delayMillis each outbound request delayed uniformly in [0, delayMillis] ms
     * @param cutTo       per node id, the peers its outbound link to is cut
     * @param seed        the base seed; each node's injector gets one derived from it
     */
    record Faults(double loss, long delayMillis, Map<Integer, Set<Integer>> cutTo, long seed) {

        static final Faults NONE = new Faults(0, 0, Map.of(), 1);

        Faults {
            cutTo = Map.copyOf(cutTo);
        }
    }

    private final int n;
    private final List<String> jvmFlags;
    private final List<String> serverArgs;
    private final long heartbeatMillis;
    private final long electionMillis;
    private final Faults faults;
    private final Path root;
    private final int[] raftPorts;
    private final int[] clientPorts;
    private final Node[] nodes;
    private final List<RoleChange> events = new ArrayList<>();
    private final List<Process> started = Collections.synchronizedList(new ArrayList<>());
    private final KontikiClient statusClient;
    private final Thread shutdownHook;
    private boolean closed;

    /** One node's process (the current one, if any) and its recent output. */
    private final class Node {
        final int id;
        final Deque<String> tail = new ArrayDeque<>();
        Process process;
        Thread reader;
        boolean killed;
        int starts;

        Node(int id) {
            this.id = id;
        }

        synchronized void line(String text) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(text);
        }

        synchronized String tail() {
            return String.join("\n", tail);
        }
    }

    ProcessCluster(int n, long heartbeatMillis, long electionMillis, Faults faults) throws IOException {
        this(n, heartbeatMillis, electionMillis, faults, JVM_FLAGS, List.of());
    }

    /**
     * A cluster whose servers run with {@code jvmFlags} instead of {@link #JVM_FLAGS}, and get
     * {@code serverArgs} after the usual server flags (e.g. snapshot thresholds).
     */
    ProcessCluster(int n, long heartbeatMillis, long electionMillis, Faults faults, List<String> jvmFlags,
                   List<String> serverArgs) throws IOException {
        this.jvmFlags = List.copyOf(jvmFlags);
        this.serverArgs = List.copyOf(serverArgs);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        this.n = n;
        this.heartbeatMillis = heartbeatMillis;
        this.electionMillis = electionMillis;
        this.faults = faults;
        var addresses = InProcessCluster.freeLoopbackAddresses(2 * n);
        this.raftPorts = new int[n];
        this.clientPorts = new int[n];
        for (int i = 0; i < n; i++) {
            raftPorts[i] = addresses[i].getPort();
            clientPorts[i] = addresses[n + i].getPort();
        }
        this.nodes = new Node[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = new Node(i + 1);
        }
        this.root = Files.createTempDirectory("kontiki-bench-");
        this.statusClient = new KontikiClient(List.copyOf(clientAddresses().values()), KontikiClient.Options.defaults()
                .withTimeout(STATUS_TIMEOUT).withAttemptTimeout(STATUS_TIMEOUT).withConnectTimeout(STATUS_TIMEOUT));
        this.shutdownHook = new Thread(this::killAll, "process-cluster-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    int size() {
        return n;
    }

    /** Node id → client address, in id order. */
    Map<Integer, InetSocketAddress> clientAddresses() {
        Map<Integer, InetSocketAddress> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.put(i + 1, new InetSocketAddress("127.0.0.1", clientPorts[i]));
        }
        return out;
    }

    Path dataDir(int id) {
        return root.resolve("node-" + id);
    }

    void startAll() {
        for (int id = 1; id <= n; id++) {
            start(id);
        }
    }

    /** Starts node {@code id}, or restarts it on its data directory and ports after {@link #kill}. */
    void start(int id) {
        Node node = node(id);
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
        if (node.process != null && node.process.isAlive()) {
            throw new IllegalStateException("node " + id + " is already running (pid " + node.process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KontikiCli.class.getName(), "server",
                "--id", String.valueOf(id), "--peers", peers(), "--client-port", String.valueOf(clientPorts[id - 1]),
                "--data-dir", dataDir(id).toString(), "--cluster-id", CLUSTER_ID,
                "--heartbeat-ms", String.valueOf(heartbeatMillis), "--election-ms", String.valueOf(electionMillis)));
        command.addAll(injectFlags(id, node.starts));
        command.addAll(serverArgs);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id + ": " + command, e);
        }
        started.add(process);
        node.process = process;
        node.killed = false;
        node.starts++;
        node.line("---- start " + node.starts + ", pid " + process.pid() + " ----");
        node.reader = new Thread(() -> read(node, process), "process-cluster-reader-" + id);
        node.reader.setDaemon(true);
        node.reader.start();
    }

    /**
     * SIGKILL to node {@code id}'s process ({@link Process#destroyForcibly()}), then waits
     * (bounded) until it is gone. Take the crash time just before calling this. Returns its pid.
     */
    long kill(int id) {
        Node node = node(id);
        Process p = node.process;
        if (p == null) {
            throw new IllegalStateException("node " + id + " was never started");
        }
        node.killed = true;
        p.destroyForcibly();
        waitGone(p);
        return p.pid();
    }

    boolean isAlive(int id) {
        Process p = node(id).process;
        return p != null && p.isAlive();
    }

    long pid(int id) {
        Process p = node(id).process;
        return p == null ? -1 : p.pid();
    }

    /** The status of node {@code id} within half a second, or null if it did not answer. */
    StatusResponse status(int id) {
        if (!isAlive(id)) {
            return null;
        }
        try {
            return statusClient.statusAsync(clientAddresses().get(id))
                    .get(STATUS_TIMEOUT.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Every process this cluster started, restarts included. */
    List<Process> startedProcesses() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    /**
     * The status of every running node, asked in parallel, each within half a second; a node
     * that did not answer is absent from the map.
     *
     * @throws IllegalStateException if a node exited without being killed
     */
    Map<Integer, StatusResponse> statuses() {
        checkNoUnexpectedExit();
        Map<Integer, CompletableFuture<StatusResponse>> asked = new TreeMap<>();
        clientAddresses().forEach((id, address) -> {
            if (isAlive(id)) {
                asked.put(id, statusClient.statusAsync(address));
            }
        });
        Map<Integer, StatusResponse> out = new TreeMap<>();
        asked.forEach((id, f) -> {
            try {
                out.put(id, f.get(STATUS_TIMEOUT.toMillis() + 200, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // down or starting: absent
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        return out;
    }

    /**
     * Waits until a node other than {@code except} logs that it became leader in a term above
     * {@code aboveTerm}; the earliest such event by arrival, or null at {@code deadlineNanos}.
     *
     * @throws IllegalStateException if a node exits without having been killed
     */
    RoleChange awaitLeader(long aboveTerm, int except, long deadlineNanos) {
        synchronized (events) {
            while (true) {
                RoleChange found = events.stream()
                        .filter(e -> e.to().equals("LEADER") && e.term() > aboveTerm && e.nodeId() != except)
                        .min(Comparator.comparingLong(RoleChange::arrivalNanos)).orElse(null);
                if (found != null) {
                    return found;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                checkNoUnexpectedExit();
                try {
                    // Wake now and then to notice a node that died.
                    TimeUnit.NANOSECONDS.timedWait(events, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Every role change logged so far, in arrival order. */
    List<RoleChange> roleChanges() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * @throws IllegalStateException naming the node, its exit code and its last output lines if
     *                               a node's process exited without being killed
     */
    void checkNoUnexpectedExit() {
        for (Node node : nodes) {
            Process p = node.process;
            if (p != null && !node.killed && !p.isAlive()) {
                joinReader(node);
                throw new IllegalStateException("node " + node.id + " (pid " + p.pid() + ") exited with code "
                        + p.exitValue() + " without being killed; its last lines:\n" + node.tail());
            }
        }
    }

    /** The last output lines of node {@code id}, for error messages. */
    String tail(int id) {
        return node(id).tail();
    }

    /** Kills every process this cluster started (SIGKILL), waits for them, deletes the data. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            killAll();
        } finally {
            for (Node node : nodes) {
                joinReader(node);
            }
            statusClient.close();
            deleteRecursively(root);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run: fine
            }
        }
    }

    // ---- internals ----

    private Node node(int id) {
        if (id < 1 || id > n) {
            throw new IllegalArgumentException("no node " + id + " in a cluster of " + n);
        }
        return nodes[id - 1];
    }

    private String peers() {
        return IntStream.rangeClosed(1, n)
                .mapToObj(id -> id + "=127.0.0.1:" + raftPorts[id - 1]).collect(Collectors.joining(","));
    }

    private List<String> injectFlags(int id, int restarts) {
        List<String> out = new ArrayList<>();
        if (faults.loss() > 0) {
            out.addAll(List.of("--inject-loss", String.valueOf(faults.loss())));
        }
        if (faults.delayMillis() > 0) {
            out.addAll(List.of("--inject-delay-ms", String.valueOf(faults.delayMillis())));
        }
        Set<Integer> cuts = faults.cutTo().getOrDefault(id, Set.of());
        if (!cuts.isEmpty()) {
            out.addAll(List.of("--inject-cut-to",
                    cuts.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))));
        }
        if (!out.isEmpty()) {
            long seed = faults.seed() * 1_000_003L + id * 7_919L + restarts * 65_537L;
            out.addAll(List.of("--inject-seed", String.valueOf(seed)));
        }
        return out;
    }

    /** On the node's reader thread: every line until end of stream. */
    private void read(Node node, Process process) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long arrival = System.nanoTime();
                node.line(line);
                Matcher m = ROLE_CHANGE.matcher(line);
                if (m.find()) {
                    RoleChange e = new RoleChange(Integer.parseInt(m.group(1)), m.group(2), m.group(3),
                            Long.parseLong(m.group(4)), arrival);
                    synchronized (events) {
                        events.add(e);
                        events.notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            node.line("(reading the output failed: " + e + ")");
        }
    }

    private void joinReader(Node node) {
        Thread r = node.reader;
        if (r != null) {
            try {
                r.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL to every process started here that is still alive, then a bounded wait for each. */
    private void killAll() {
        List<Process> all = startedProcesses();
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : all) {
            waitGone(p);
        }
    }

    private static void waitGone(Process p) {
        try {
            if (!p.waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("pid " + p.pid() + " still alive " + KILL_WAIT_MILLIS
                        + " ms after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + p.pid(), e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("process cluster: could not delete " + dir + ": " + e);
        }
    }
}
