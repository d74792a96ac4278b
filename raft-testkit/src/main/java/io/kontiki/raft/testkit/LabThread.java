package io.kontiki.raft.testkit;

/** A scenario thread started by {@link LabCluster#spawn}. */
@FunctionalInterface
public interface LabThread {

    /** Blocks the calling scenario thread until this one has finished. */
    void join();
}
