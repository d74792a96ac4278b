package io.kontiki.raft.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one server needs to start. Built from flags or a properties file by the CLI;
 * validated here, so that a bad value is refused with one clear line before anything starts.
 *
 * @param clusterId         the cluster's name; peers of another cluster are refused
 * @param nodeId            this node's id, one of {@code peers}' keys
 * @param peers             every member's Raft address, this node's included
 * @param clientAddress     where this node listens for clients
 * @param clientPeers       every member's client address, for redirect hints (may be empty)
 * @param dataDir           this node's data directory
 * @param tickMillis        the Raft tick
 * @param heartbeatMillis   the leader's heartbeat interval
 * @param electionMillis    the minimum election timeout (the actual one is random in [e, 2e))
 * @param fsync             fsync before acknowledging; false only for benchmarks
 * @param snapshots         when to snapshot and how to send snapshots
 */
public record ServerConfig(String clusterId, int nodeId, Map<Integer, InetSocketAddress> peers,
                           InetSocketAddress clientAddress, Map<Integer, InetSocketAddress> clientPeers,
                           Path dataDir, long tickMillis, long heartbeatMillis, long electionMillis,
                           boolean fsync, SnapshotPolicy snapshots) {

    /** A configuration with the default {@link SnapshotPolicy}. */
    public ServerConfig(String clusterId, int nodeId, Map<Integer, InetSocketAddress> peers,
                        InetSocketAddress clientAddress, Map<Integer, InetSocketAddress> clientPeers,
                        Path dataDir, long tickMillis, long heartbeatMillis, long electionMillis, boolean fsync) {
        this(clusterId, nodeId, peers, clientAddress, clientPeers, dataDir, tickMillis, heartbeatMillis,
                electionMillis, fsync, SnapshotPolicy.DEFAULTS);
    }

    /** A copy with another snapshot policy. */
    public ServerConfig withSnapshots(SnapshotPolicy policy) {
        return new ServerConfig(clusterId, nodeId, peers, clientAddress, clientPeers, dataDir, tickMillis,
                heartbeatMillis, electionMillis, fsync, policy);
    }

    public ServerConfig {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank() || clusterId.length() > 128) {
            throw new IllegalArgumentException("cluster id must be 1-128 characters");
        }
        peers = Collections.unmodifiableMap(new TreeMap<>(peers));
        clientPeers = Collections.unmodifiableMap(new TreeMap<>(clientPeers));
        if (!peers.containsKey(nodeId)) {
            throw new IllegalArgumentException("--id " + nodeId + " is not among --peers " + peers.keySet());
        }
        Objects.requireNonNull(clientAddress, "client address");
        Objects.requireNonNull(dataDir, "data dir");
        Objects.requireNonNull(snapshots, "snapshots");
        if (tickMillis <= 0) {
            throw new IllegalArgumentException("tick must be > 0 ms");
        }
        if (heartbeatMillis < tickMillis || heartbeatMillis % tickMillis != 0) {
            throw new IllegalArgumentException("heartbeat (" + heartbeatMillis + " ms) must be a multiple of the tick ("
                    + tickMillis + " ms)");
        }
        if (electionMillis <= heartbeatMillis || electionMillis % tickMillis != 0) {
            throw new IllegalArgumentException("election timeout (" + electionMillis
                    + " ms) must be a multiple of the tick and longer than the heartbeat (" + heartbeatMillis + " ms)");
        }
    }

    /** This node's Raft address. */
    public InetSocketAddress raftAddress() {
        return peers.get(nodeId);
    }

    /**
     * Parses {@code 1=host:port,2=host:port}: ids are non-negative integers, each once.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad part
     */
    public static Map<Integer, InetSocketAddress> parseMembers(String spec, String flag) {
        Map<Integer, InetSocketAddress> out = new TreeMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(flag + ": '" + p + "' is not id=host:port");
            }
            int id;
            try {
                id = Integer.parseInt(p.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + p.substring(0, eq) + "' is not a node id");
            }
            if (id < 0) {
                throw new IllegalArgumentException(flag + ": node ids must be >= 0, got " + id);
            }
            if (out.put(id, parseAddress(p.substring(eq + 1).trim(), flag)) != null) {
                throw new IllegalArgumentException(flag + ": node " + id + " is listed twice");
            }
        }
        return out;
    }

    /** Parses {@code host:port} (port 1-65535). */
    public static InetSocketAddress parseAddress(String hostPort, String flag) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException(flag + ": '" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + hostPort.substring(colon + 1) + "' is not a port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(flag + ": port " + port + " is out of range 1-65535");
        }
        return new InetSocketAddress(host, port);
    }
}
