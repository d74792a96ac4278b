package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.CLUSTER;
import static io.kontiki.raft.server.storage.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.HardState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory belongs to one node of one cluster and to one process at a time. */
class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void firstOpenCreatesTheDirectoryAndStampsItWithClusterAndNodeIds() throws IOException {
        Path dir = tmp.resolve("a/b/data");
        try (DataDirectory d = DataDirectory.open(dir, CLUSTER, NODE)) {
            assertEquals(dir.toAbsolutePath(), d.path());
        }
        Properties p = new Properties();
        p.load(Files.newBufferedReader(dir.resolve(DataDirectory.META_FILE)));
        assertEquals(CLUSTER, p.getProperty("cluster.id"));
        assertEquals(String.valueOf(NODE), p.getProperty("node.id"));
        assertEquals("1", p.getProperty("version"));
        assertFalse(Files.exists(dir.resolve(DataDirectory.META_FILE + ".tmp")));
    }

    @Test
    void reopeningWithTheSameIdsSucceeds() {
        DataDirectory.open(tmp, CLUSTER, NODE).close();
        DataDirectory.open(tmp, CLUSTER, NODE).close();
    }

    @Test
    void anotherNodeIdIsRefusedWithAOneLineMessageNamingBothIds() {
        DataDirectory.open(tmp, CLUSTER, 1).close();
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(tmp, CLUSTER, 2));
        assertTrue(e.getMessage().contains("node 1"), e.getMessage());
        assertTrue(e.getMessage().contains("node 2"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anotherClusterIdIsRefusedNamingBothClusters() {
        DataDirectory.open(tmp, "alpha", NODE).close();
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(tmp, "beta", NODE));
        assertTrue(e.getMessage().contains("'alpha'"), e.getMessage());
        assertTrue(e.getMessage().contains("'beta'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void durableStorageRefusesAnotherNodesDirectoryWithoutTouchingIt() {
        try (DurableStorage s = DurableStorage.open(tmp, CLUSTER, 1)) {
            s.saveHardState(new HardState(3, 1));
            s.sync();
        }
        assertThrows(DataDirectoryException.class, () -> DurableStorage.open(tmp, CLUSTER, 2));
        try (DurableStorage s = DurableStorage.open(tmp, CLUSTER, 1)) {
            assertEquals(new HardState(3, 1), s.load().hardState());
        }
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefusedWhileTheFirstHoldsTheLock() {
        try (DurableStorage first = DurableStorage.open(tmp, CLUSTER, NODE)) {
            assertEquals(0, first.lastIndex());
            DataDirectoryException e = assertThrows(DataDirectoryException.class,
                    () -> DurableStorage.open(tmp, CLUSTER, NODE));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        }
        DurableStorage.open(tmp, CLUSTER, NODE).close(); // released on close
    }

    @Test
    void anotherProcessIsRefusedWhileOneHoldsTheLockAndTheMessageNamesItsPid() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), tmp.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("LOCKED")) {
                // skip the child's log lines
            }
            assertEquals("LOCKED", line, "the child did not take the lock");
            DataDirectoryException e = assertThrows(DataDirectoryException.class,
                    () -> DataDirectory.open(tmp, CLUSTER, NODE));
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + child.pid()), e.getMessage());
        } finally {
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        DataDirectory.open(tmp, CLUSTER, NODE).close();
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(file, CLUSTER, NODE));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    /** Runs as root too (CI does): /proc refuses even root, where permission bits would not. */
    @Test
    void aDirectoryThatCannotBeCreatedOrWrittenIsRefusedClearly() {
        Path dir = Path.of("/proc/self/kontiki-data");
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(dir, CLUSTER, NODE));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void raftStateWithoutMetaIsNotAdopted() throws IOException {
        try (DurableStorage s = DurableStorage.open(tmp, CLUSTER, NODE)) {
            s.append(Fixtures.entries(1, 1, 1));
            s.sync();
        }
        Files.delete(tmp.resolve(DataDirectory.META_FILE));
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(tmp, CLUSTER, NODE));
        assertTrue(e.getMessage().contains("refusing to adopt"), e.getMessage());
    }

    @Test
    void aMangledMetaFileIsRefusedNamingIt() throws IOException {
        DataDirectory.open(tmp, CLUSTER, NODE).close();
        Files.write(tmp.resolve(DataDirectory.META_FILE), List.of("node.id=banana"));
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> DataDirectory.open(tmp, CLUSTER, NODE));
        assertTrue(e.getMessage().contains(tmp.resolve(DataDirectory.META_FILE).toString()), e.getMessage());
    }

    @Test
    void badIdsAreRejectedBeforeTouchingTheDisk() {
        assertThrows(IllegalArgumentException.class, () -> DataDirectory.open(tmp.resolve("x"), " ", NODE));
        assertThrows(IllegalArgumentException.class, () -> DataDirectory.open(tmp.resolve("x"), CLUSTER, -1));
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
