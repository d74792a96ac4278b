package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.client.KontikiClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --cluster} flag the client commands share, and the client it makes. */
final class ClusterOption {

    @Option(names = "--cluster", paramLabel = "HOST:PORT,...", defaultValue = LocalCommand.DEFAULT_CLIENT_ADDRESSES,
            description = "Client addresses of the cluster's nodes (default: the local cluster's, ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : cluster.split(",")) {
            if (!part.isBlank()) {
                out.add(ServerConfig.parseAddress(part.trim(), "--cluster"));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--cluster names no address");
        }
        return out;
    }

    KontikiClient client() {
        return new KontikiClient(addresses(), KontikiClient.Options.defaults()
                .withTimeout(Duration.ofMillis(timeoutMillis)));
    }
}
