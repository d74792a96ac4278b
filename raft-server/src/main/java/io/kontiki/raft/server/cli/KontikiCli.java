package io.kontiki.raft.server.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kontiki}: the server, a local cluster, and the client commands.
 *
 * <p>Exit codes: 0 success; 1 the command failed (a port in use, an unusable data directory, a
 * key not found, a cluster that cannot be reached); 2 bad flags. Every error is one line on
 * stderr, never a stack trace alone.
 */
@Command(name = "kontiki", mixinStandardHelpOptions = true, version = "kontiki 0.1.0",
        description = "Kontiki: a Raft key-value server.",
        subcommands = {ServerCommand.class, LocalCommand.class, PutCommand.class, GetCommand.class,
                DeleteCommand.class, StatusCommand.class, SnapshotCommand.class})
public final class KontikiCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (for tests). */
    public static int run(String... args) {
        boolean serving = args.length > 0 && ("server".equals(args[0]) || "local".equals(args[0]));
        setRootLogLevel(serving ? Level.INFO : Level.WARN);
        CommandLine cli = new CommandLine(new KontikiCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("kontiki: error: " + oneLine(e));
            LoggerFactory.getLogger(KontikiCli.class).debug("details", e);
            // A value that parsed but makes no sense (an address, a key too long) is bad usage.
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("kontiki: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cli.execute(args);
    }

    /** The message of the innermost cause that has one, on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && (message == null || message.isBlank())) {
                message = t.getMessage();
            }
        }
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replace('\n', ' ');
    }

    private static void setRootLogLevel(Level level) {
        if (System.getProperty("kontiki.log.level") != null) {
            level = Level.toLevel(System.getProperty("kontiki.log.level"), level);
        }
        org.slf4j.Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(level);
        }
    }
}
