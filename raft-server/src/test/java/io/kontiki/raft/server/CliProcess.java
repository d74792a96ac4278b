package io.kontiki.raft.server;

import io.kontiki.raft.server.cli.KontikiCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kontiki ARGS} in a child JVM on this test JVM's class path:
 * {@code <this java> -Xmx256m -cp <java.class.path> KontikiCli ARGS}. Its stdout and stderr go
 * to files (appended, so that a restarted node keeps one log). The test owns the
 * {@link Process} handle and stops only that process; {@link #close} kills it (SIGKILL) if it
 * is still running.
 */
public final class CliProcess implements AutoCloseable {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code kontiki args} with stdout and stderr merged into {@code log}. */
    public static CliProcess startWithLog(Path log, List<String> args) {
        return start(args, log, log);
    }

    /** Starts {@code kontiki args}; stdout to {@code dir/name.out}, stderr to {@code dir/name.err}. */
    public static CliProcess startWithStreams(Path dir, String name, List<String> args) {
        return start(args, dir.resolve(name + ".out"), dir.resolve(name + ".err"));
    }

    private static CliProcess start(List<String> args, Path stdout, Path stderr) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), KontikiCli.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (stdout.equals(stderr)) {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        }
        try {
            return new CliProcess(builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The exit code, waiting at most {@code limit}; a process still running then is killed and
     * the wait fails with its output.
     */
    public int awaitExit(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        throw new AssertionError("kontiki (pid " + pid() + ") still running after " + limit.toMillis()
                + " ms; killed it.\n" + describe());
    }

    /** SIGKILL ({@link Process#destroyForcibly}), then wait (bounded) until it is gone. */
    public void kill() {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("pid " + pid() + " did not die within " + KILL_WAIT.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** The output, labelled, for failure messages. */
    public String describe() {
        return stdout.equals(stderr)
                ? "---- " + stdout + " ----\n" + stdout()
                : "---- stdout ----\n" + stdout() + "---- stderr ----\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
