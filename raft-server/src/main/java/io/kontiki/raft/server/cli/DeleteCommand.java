package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kontiki delete KEY}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete KEY.")
final class DeleteCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean existed;
        try (KontikiClient client = cluster.client()) {
            existed = client.delete(key);
        }
        spec.commandLine().getOut().println(existed ? "deleted" : "not found (nothing to delete)");
        return 0;
    }
}
