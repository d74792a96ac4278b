package io.kontiki.raft.testkit;

import java.util.function.Consumer;

/**
 * Every lab scenario by name, for runners that iterate over them (the simulator's JUnit tests,
 * a real-time rerun, a soak run). The name of each constant's {@link #method()} is the JUnit
 * test method that runs it.
 */
public enum LabScenario {
    INITIAL_ELECTION_2A("initialElection2A", LabScenarios2A::initialElection2A),
    RE_ELECTION_2A("reElection2A", LabScenarios2A::reElection2A),
    MANY_ELECTIONS_2A("manyElections2A", LabScenarios2A::manyElections2A),

    BASIC_AGREE_2B("basicAgree2B", LabScenarios2B::basicAgree2B),
    RPC_BYTES_2B("rpcBytes2B", LabScenarios2B::rpcBytes2B),
    FOLLOWER_FAILURE_2B("followerFailure2B", LabScenarios2B::followerFailure2B),
    LEADER_FAILURE_2B("leaderFailure2B", LabScenarios2B::leaderFailure2B),
    FAIL_AGREE_2B("failAgree2B", LabScenarios2B::failAgree2B),
    FAIL_NO_AGREE_2B("failNoAgree2B", LabScenarios2B::failNoAgree2B),
    CONCURRENT_STARTS_2B("concurrentStarts2B", LabScenarios2B::concurrentStarts2B),
    REJOIN_2B("rejoin2B", LabScenarios2B::rejoin2B),
    BACKUP_2B("backup2B", LabScenarios2B::backup2B),
    COUNT_2B("count2B", LabScenarios2B::count2B),

    PERSIST1_2C("persist12C", LabScenarios2C::persist12C),
    PERSIST2_2C("persist22C", LabScenarios2C::persist22C),
    PERSIST3_2C("persist32C", LabScenarios2C::persist32C),
    FIGURE8_2C("figure82C", LabScenarios2C::figure82C),
    UNRELIABLE_AGREE_2C("unreliableAgree2C", LabScenarios2C::unreliableAgree2C),
    FIGURE8_UNRELIABLE_2C("figure8Unreliable2C", LabScenarios2C::figure8Unreliable2C),
    RELIABLE_CHURN_2C("reliableChurn2C", LabScenarios2C::reliableChurn2C),
    UNRELIABLE_CHURN_2C("unreliableChurn2C", LabScenarios2C::unreliableChurn2C),

    SNAPSHOT_BASIC_2D("snapshotBasic2D", LabScenarios2D::snapshotBasic2D),
    SNAPSHOT_INSTALL_2D("snapshotInstall2D", LabScenarios2D::snapshotInstall2D),
    SNAPSHOT_INSTALL_UNRELIABLE_2D("snapshotInstallUnreliable2D", LabScenarios2D::snapshotInstallUnreliable2D),
    SNAPSHOT_INSTALL_CRASH_2D("snapshotInstallCrash2D", LabScenarios2D::snapshotInstallCrash2D),
    SNAPSHOT_INSTALL_UNCRASH_2D("snapshotInstallUnCrash2D", LabScenarios2D::snapshotInstallUnCrash2D),
    SNAPSHOT_ALL_CRASH_2D("snapshotAllCrash2D", LabScenarios2D::snapshotAllCrash2D),
    SNAPSHOT_INIT_2D("snapshotInit2D", LabScenarios2D::snapshotInit2D);

    private final String method;
    private final Consumer<LabClusterFactory> body;

    LabScenario(String method, Consumer<LabClusterFactory> body) {
        this.method = method;
        this.body = body;
    }

    /** The scenario's method name, e.g. {@code figure8Unreliable2C} (the Go test without "Test"). */
    public String method() {
        return method;
    }

    /** Runs the scenario on clusters from {@code factory}; throws if it fails. */
    public void run(LabClusterFactory factory) {
        body.accept(factory);
    }
}
