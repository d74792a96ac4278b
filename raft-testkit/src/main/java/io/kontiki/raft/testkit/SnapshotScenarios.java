package io.kontiki.raft.testkit;

import io.kontiki.raft.core.PartialSnapshot;
import io.kontiki.raft.core.RaftConfig;
import io.kontiki.raft.core.message.InstallSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Snapshot scenarios beyond the lab, on the simulator only (they look into a server's storage and
 * at the chunks delivered, through {@link SimulatedCluster}). The snapshot applier's snapshots are
 * padded to about {@value #PADDING} bytes and nodes send them in chunks of {@value #CHUNK_BYTES}
 * with at most {@value #INFLIGHT_BYTES} in flight ({@link #CONFIG}), so that one transfer takes
 * dozens of chunks and can be cut in the middle. The safety checker runs on every step.
 */
public final class SnapshotScenarios {

    static final int PADDING = 8000;
    static final int CHUNK_BYTES = 256;
    static final int INFLIGHT_BYTES = 512;

    /** The configuration these scenarios need: the lab's, with small snapshot chunks. */
    public static final UnaryOperator<RaftConfig> CONFIG = c -> c.toBuilder().snapshotChunkBytes(CHUNK_BYTES)
            .maxSnapshotInflightBytes(INFLIGHT_BYTES).build();

    private SnapshotScenarios() {
    }

    /**
     * A follower that needs a snapshot is cut off by a partition halfway through the transfer, on
     * the lab's unreliable network; once it is back, the transfer resumes where its durable bytes
     * end instead of starting over: of the bytes it held, at most a few flow-control windows reach
     * it again (a new leader's first window, resends of chunks whose answers were lost), where a
     * transfer that started over would send them all.
     */
    public static void transferCutByPartitionResumes(LabClusterFactory factory) {
        interruptedTransfer(factory, "Snapshots: a transfer cut by a partition resumes where it stopped", false);
    }

    /**
     * A follower is crashed halfway through installing a snapshot and restarted from its storage;
     * the transfer resumes from the bytes it had made durable.
     */
    public static void followerRestartedMidInstallResumes(LabClusterFactory factory) {
        interruptedTransfer(factory, "Snapshots: a follower restarted mid-install resumes", true);
    }

    private static void interruptedTransfer(LabClusterFactory factory, String title, boolean crash) {
        int servers = 3;
        try (LabHarness cfg = LabHarness.make(factory, servers, true, AppliedLogs.withSnapshots(servers, PADDING))) {
            SimulatedCluster sim = (SimulatedCluster) cfg.cluster();
            cfg.begin(title);
            cfg.one(cfg.randInt(), servers, true);
            int leader = cfg.checkOneLeader();
            int f = (leader + 1) % servers;

            // The follower misses 25 entries; the others snapshot at 9 and 19 and discard their logs.
            cfg.disconnect(f);
            for (int i = 0; i < 25; i++) {
                cfg.one(cfg.randInt(), servers - 1, true);
            }
            List<InstallSnapshot> toF = new ArrayList<>();
            sim.network().onDeliver(m -> {
                if (m instanceof InstallSnapshot s && s.to() == f) {
                    toF.add(s);
                }
            });
            cfg.connect(f);
            if (!cfg.cluster().awaitCondition(() -> heldBytes(sim, f) >= PADDING / 2, 10_000, 5)) {
                cfg.fail("server " + f + " received no half snapshot within 10 s (holds " + heldBytes(sim, f) + " bytes)");
            }
            if (crash) {
                cfg.crash1(f);
            } else {
                cfg.disconnect(f);
            }
            cfg.sleep(200);
            long held = heldBytes(sim, f);
            long size = sim.storage(leader).snapshot().size();
            cfg.note("cut: server " + f + " holds " + held + " of " + size + " bytes");
            if (held < PADDING / 2 || held >= size) {
                cfg.fail("server " + f + " holds " + held + " bytes of " + size + " after the cut");
            }

            cfg.sleep(2 * LabHarness.ELECTION_TIMEOUT_MILLIS);
            int before = toF.size();
            if (crash) {
                cfg.start1(f);
            }
            cfg.connect(f);
            cfg.one(cfg.randInt(), servers, true); // the follower caught up and applied it

            long again = toF.subList(before, toF.size()).stream()
                    .mapToLong(s -> Math.max(0, Math.min(held, s.offset() + s.data().length) - s.offset())).sum();
            long bound = 4L * (INFLIGHT_BYTES + CHUNK_BYTES);
            cfg.note("after the cut " + again + " of the " + held + " bytes held reached server " + f + " again");
            if (again > bound) {
                cfg.fail("after the cut " + again + " of the " + held + " bytes server " + f
                        + " held reached it again (at most " + bound + " expected): the transfer did not resume");
            }
            if (sim.storage(f).snapshot().index() < 19) {
                cfg.fail("server " + f + " did not install the snapshot: " + sim.storage(f).snapshot());
            }
            cfg.end();
        }
    }

    private static long heldBytes(SimulatedCluster sim, int server) {
        PartialSnapshot p = sim.storage(server) == null ? null : sim.storage(server).load().receiving();
        return p == null ? 0 : p.bytes();
    }

    /**
     * Snapshots are taken while leadership changes: on an unreliable network, each round sends a
     * burst of commands (enough to cross a snapshot point) to the leader and at once disconnects
     * or crashes it; the others elect a new leader and go on, and the old leader comes back and
     * catches up, from its log or from a snapshot of a leader that was not the one it followed.
     */
    public static void snapshotWhileLeaderChanges(LabClusterFactory factory) {
        int servers = 5;
        try (LabHarness cfg = LabHarness.make(factory, servers, true, AppliedLogs.withSnapshots(servers, 0))) {
            cfg.begin("Snapshots: snapshots taken while the leader changes (unreliable)");
            cfg.one(cfg.randInt(), servers, true);
            for (int round = 0; round < 10; round++) {
                int leader = cfg.checkOneLeader();
                int nn = 5 + cfg.randBelow(AppliedLogs.SNAPSHOT_INTERVAL);
                for (int i = 0; i < nn; i++) {
                    cfg.start(leader, cfg.randInt());
                }
                cfg.sleep(cfg.randBelow(60));
                boolean crash = round % 2 == 1;
                if (crash) {
                    cfg.crash1(leader);
                } else {
                    cfg.disconnect(leader);
                }
                cfg.one(cfg.randInt(), servers - 1, true);
                cfg.one(cfg.randInt(), servers - 1, true);
                if (crash) {
                    cfg.start1(leader);
                }
                cfg.connect(leader);
                cfg.one(cfg.randInt(), servers, true);
                if (cfg.logSize() >= 4 * LabScenarios2D.MAX_LOG_SIZE) {
                    cfg.fail("Log size too large: " + cfg.logSize());
                }
            }
            if (cfg.logs().snapshotsRestored() == 0) {
                cfg.note("no snapshot was installed from a leader in this run");
            }
            cfg.end();
        }
    }
}
