package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kontiki put KEY VALUE}. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Set KEY to VALUE (replicated, durable once it prints OK).")
final class PutCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (KontikiClient client = cluster.client()) {
            client.put(key, value.getBytes(StandardCharsets.UTF_8));
        }
        spec.commandLine().getOut().println("OK");
        return 0;
    }
}
