package io.kontiki.raft.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.server.CliProcess;
import io.kontiki.raft.server.KontikiServer;
import io.kontiki.raft.server.LoopbackPorts;
import io.kontiki.raft.server.ServerConfig;
import io.kontiki.raft.server.storage.DataDirectory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code kontiki} command line as an operator meets it: exit codes (0 success, 1 the command
 * failed, 2 bad flags, as {@link KontikiCli} documents them), errors as one line on stderr that
 * names the problem and never a stack trace, and {@code --help} everywhere. Flag handling runs
 * in-process through {@link KontikiCli#run}; a server that must fail at start-up runs as a child
 * JVM, since a server that did start would stay in the foreground.
 */
class ServerCliTest {

    private static final Duration CHILD_EXIT_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** What one in-process run printed, and its exit code. */
    private record Run(int exitCode, String out, String err) {

        /** The lines of stderr that are the CLI's own (log lines may share stderr). */
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("kontiki: ")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n---- stdout ----\n" + out + "---- stderr ----\n" + err;
        }
    }

    /** {@code kontiki args} in this JVM with System.out and System.err captured; bounded in time. */
    private static Run cli(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            System.setErr(new PrintStream(err, true, UTF_8));
            int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> KontikiCli.run(args),
                    () -> "kontiki " + String.join(" ", args) + " did not return");
            System.out.flush();
            System.err.flush();
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** Exactly one error line, naming every one of {@code names}, and no stack trace anywhere. */
    private static void assertOneLineError(String stderr, List<String> errorLines, String context,
                                           String... names) {
        assertFalse(stderr.contains("\tat "), "no stack trace: " + context);
        assertEquals(1, errorLines.size(), "one 'kontiki: ...' error line: " + context);
        for (String name : names) {
            assertTrue(errorLines.get(0).contains(name), "the error names '" + name + "': " + context);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- bad flags: exit code 2 ----

    static Stream<Arguments> badFlags() {
        String peers = "1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003";
        String[] rest = {"--client-port", "7101", "--data-dir", "target/never-created"};
        return Stream.of(
                Arguments.of("an unknown flag", new String[] {"server", "--id", "1", "--bogus"}, List.of("--bogus")),
                Arguments.of("--peers without a value", new String[] {"server", "--id", "1", "--peers"},
                        List.of("--peers")),
                Arguments.of("a non-numeric --id", new String[] {"server", "--id", "one", "--peers", peers},
                        List.of("--id", "one")),
                Arguments.of("--id not among --peers", concat(new String[] {"server", "--id", "4", "--peers", peers},
                        rest), List.of("--id 4", "--peers")),
                Arguments.of("a peers spec without host:port", concat(new String[] {"server", "--id", "1", "--peers",
                        "1=nohostport"}, rest), List.of("--peers", "nohostport")),
                Arguments.of("a peer port out of range", concat(new String[] {"server", "--id", "1", "--peers",
                        "1=127.0.0.1:70000"}, rest), List.of("--peers", "70000")),
                Arguments.of("a client port out of range", new String[] {"server", "--id", "1", "--peers",
                        "1=127.0.0.1:7001", "--client-port", "70000", "--data-dir", "target/never-created"},
                        List.of("--client-port", "70000")),
                Arguments.of("no --id at all", concat(new String[] {"server", "--peers", peers}, rest),
                        List.of("--id")),
                Arguments.of("a client command's malformed --cluster",
                        new String[] {"get", "--cluster", "nohostport", "k"}, List.of("--cluster", "nohostport")),
                Arguments.of("put without its VALUE", new String[] {"put", "k"}, List.of("VALUE")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFlags")
    void badFlagsExitWith2AndOneLineNamingTheProblem(String what, String[] args, List<String> names) {
        Run run = cli(args);
        assertEquals(2, run.exitCode(), what + ": " + run);
        assertOneLineError(run.err(), run.errorLines(), what + ": " + run, names.toArray(String[]::new));
    }

    // ---- --help ----

    @ParameterizedTest(name = "kontiki {0} --help")
    @ValueSource(strings = {"server", "local", "put", "get", "delete", "status"})
    void helpOfEverySubcommandExits0AndPrintsItsUsage(String subcommand) {
        Run run = cli(subcommand, "--help");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: kontiki " + subcommand), run.toString());
        assertTrue(run.out().contains("--help"), "the usage lists the options: " + run);
        assertTrue(run.errorLines().isEmpty(), run.toString());
    }

    @Test
    void helpOfTheTopLevelCommandListsEverySubcommand() {
        Run run = cli("--help");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: kontiki"), run.toString());
        for (String sub : List.of("server", "local", "put", "get", "delete", "status")) {
            assertTrue(run.out().contains(sub), "lists " + sub + ": " + run);
        }
    }

    // ---- a server that cannot start: exit code 1 (child JVMs) ----

    @Test
    void aDataDirectoryOfAnotherNodeIsRefusedWithExit1NamingBothIds() throws Exception {
        Path data = dir.resolve("data");
        DataDirectory.open(data, "kontiki", 1).close();
        int[] ports = LoopbackPorts.free(3);
        try (CliProcess server = CliProcess.startWithStreams(dir, "node-2", List.of("server", "--id", "2",
                "--peers", LoopbackPorts.members(ports[0], ports[1]), "--client-port", String.valueOf(ports[2]),
                "--data-dir", data.toString()))) {
            int exit = server.awaitExit(CHILD_EXIT_LIMIT);
            String err = server.stderr();
            List<String> errorLines = err.lines().filter(l -> l.startsWith("kontiki: ")).toList();
            assertEquals(1, exit, server.describe());
            assertOneLineError(err, errorLines, server.describe(), "node 1", "node 2",
                    data.toAbsolutePath().normalize().toString());
        }
        assertEquals("1", metaNodeId(data), "the refused start left the directory's owner alone");
    }

    @Test
    void aClientPortInUseIsRefusedWithExit1NamingThePort() throws Exception {
        int[] ports = LoopbackPorts.free(1);
        try (ServerSocket taken = new ServerSocket(0, 1, LoopbackPorts.address(0).getAddress());
             CliProcess server = CliProcess.startWithStreams(dir, "node-1", List.of("server", "--id", "1",
                     "--peers", LoopbackPorts.members(ports[0]), "--client-port", String.valueOf(taken.getLocalPort()),
                     "--data-dir", dir.resolve("data").toString()))) {
            int exit = server.awaitExit(CHILD_EXIT_LIMIT);
            String err = server.stderr();
            List<String> errorLines = err.lines().filter(l -> l.startsWith("kontiki: ")).toList();
            assertEquals(1, exit, server.describe());
            assertOneLineError(err, errorLines, server.describe(), "in use", String.valueOf(taken.getLocalPort()));
        }
    }

    private static String metaNodeId(Path data) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(data.resolve(DataDirectory.META_FILE))) {
            p.load(in);
        }
        return p.getProperty("node.id");
    }

    // ---- client commands against a live one-node cluster, and against none ----

    @Test
    void clientCommandsAgainstALiveNodeAndGetOfAMissingKeyExits1() {
        int[] ports = LoopbackPorts.free(2);
        InetSocketAddress clientAddress = LoopbackPorts.address(ports[1]);
        try (KontikiServer server = KontikiServer.start(new ServerConfig("kontiki", 1,
                Map.of(1, LoopbackPorts.address(ports[0])), clientAddress, Map.of(1, clientAddress),
                dir.resolve("node-1"), 10, 50, 150, true))) {
            String cluster = "127.0.0.1:" + server.clientAddress().getPort();

            Run missing = cli("get", "--cluster", cluster, "missing");
            assertEquals(1, missing.exitCode(), missing.toString());
            assertOneLineError(missing.err(), missing.errorLines(), missing.toString(), "not found", "missing");
            assertEquals("", missing.out(), "nothing on stdout for a missing key");

            Run put = cli("put", "--cluster", cluster, "greeting", "hello world");
            assertEquals(0, put.exitCode(), put.toString());
            assertEquals("OK", put.out().strip());

            Run get = cli("get", "--cluster", cluster, "greeting");
            assertEquals(0, get.exitCode(), get.toString());
            assertEquals("hello world", get.out().strip());

            Run status = cli("status", "--cluster", cluster);
            assertEquals(0, status.exitCode(), status.toString());
            assertTrue(status.out().lines().anyMatch(l -> l.startsWith(cluster) && l.contains("LEADER")),
                    status.toString());

            Run delete = cli("delete", "--cluster", cluster, "greeting");
            assertEquals(0, delete.exitCode(), delete.toString());
            assertEquals("deleted", delete.out().strip());
            assertEquals(1, cli("get", "--cluster", cluster, "greeting").exitCode(), "gone after delete");
        }
    }

    @Test
    void statusWithNoNodeReachableExits1AndShowsEveryNodeDown() {
        int[] dead = LoopbackPorts.free(2);
        String cluster = "127.0.0.1:" + dead[0] + ",127.0.0.1:" + dead[1];
        Run run = cli("status", "--cluster", cluster, "--timeout-ms", "1000");
        assertEquals(1, run.exitCode(), run.toString());
        List<String> down = run.out().lines().filter(l -> l.contains("DOWN")).toList();
        assertEquals(2, down.size(), "one DOWN line per node: " + run);
        assertFalse(run.err().contains("\tat "), run.toString());
    }

    @Test
    void getWithNoNodeReachableExits1WithOneLine() {
        int[] dead = LoopbackPorts.free(1);
        Run run = cli("get", "--cluster", "127.0.0.1:" + dead[0], "--timeout-ms", "1000", "k");
        assertEquals(1, run.exitCode(), run.toString());
        assertOneLineError(run.err(), run.errorLines(), run.toString(), "GET");
    }
}
