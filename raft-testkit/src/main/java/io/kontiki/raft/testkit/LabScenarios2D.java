package io.kontiki.raft.testkit;

/**
 * The MIT Raft lab's part 2D tests (snapshots, spec §5.4), written once against
 * {@link LabHarness} with the snapshot applier (§4.8): every server snapshots its state after
 * each index ≡ 9 (mod 10) and its log must then stay below {@link #MAX_LOG_SIZE} bytes.
 *
 * <p>Each method is one Go test of the 2023 edition, step for step, with the lab's titles,
 * constants, comments and failure messages. Commands are the lab's ints.
 */
public final class LabScenarios2D {

    /** The lab's {@code MAXLOGSIZE}: the largest persisted Raft state (not counting the snapshot). */
    public static final long MAX_LOG_SIZE = 2000;

    private LabScenarios2D() {
    }

    /**
     * The lab's {@code snapcommon}: 30 rounds on 3 servers; in each, optionally disconnect or
     * crash a victim (the leader itself every third round), send 5–14 commands to the sender,
     * check the log size, and bring the victim back, which may need an InstallSnapshot to catch up.
     */
    static void snapcommon(LabClusterFactory factory, String name, boolean disconnect, boolean reliable,
                           boolean crash) {
        int iters = 30;
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, !reliable, true)) {
            cfg.begin(name);

            cfg.one(cfg.randInt(), servers, true);
            int leader1 = cfg.checkOneLeader();

            for (int i = 0; i < iters; i++) {
                int victim = (leader1 + 1) % servers;
                int sender = leader1;
                if (i % 3 == 1) {
                    sender = (leader1 + 1) % servers;
                    victim = leader1;
                }

                if (disconnect) {
                    cfg.disconnect(victim);
                    cfg.one(cfg.randInt(), servers - 1, true);
                }
                if (crash) {
                    cfg.crash1(victim);
                    cfg.one(cfg.randInt(), servers - 1, true);
                }

                // perhaps send enough to get a snapshot
                int nn = (AppliedLogs.SNAPSHOT_INTERVAL / 2) + cfg.randBelow(AppliedLogs.SNAPSHOT_INTERVAL);
                for (int j = 0; j < nn; j++) {
                    cfg.start(sender, cfg.randInt());
                }

                // let applier threads catch up with the Start()'s
                if (!disconnect && !crash) {
                    // make sure all followers have caught up, so that
                    // an InstallSnapshot RPC isn't required for
                    // TestSnapshotBasic2D().
                    cfg.one(cfg.randInt(), servers, true);
                } else {
                    cfg.one(cfg.randInt(), servers - 1, true);
                }

                if (cfg.logSize() >= MAX_LOG_SIZE) {
                    cfg.fail("Log size too large");
                }
                if (disconnect) {
                    // reconnect a follower, who maybe behind and
                    // needs to rceive a snapshot to catch up.
                    cfg.connect(victim);
                    cfg.one(cfg.randInt(), servers, true);
                    leader1 = cfg.checkOneLeader();
                }
                if (crash) {
                    cfg.start1(victim);
                    cfg.connect(victim);
                    cfg.one(cfg.randInt(), servers, true);
                    leader1 = cfg.checkOneLeader();
                }
            }
            cfg.end();
        }
    }

    /** TestSnapshotBasic2D. */
    public static void snapshotBasic2D(LabClusterFactory factory) {
        snapcommon(factory, "Test (2D): snapshots basic", false, true, false);
    }

    /** TestSnapshotInstall2D. */
    public static void snapshotInstall2D(LabClusterFactory factory) {
        snapcommon(factory, "Test (2D): install snapshots (disconnect)", true, true, false);
    }

    /** TestSnapshotInstallUnreliable2D. */
    public static void snapshotInstallUnreliable2D(LabClusterFactory factory) {
        snapcommon(factory, "Test (2D): install snapshots (disconnect+unreliable)", true, false, false);
    }

    /** TestSnapshotInstallCrash2D. */
    public static void snapshotInstallCrash2D(LabClusterFactory factory) {
        snapcommon(factory, "Test (2D): install snapshots (crash)", false, true, true);
    }

    /** TestSnapshotInstallUnCrash2D. */
    public static void snapshotInstallUnCrash2D(LabClusterFactory factory) {
        snapcommon(factory, "Test (2D): install snapshots (unreliable+crash)", false, false, true);
    }

    /**
     * TestSnapshotAllCrash2D: crash and restart all servers, five times; the log must go on from
     * where it was (the index of a new command never decreases).
     */
    public static void snapshotAllCrash2D(LabClusterFactory factory) {
        int servers = 3;
        int iters = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, false, true)) {
            cfg.begin("Test (2D): crash and restart all servers");

            cfg.one(cfg.randInt(), servers, true);

            for (int i = 0; i < iters; i++) {
                // perhaps enough to get a snapshot
                int nn = (AppliedLogs.SNAPSHOT_INTERVAL / 2) + cfg.randBelow(AppliedLogs.SNAPSHOT_INTERVAL);
                for (int j = 0; j < nn; j++) {
                    cfg.one(cfg.randInt(), servers, true);
                }

                long index1 = cfg.one(cfg.randInt(), servers, true);

                // crash all
                for (int j = 0; j < servers; j++) {
                    cfg.crash1(j);
                }

                // revive all
                for (int j = 0; j < servers; j++) {
                    cfg.start1(j);
                    cfg.connect(j);
                }

                long index2 = cfg.one(cfg.randInt(), servers, true);
                if (index2 < index1 + 1) {
                    cfg.fail("index decreased from " + index1 + " to " + index2);
                }
            }
            cfg.end();
        }
    }

    /**
     * TestSnapshotInit2D: a server must load its snapshot into memory on restart, so that a
     * later save does not erase it (the second restart would then find no snapshot, and expect
     * index 1 first).
     */
    public static void snapshotInit2D(LabClusterFactory factory) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, false, true)) {
            cfg.begin("Test (2D): snapshot initialization after crash");
            cfg.one(cfg.randInt(), servers, true);

            // enough ops to make a snapshot
            int nn = AppliedLogs.SNAPSHOT_INTERVAL + 1;
            for (int i = 0; i < nn; i++) {
                cfg.one(cfg.randInt(), servers, true);
            }

            crashAndReviveAll(cfg, servers);

            // a single op, to get something to be written back to persistent storage.
            cfg.one(cfg.randInt(), servers, true);

            crashAndReviveAll(cfg, servers);

            // do another op to trigger potential bug
            cfg.one(cfg.randInt(), servers, true);
            cfg.end();
        }
    }

    private static void crashAndReviveAll(LabHarness cfg, int servers) {
        for (int i = 0; i < servers; i++) {
            cfg.crash1(i);
        }
        for (int i = 0; i < servers; i++) {
            cfg.start1(i);
            cfg.connect(i);
        }
    }
}
