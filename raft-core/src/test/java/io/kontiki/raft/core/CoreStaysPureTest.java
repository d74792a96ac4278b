package io.kontiki.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * raft-core's main code is a pure, single-threaded state machine (STYLE.md, "The shape" 1): no
 * threads or executors, no clocks, no files or sockets, no Netty or Kryo. Only the thin driver
 * ({@link RaftNode} and its {@link LoopExecutor} adapters) may know about threads. This test
 * scans the sources, with comments and string literals blanked out, so that the build proves it.
 */
class CoreStaysPureTest {

    /** The driver and its executor adapters: the one place that may know about threads. */
    private static final Set<String> DRIVER = Set.of("RaftNode.java", "NodeSnapshots.java", "LoopExecutor.java",
            "LoopExecutors.java");

    /** What pure code must not mention, with the reason a reader sees on failure. */
    private static final Map<String, Pattern> BANNED = Map.ofEntries(
            Map.entry("java.util.concurrent (threads, executors, futures)", Pattern.compile("\\bjava\\.util\\.concurrent\\b")),
            Map.entry("java.lang.Thread", Pattern.compile("\\bThread\\b")),
            Map.entry("java.io files", Pattern.compile("\\bjava\\.io\\.(File|RandomAccessFile)\\w*")),
            Map.entry("java.nio.file", Pattern.compile("\\bjava\\.nio\\.file\\b")),
            Map.entry("java.nio.channels", Pattern.compile("\\bjava\\.nio\\.channels\\b")),
            Map.entry("java.net", Pattern.compile("\\bjava\\.net\\b")),
            Map.entry("System.currentTimeMillis (a clock)", Pattern.compile("\\bSystem\\s*\\.\\s*currentTimeMillis\\b")),
            Map.entry("System.nanoTime (a clock)", Pattern.compile("\\bSystem\\s*\\.\\s*nanoTime\\b")),
            Map.entry("Instant.now (a clock)", Pattern.compile("\\bInstant\\s*\\.\\s*now\\b")),
            Map.entry("io.netty", Pattern.compile("\\bio\\.netty\\b")),
            Map.entry("com.esotericsoftware (Kryo)", Pattern.compile("\\bcom\\.esotericsoftware\\b")));

    @Test
    void mainCodeOutsideTheDriverUsesNoThreadsClocksFilesSocketsNettyOrKryo() {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources()) {
            if (!DRIVER.contains(file.getFileName().toString())) {
                violations.addAll(violations(sourceDir().relativize(file).toString(), read(file)));
            }
        }
        assertEquals(List.of(), violations, "raft-core must stay pure outside " + DRIVER);
    }

    @Test
    void theScanCoversTheCoreAndItsHelpers() {
        List<String> scanned = mainSources().stream()
                .map(p -> sourceDir().relativize(p).toString().replace('\\', '/')).toList();
        for (String expected : List.of(
                "io/kontiki/raft/core/RaftCore.java",
                "io/kontiki/raft/core/Election.java",
                "io/kontiki/raft/core/Replication.java",
                "io/kontiki/raft/core/Snapshots.java",
                "io/kontiki/raft/core/log/RaftLog.java",
                "io/kontiki/raft/core/progress/Progress.java",
                "io/kontiki/raft/core/progress/Inflights.java",
                "io/kontiki/raft/core/quorum/MajorityConfig.java",
                "io/kontiki/raft/core/message/AppendEntries.java")) {
            assertTrue(scanned.contains(expected), "not scanned: " + expected + " (scanned " + scanned + ")");
        }
    }

    /** The detector itself: code is flagged, comments and string literals are not. */
    @ParameterizedTest(name = "[{0}] flagged: {1}")
    @CsvSource(delimiter = '|', value = {
        "import java.util.concurrent.Executor;                     | true",
        "import java.util.concurrent.*;                            | true",
        "import static java.util.concurrent.TimeUnit.SECONDS;      | true",
        "Thread.sleep(10);                                         | true",
        "new Thread(task).start();                                 | true",
        "long now = System.currentTimeMillis();                    | true",
        "long now = System . nanoTime();                           | true",
        "var t = java.time.Instant.now();                          | true",
        "import java.io.File;                                      | true",
        "import java.io.FileOutputStream;                          | true",
        "java.nio.file.Path p = null;                              | true",
        "import java.nio.channels.FileChannel;                     | true",
        "import java.net.Socket;                                   | true",
        "import io.netty.buffer.ByteBuf;                           | true",
        "import com.esotericsoftware.kryo.Kryo;                    | true",
        "import java.util.Random;                                  | false",
        "import java.nio.ByteBuffer;                               | false",
        "import java.io.UncheckedIOException;                      | false",
        "// the driver calls this on its Thread                    | false",
        "/* uses java.util.concurrent elsewhere */ int x = 1;      | false",
        "String s = \"System.nanoTime()\";                         | false",
        "char c = '\"'; int threads = 0;                           | false",
    })
    void theDetectorFlagsCodeButNotCommentsOrStrings(String line, boolean flagged) {
        assertEquals(flagged, !violations("Sample.java", line).isEmpty(), line);
    }

    @Test
    void theDetectorSeesPastAMultiLineJavadoc() {
        String source = """
                /**
                 * <b>Thread:</b> the event loop; see {@link java.util.concurrent.Executor}.
                 */
                final class Sample {
                    long now() { return System.nanoTime(); }
                }
                """;
        assertEquals(List.of("Sample.java:5: System.nanoTime (a clock)"), violations("Sample.java", source));
    }

    // ---- the scanner -----------------------------------------------------------------------

    private static List<String> violations(String name, String source) {
        List<String> found = new ArrayList<>();
        String[] lines = codeOnly(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (Map.Entry<String, Pattern> ban : BANNED.entrySet()) {
                Matcher m = ban.getValue().matcher(lines[i]);
                if (m.find()) {
                    found.add(name + ":" + (i + 1) + ": " + ban.getKey());
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** The source with comments, string, text-block and char literals blanked; line breaks kept. */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(src, i, end, out);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                blank(src, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(src, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String src, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(src.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    /** src/main/java of raft-core: surefire runs in the module directory; an IDE may run from the root. */
    private static Path sourceDir() {
        for (Path candidate : List.of(Path.of("src/main/java"), Path.of("raft-core/src/main/java"))) {
            if (Files.isDirectory(candidate.resolve("io/kontiki/raft/core"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError("cannot find raft-core/src/main/java from " + Path.of("").toAbsolutePath());
    }

    private static List<Path> mainSources() {
        try (Stream<Path> files = Files.walk(sourceDir())) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
