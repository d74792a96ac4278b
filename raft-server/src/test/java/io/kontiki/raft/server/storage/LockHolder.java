package io.kontiki.raft.server.storage;

import java.nio.file.Path;

/**
 * Test helper run in a child JVM: opens a data directory, prints {@code LOCKED}, and holds the
 * lock until its standard input closes.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (DataDirectory d = DataDirectory.open(Path.of(args[0]), Fixtures.CLUSTER, Fixtures.NODE)) {
            System.out.println(d.nodeId() == Fixtures.NODE ? "LOCKED" : "WRONG NODE");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin
            }
        }
    }
}
