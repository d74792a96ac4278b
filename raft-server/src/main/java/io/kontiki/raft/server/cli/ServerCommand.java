package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.KontikiServer;
import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.SnapshotPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kontiki server}: runs one node in the foreground until SIGTERM / Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run one Kontiki node in the foreground (SIGTERM or Ctrl-C stops it gracefully).")
final class ServerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file with the same keys as the flags (id, peers, client-port, data-dir, ...); flags win.")
    Path configFile;

    @Option(names = "--id", paramLabel = "N", description = "This node's id (one of --peers).")
    Integer id;

    @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...", description = "Every member's Raft address, this node's included.")
    String peers;

    @Option(names = "--client-port", paramLabel = "PORT", description = "The port clients connect to.")
    Integer clientPort;

    @Option(names = "--client-host", paramLabel = "HOST",
            description = "The address to bind the client port to (default: this node's host in --peers).")
    String clientHost;

    @Option(names = "--client-peers", paramLabel = "ID=HOST:PORT,...",
            description = "Every member's client address (optional; recorded in the configuration — clients follow a NOT_LEADER reply by the leader's id and their own --cluster list).")
    String clientPeers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "This node's data directory.")
    Path dataDir;

    @Option(names = "--cluster-id", paramLabel = "NAME", description = "The cluster's name (default: kontiki).")
    String clusterId;

    @Option(names = "--tick-ms", paramLabel = "MS", description = "Raft tick (default: 10).")
    Long tickMillis;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", description = "Leader heartbeat interval (default: 50).")
    Long heartbeatMillis;

    @Option(names = "--election-ms", paramLabel = "MS",
            description = "Minimum election timeout; the actual one is random in [T, 2T) (default: 150).")
    Long electionMillis;

    @Option(names = "--no-fsync", description = "Do not fsync (benchmarks only: acknowledged writes can be lost).")
    boolean noFsync;

    @Option(names = "--snapshot-entries", paramLabel = "N",
            description = "Snapshot the store once N entries were applied since the last snapshot (default: 500000).")
    Long snapshotEntries;

    @Option(names = "--snapshot-log-bytes", paramLabel = "BYTES",
            description = "... or once the entries applied since the last snapshot hold BYTES of command data "
                    + "(default: 33554432, 32 MiB).")
    Long snapshotLogBytes;

    @Option(names = "--snapshot-catch-up-entries", paramLabel = "N",
            description = "Entries kept in the log before a snapshot's index, for followers slightly behind (default: 10000).")
    Long snapshotCatchUpEntries;

    @Option(names = "--snapshot-chunk-bytes", paramLabel = "BYTES",
            description = "Send snapshots to followers in chunks of at most BYTES (default: 1048576, 1 MiB; at most 8 MiB).")
    Integer snapshotChunkBytes;

    @Option(names = "--log-segment-bytes", paramLabel = "BYTES",
            description = "Size of a log segment file; compaction deletes whole segments (default: 8388608, 8 MiB).")
    Long logSegmentBytes;

    @Option(names = "--inject-loss", paramLabel = "P",
            description = "Benchmarks/testing only: drop each outbound peer message with probability P, 0 <= P < 1.")
    Double injectLoss;

    @Option(names = "--inject-delay-ms", paramLabel = "D",
            description = "Benchmarks/testing only: delay each outbound Raft request (AppendEntries, RequestVote) "
                    + "uniformly in [0, D] ms; responses are not delayed.")
    Long injectDelayMillis;

    @Option(names = "--inject-cut-to", paramLabel = "ID,...",
            description = "Benchmarks/testing only: cut the outbound link from this node to these peers (one-way).")
    String injectCutTo;

    @Option(names = "--inject-seed", paramLabel = "N",
            description = "Benchmarks/testing only: the seed of the injected faults (default: random, logged).")
    Long injectSeed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        FaultFlags faults;
        try {
            Properties file = loadProperties(configFile);
            config = toConfig(file);
            faults = toFaults(file, config);
        } catch (IllegalArgumentException badValue) {
            // A flag or config value that parses but makes no sense is a usage error (exit 2).
            throw new ParameterException(spec.commandLine(), badValue.getMessage(), badValue);
        }
        KontikiServer server = start(config, faults);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "kontiki-shutdown"));
        stopped.await();
        return 0;
    }

    ServerConfig toConfig(Properties file) {
        int nodeId = id != null ? id : intProp(file, "id", null);
        String peerSpec = peers != null ? peers : file.getProperty("peers");
        if (peerSpec == null) {
            throw new IllegalArgumentException("--peers is required (e.g. 1=10.0.0.1:7001,2=10.0.0.2:7001,3=10.0.0.3:7001)");
        }
        Map<Integer, InetSocketAddress> members = ServerConfig.parseMembers(peerSpec, "--peers");
        if (!members.containsKey(nodeId)) {
            throw new IllegalArgumentException("--id " + nodeId + " is not among --peers " + members.keySet());
        }
        int port = clientPort != null ? clientPort : intProp(file, "client-port", null);
        String host = clientHost != null ? clientHost
                : file.getProperty("client-host", members.get(nodeId).getHostString());
        Path dir = dataDir != null ? dataDir : pathProp(file, "data-dir");
        String clients = clientPeers != null ? clientPeers : file.getProperty("client-peers");
        return new ServerConfig(
                clusterId != null ? clusterId : file.getProperty("cluster-id", "kontiki"),
                nodeId, members,
                ServerConfig.parseAddress(host + ":" + port, "--client-port"),
                ServerConfig.parseMembers(clients, "--client-peers"),
                dir,
                tickMillis != null ? tickMillis : longProp(file, "tick-ms", 10),
                heartbeatMillis != null ? heartbeatMillis : longProp(file, "heartbeat-ms", 50),
                electionMillis != null ? electionMillis : longProp(file, "election-ms", 150),
                !(noFsync || Boolean.parseBoolean(file.getProperty("no-fsync", "false"))),
                toSnapshotPolicy(file));
    }

    /** The {@code --snapshot-*} flags (or keys of the file); flags win. */
    SnapshotPolicy toSnapshotPolicy(Properties file) {
        SnapshotPolicy d = SnapshotPolicy.DEFAULTS;
        int chunk = snapshotChunkBytes != null ? snapshotChunkBytes : intProp(file, "snapshot-chunk-bytes", d.chunkBytes());
        return new SnapshotPolicy(
                snapshotEntries != null ? snapshotEntries : longProp(file, "snapshot-entries", d.entries()),
                snapshotLogBytes != null ? snapshotLogBytes : longProp(file, "snapshot-log-bytes", d.logBytes()),
                snapshotCatchUpEntries != null ? snapshotCatchUpEntries
                        : longProp(file, "snapshot-catch-up-entries", d.catchUpEntries()),
                chunk, 4L * chunk, d.maxSends(),
                logSegmentBytes != null ? logSegmentBytes : longProp(file, "log-segment-bytes", d.segmentBytes()));
    }

    /** The {@code --inject-*} flags (or {@code inject-*} keys of the file); flags win. */
    FaultFlags toFaults(Properties file, ServerConfig config) {
        String cuts = injectCutTo != null ? injectCutTo : file.getProperty("inject-cut-to");
        long seed = injectSeed != null ? injectSeed
                : file.getProperty("inject-seed") != null ? longProp(file, "inject-seed", 0)
                : new SecureRandom().nextLong();
        return new FaultFlags(
                injectLoss != null ? injectLoss : doubleProp(file, "inject-loss", 0),
                injectDelayMillis != null ? injectDelayMillis : longProp(file, "inject-delay-ms", 0),
                FaultFlags.parseCutTo(cuts, config.nodeId(), config.peers().keySet()),
                seed);
    }

    /**
     * Starts the server, then installs the injected faults on its transport (messages sent in
     * the few milliseconds before that are not faulted) and says so with one WARN line.
     */
    static KontikiServer start(ServerConfig config, FaultFlags faults) {
        KontikiServer server = KontikiServer.start(config, faults.seed());
        if (faults.any()) {
            faults.applyTo(server.faults());
            LOG.warn("node {}: fault injection is ON: {}; for benchmarks/testing only", config.nodeId(),
                    faults.describe());
        }
        return server;
    }

    private static Properties loadProperties(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("--config " + file + ": no such readable file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    private static int intProp(Properties p, String key, Integer dflt) {
        return numberProp(p, key, dflt, Integer::valueOf);
    }

    private static long longProp(Properties p, String key, long dflt) {
        return numberProp(p, key, dflt, Long::valueOf);
    }

    private static double doubleProp(Properties p, String key, double dflt) {
        return numberProp(p, key, dflt, Double::valueOf);
    }

    /** {@code key}'s value parsed, {@code dflt} if absent ({@code --key is required} if that is null too). */
    private static <T> T numberProp(Properties p, String key, T dflt, Function<String, T> parse) {
        String v = p.getProperty(key);
        if (v == null) {
            if (dflt == null) {
                throw new IllegalArgumentException("--" + key + " is required");
            }
            return dflt;
        }
        try {
            return parse.apply(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
    }

    private static Path pathProp(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return Path.of(v.trim());
    }
}
