package io.kontiki.raft.testkit;

/**
 * Creates the cluster a scenario runs on: the backend half of the lab's {@code make_config}.
 * {@link LabHarness#make} calls it once per scenario, then starts and connects every server.
 */
@FunctionalInterface
public interface LabClusterFactory {

    /**
     * A cluster of {@code servers} servers, none started yet, on a network that is unreliable
     * if {@code unreliable}; every applied entry goes to {@code applier}.
     */
    LabCluster create(int servers, boolean unreliable, LabApplier applier);
}
