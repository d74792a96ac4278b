package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.File;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kontiki local --nodes 3}: starts N server processes (separate JVMs) on 127.0.0.1 with
 * data under {@code ./data/local}, prints the leader and the client addresses, stays in the
 * foreground, and on Ctrl-C stops every process it started (by its handle, nothing else).
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Start a local cluster of N server processes on 127.0.0.1; Ctrl-C stops them all.")
final class LocalCommand implements Callable<Integer> {

    /** Client addresses of the default local cluster: what the client commands use by default. */
    static final String DEFAULT_CLIENT_ADDRESSES = "127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103";
    static final int RAFT_BASE_PORT = 9000;
    static final int CLIENT_BASE_PORT = 9100;

    @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--data-dir", defaultValue = "data/local", description = "Where the nodes keep their data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port-offset", defaultValue = "0",
            description = "Add this to every port (Raft 9001.., clients 9101..), to run two local clusters.")
    int portOffset;

    @Option(names = "--no-fsync", description = "Start the nodes without fsync (benchmarks only).")
    boolean noFsync;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be between 1 and 9, got " + nodes);
        }
        PrintWriter out = spec.commandLine().getOut();
        StringJoiner peers = new StringJoiner(",");
        StringJoiner clients = new StringJoiner(",");
        List<InetSocketAddress> clientAddresses = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            peers.add(id + "=127.0.0.1:" + (RAFT_BASE_PORT + portOffset + id));
            clients.add(id + "=127.0.0.1:" + (CLIENT_BASE_PORT + portOffset + id));
            clientAddresses.add(new InetSocketAddress("127.0.0.1", CLIENT_BASE_PORT + portOffset + id));
        }
        Files.createDirectories(dataDir);
        List<Process> started = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll(started);
            stop.countDown();
        }, "kontiki-local-shutdown"));
        for (int id = 1; id <= nodes; id++) {
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-cp", ownClassPath(),
                    KontikiCli.class.getName(), "server",
                    "--id", String.valueOf(id), "--peers", peers.toString(),
                    "--client-port", String.valueOf(CLIENT_BASE_PORT + portOffset + id),
                    "--client-peers", clients.toString(),
                    "--data-dir", dataDir.resolve("node-" + id).toString()));
            if (noFsync) {
                cmd.add("--no-fsync");
            }
            File log = dataDir.resolve("node-" + id + ".log").toFile();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            started.add(p);
            out.printf("started node %d (pid %d), log %s%n", id, p.pid(), log);
        }
        out.flush();
        String leader = awaitLeader(clientAddresses, started);
        out.println("leader: " + leader);
        out.println("client addresses: " + String.join(",", clientAddresses.stream()
                .map(a -> a.getHostString() + ":" + a.getPort()).toList()));
        out.println("try:   bin/kontiki put a 1 && bin/kontiki get a   (Ctrl-C stops the cluster)");
        out.flush();
        while (!stop.await(1, TimeUnit.SECONDS)) {
            for (Process p : started) {
                if (!p.isAlive()) {
                    spec.commandLine().getErr().println("kontiki: node process " + p.pid() + " exited with code "
                            + p.exitValue() + "; see its log under " + dataDir + "; stopping the cluster");
                    stopAll(started);
                    return 1;
                }
            }
        }
        return 0;
    }

    /** Polls the nodes' status for up to 30 s; returns "node N at host:port". */
    private String awaitLeader(List<InetSocketAddress> addresses, List<Process> started) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (KontikiClient client = new KontikiClient(addresses, KontikiClient.Options.defaults()
                .withTimeout(Duration.ofSeconds(1)))) {
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < addresses.size(); i++) {
                    try {
                        StatusResponse s = client.status(addresses.get(i));
                        if ("LEADER".equals(s.role())) {
                            return "node " + s.nodeId() + " at " + addresses.get(i).getHostString() + ":"
                                    + addresses.get(i).getPort() + " (term " + s.term() + ")";
                        }
                    } catch (RuntimeException notYet) {
                        // still starting
                    }
                }
                if (started.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("a node process exited during start-up; see the logs under " + dataDir);
                }
                try {
                    Thread.sleep(200); // polling a process we do not control; bounded by the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("no leader within 30 s; see the logs under " + dataDir);
    }

    private static void stopAll(List<Process> started) {
        for (Process p : started) {
            p.destroy(); // SIGTERM: graceful shutdown
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String ownClassPath() {
        return System.getProperty("java.class.path");
    }
}
