package io.kontiki.raft.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.kontiki.raft.server.KontikiServer;
import io.kontiki.raft.server.LogCapture;
import io.kontiki.raft.server.LoopbackPorts;
import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.transport.netty.FaultInjector;
import io.kontiki.raft.transport.netty.LinkFaults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The fault-injection flags of {@code kontiki server} ({@code --inject-loss}, {@code
 * --inject-delay-ms}, {@code --inject-cut-to}, {@code --inject-seed}): a bad value is a usage
 * error (exit 2, one line naming the flag) before anything starts; a good one reaches the
 * transport's {@link FaultInjector}, from a flag or from the {@code --config} file, and the
 * server says so with one WARN line.
 */
class ServerFaultFlagsTest {

    private static final String PEERS = "1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003";

    @TempDir
    Path dir;

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(new String[] {"--inject-loss", "1"}, List.of("--inject-loss", "1")),
                Arguments.of(new String[] {"--inject-loss", "-0.1"}, List.of("--inject-loss", "-0.1")),
                Arguments.of(new String[] {"--inject-loss", "NaN"}, List.of("--inject-loss")),
                Arguments.of(new String[] {"--inject-loss", "often"}, List.of("--inject-loss", "often")),
                Arguments.of(new String[] {"--inject-delay-ms", "-1"}, List.of("--inject-delay-ms", "-1")),
                Arguments.of(new String[] {"--inject-delay-ms", "60001"}, List.of("--inject-delay-ms", "60001")),
                Arguments.of(new String[] {"--inject-cut-to", "1"}, List.of("--inject-cut-to", "this node")),
                Arguments.of(new String[] {"--inject-cut-to", "2,9"}, List.of("--inject-cut-to", "9")),
                Arguments.of(new String[] {"--inject-cut-to", "2,,3"}, List.of("--inject-cut-to")),
                Arguments.of(new String[] {"--inject-cut-to", "two"}, List.of("--inject-cut-to", "two")),
                Arguments.of(new String[] {"--inject-seed", "x"}, List.of("--inject-seed", "x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadInjectValueExitsWith2AndOneLineNamingIt(String[] flags, List<String> names) {
        List<String> args = new ArrayList<>(List.of("server", "--id", "1", "--peers", PEERS, "--client-port", "7101",
                "--data-dir", dir.resolve("never-created").toString()));
        args.addAll(List.of(flags));
        int[] code = new int[1];
        String err = captureStderr(() -> code[0] = KontikiCli.run(args.toArray(String[]::new)));
        List<String> errorLines = err.lines().filter(l -> l.startsWith("kontiki: ")).toList();
        assertEquals(2, code[0], err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertEquals(1, errorLines.size(), err);
        for (String name : names) {
            assertTrue(errorLines.get(0).contains(name), "the error names '" + name + "': " + err);
        }
        assertFalse(Files.exists(dir.resolve("never-created")), "nothing started");
    }

    @Test
    void injectFlagsReachTheTransportsFaultInjectorWithOneWarnLine() throws Exception {
        int[] ports = LoopbackPorts.free(4);
        ServerCommand command = parse("--id", "1", "--peers", LoopbackPorts.members(ports[0], ports[1], ports[2]),
                "--client-port", String.valueOf(ports[3]), "--data-dir", dir.resolve("node-1").toString(),
                "--inject-loss", "0.25", "--inject-delay-ms", "30", "--inject-cut-to", "3", "--inject-seed", "42");
        ServerConfig config = command.toConfig(new Properties());
        FaultFlags faults = command.toFaults(new Properties(), config);
        assertEquals(42, faults.seed());

        try (LogCapture log = new LogCapture(ServerCommand.class);
             KontikiServer server = ServerCommand.start(config, faults)) {
            FaultInjector injector = server.faults();
            LinkFaults lossy = LinkFaults.loss(0.25).withDelay(0, 30);
            assertTrue(injector.isActive());
            assertEquals(lossy, injector.faultsFor(2), "loss and delay on every link");
            assertEquals(lossy.withCut(true), injector.faultsFor(3), "the link to 3 is cut as well");
            List<String> warnings = log.lines(Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("fault injection is ON") && warnings.get(0).contains("seed 42")
                    && warnings.get(0).contains("benchmarks/testing only"), warnings.get(0));
        }
    }

    @Test
    void injectKeysOfTheConfigFileWorkLikeTheFlagsAndFlagsWin() throws Exception {
        Properties file = new Properties();
        file.setProperty("inject-loss", "0.1");
        file.setProperty("inject-delay-ms", "5");
        file.setProperty("inject-cut-to", "2, 3");
        file.setProperty("inject-seed", "7");
        ServerCommand fromFile = parse("--id", "1", "--peers", PEERS, "--client-port", "7101",
                "--data-dir", dir.toString());
        FaultFlags f = fromFile.toFaults(file, fromFile.toConfig(file));
        assertEquals(new FaultFlags(0.1, 5, Set.of(2, 3), 7), f);

        ServerCommand flagWins = parse("--id", "1", "--peers", PEERS, "--client-port", "7101",
                "--data-dir", dir.toString(), "--inject-loss", "0.2");
        assertEquals(0.2, flagWins.toFaults(file, flagWins.toConfig(file)).loss());
    }

    @Test
    void withoutInjectFlagsTheInjectorStaysOffAndNothingIsLogged() throws Exception {
        int[] ports = LoopbackPorts.free(2);
        ServerCommand command = parse("--id", "1", "--peers", LoopbackPorts.members(ports[0]),
                "--client-port", String.valueOf(ports[1]), "--data-dir", dir.resolve("node-1").toString());
        ServerConfig config = command.toConfig(new Properties());
        FaultFlags faults = command.toFaults(new Properties(), config);
        assertFalse(faults.any());
        try (LogCapture log = new LogCapture(ServerCommand.class);
             KontikiServer server = ServerCommand.start(config, faults)) {
            assertFalse(server.faults().isActive());
            assertTrue(log.lines(Level.WARN).isEmpty());
        }
    }

    private static ServerCommand parse(String... args) {
        CommandLine cli = new CommandLine(new ServerCommand());
        cli.parseArgs(args);
        return cli.getCommand();
    }

    /** Runs {@code body} with System.err captured; bounded in time. */
    private static String captureStderr(Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, UTF_8));
            assertTimeoutPreemptively(Duration.ofSeconds(30), body::run);
            System.err.flush();
            return err.toString(UTF_8);
        } finally {
            System.setErr(original);
        }
    }
}
