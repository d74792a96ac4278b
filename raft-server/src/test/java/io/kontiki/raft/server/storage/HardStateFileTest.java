package io.kontiki.raft.server.storage;

import static io.kontiki.raft.server.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kontiki.raft.core.HardState;
import io.kontiki.raft.core.RaftConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hard state is replaced atomically; leftovers of a crash are ignored, corruption is loud. */
class HardStateFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsTheInitialHardState() {
        assertEquals(HardState.INITIAL, new HardStateFile(dir, new DiskSync(true)).load());
        assertEquals(RaftConfig.NO_NODE, HardState.INITIAL.votedFor());
    }

    @Test
    void storeThenLoadRoundTripsAndLeavesNoTmpFile() {
        HardStateFile f = new HardStateFile(dir, new DiskSync(true));
        f.store(new HardState(7, 2));
        f.store(new HardState(8, RaftConfig.NO_NODE));
        assertEquals(new HardState(8, RaftConfig.NO_NODE), new HardStateFile(dir, new DiskSync(true)).load());
        assertFalse(Files.exists(dir.resolve("hardstate.tmp")));
    }

    @Test
    void eachStoreIsOneAtomicReplaceWithTwoForces() {
        DiskSync disk = new DiskSync(true);
        new HardStateFile(dir, disk).store(new HardState(3, 1));
        assertEquals(2, disk.forces(), "the tmp file, then the directory after the rename");
    }

    @Test
    void aLeftoverTmpFromACrashBeforeTheRenameIsIgnoredAndCleaned() throws IOException {
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(4, 1));
            s.sync();
        }
        // A crash after writing the next state's tmp but before the rename: the tmp is a whole,
        // valid file, yet it was never committed.
        Path other = dir.resolve("other");
        new HardStateFile(Files.createDirectories(other), new DiskSync(true)).store(new HardState(5, 2));
        Files.copy(other.resolve("hardstate"), dir.resolve("hardstate.tmp"));
        try (DurableStorage s = open(dir)) {
            assertEquals(new HardState(4, 1), s.load().hardState());
        }
        assertFalse(Files.exists(dir.resolve("hardstate.tmp")));
    }

    @Test
    void aTornTmpIsIgnored() throws IOException {
        new HardStateFile(dir, new DiskSync(true)).store(new HardState(4, 1));
        Files.write(dir.resolve("hardstate.tmp"), new byte[] {1, 2, 3});
        assertEquals(new HardState(4, 1), new HardStateFile(dir, new DiskSync(true)).load());
    }

    @Test
    void aFlippedByteFailsTheOpenNamingTheFile() throws IOException {
        new HardStateFile(dir, new DiskSync(true)).store(new HardState(4, 1));
        byte[] original = Files.readAllBytes(dir.resolve("hardstate"));
        for (int b = 0; b < original.length; b++) {
            Fixtures.flipByte(dir.resolve("hardstate"), b);
            CorruptLogException e = assertThrows(CorruptLogException.class,
                    () -> new HardStateFile(dir, new DiskSync(true)).load());
            assertTrue(e.getMessage().contains(dir.resolve("hardstate").toString()), e.getMessage());
            Files.write(dir.resolve("hardstate"), original);
        }
    }

    @Test
    void aTruncatedHardStateFailsTheStorageOpenNamingTheFile() throws IOException {
        try (DurableStorage s = open(dir)) {
            s.saveHardState(new HardState(4, 1));
            s.sync();
        }
        Fixtures.cut(dir.resolve("hardstate"), 11);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("hardstate").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("11 bytes"), e.getMessage());
    }

    @Test
    void theFileFormatIsStable() throws IOException {
        new HardStateFile(dir, new DiskSync(true)).store(new HardState(0x0102030405060708L, 9));
        byte[] bytes = Files.readAllBytes(dir.resolve("hardstate"));
        assertEquals(20, bytes.length);
        assertArrayEquals(new byte[] {'K', 'H', 'S', '1', 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 9},
                java.util.Arrays.copyOf(bytes, 16));
    }
}
