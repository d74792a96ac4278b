package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import io.kontiki.raft.server.client.StatusResponse;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kontiki status}: one line per node; exit code 1 if no node answered. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every node's role, term, leader, commit and applied index, snapshot index, log entries "
                + "and log bytes on disk, a digest of its store, and last contact with the leader.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-22s %5s %-10s %6s %7s %8s %8s %9s %9s %10s %-17s %13s%n";
        out.printf(format, "address", "node", "role", "term", "leader", "commit", "applied", "snapshot", "log", "log bytes",
                "digest@applied", "last contact");
        int answered = 0;
        try (KontikiClient client = cluster.client()) {
            for (InetSocketAddress address : cluster.addresses()) {
                String where = address.getHostString() + ":" + address.getPort();
                try {
                    StatusResponse s = client.status(address);
                    answered++;
                    out.printf(format, where, s.nodeId(), s.role(), s.term(),
                            s.leaderId() < 0 ? "-" : String.valueOf(s.leaderId()), s.commitIndex(), s.appliedIndex(),
                            s.snapshotIndex(), s.logEntries(), bytes(s.logBytes()),
                            String.format("%08x@%d", s.digest() >>> 32, s.digestIndex()),
                            "LEADER".equals(s.role()) ? "-" : s.lastContactMillis() + " ms");
                } catch (RuntimeException e) {
                    out.printf(format, where, "-", "DOWN", "-", "-", "-", "-", "-", "-", "-", "-", KontikiCli.oneLine(e));
                }
            }
        }
        out.flush();
        if (answered == 0) {
            spec.commandLine().getErr().println("kontiki: error: no node of " + cluster.cluster + " answered");
            return 1;
        }
        return 0;
    }

    /** 12345678 -> "11.8 MiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
