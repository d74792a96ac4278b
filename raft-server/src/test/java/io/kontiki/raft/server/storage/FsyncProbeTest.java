package io.kontiki.raft.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsyncProbeTest {

    @TempDir
    Path dir;

    @Test
    void measuresTheRequestedNumberOfFsyncsAndLeavesNoScratchFile() throws IOException {
        FsyncProbe.Result r = FsyncProbe.measure(dir, 20);
        assertEquals(20, r.fsyncs());
        assertTrue(r.fsyncsPerSecond() > 0, r.describe());
        assertTrue(r.p99Micros() >= r.p50Micros(), r.describe());
        assertTrue(r.describe().contains("fsyncs/s"), r.describe());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aNonPositiveCountIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> FsyncProbe.measure(dir, 0));
    }
}
