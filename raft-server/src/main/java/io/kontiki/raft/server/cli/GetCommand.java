package io.kontiki.raft.server.cli;

import io.kontiki.raft.server.client.KontikiClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kontiki get KEY}: prints the value; exit code 1 if the key is absent. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Print KEY's value (a linearizable read).")
final class GetCommand implements Callable<Integer> {

    @Mixin
    ClusterOption cluster;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] value;
        try (KontikiClient client = cluster.client()) {
            value = client.get(key);
        }
        if (value == null) {
            spec.commandLine().getErr().println("kontiki: key not found: " + key);
            return 1;
        }
        spec.commandLine().getOut().println(new String(value, StandardCharsets.UTF_8));
        return 0;
    }
}
