package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kontiki snapshot}: asks one node ({@code --node N}) or every node to snapshot its store
 * now, and discard the log the snapshot covers. One line per node; exit code 1 if a node asked
 * did not take one (or {@code --node} names no node of the cluster).
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Ask every node (or --node N) to snapshot its store now and compact its log.")
final class SnapshotCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Option(names = "--node", paramLabel = "N", description = "Only the node with this id.")
    Integer node;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        int asked = 0;
        try (KontikiClient client = cluster.client()) {
            for (InetSocketAddress address : cluster.addresses()) {
                String where = address.getHostString() + ":" + address.getPort();
                int id;
                try {
                    StatusResponse s = client.status(address);
                    id = s.nodeId();
                } catch (RuntimeException e) {
                    if (node == null) {
                        out.printf("%-22s node -: DOWN: %s%n", where, KontikiCli.oneLine(e));
                        failed++;
                    }
                    continue;
                }
                if (node != null && node != id) {
                    continue;
                }
                asked++;
                try {
                    out.printf("%-22s node %d: %s%n", where, id, client.snapshot(address));
                } catch (RuntimeException e) {
                    out.printf("%-22s node %d: %s%n", where, id, KontikiCli.oneLine(e));
                    failed++;
                }
            }
        }
        out.flush();
        if (node != null && asked == 0) {
            err.println("kontiki: error: no node of " + cluster.cluster + " has id " + node + " (or it did not answer)");
            return 1;
        }
        return failed == 0 ? 0 : 1;
    }
}
