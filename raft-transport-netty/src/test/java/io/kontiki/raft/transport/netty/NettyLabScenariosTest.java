package io.kontiki.raft.transport.netty;

import static io.kontiki.raft.testkit.LabScenario.BACKUP_2B;
import static io.kontiki.raft.testkit.LabScenario.BASIC_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FAIL_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FAIL_NO_AGREE_2B;
import static io.kontiki.raft.testkit.LabScenario.FIGURE8_UNRELIABLE_2C;
import static io.kontiki.raft.testkit.LabScenario.INITIAL_ELECTION_2A;
import static io.kontiki.raft.testkit.LabScenario.PERSIST1_2C;
import static io.kontiki.raft.testkit.LabScenario.REJOIN_2B;
import static io.kontiki.raft.testkit.LabScenario.RELIABLE_CHURN_2C;
import static io.kontiki.raft.testkit.LabScenario.RE_ELECTION_2A;
import static io.kontiki.raft.testkit.LabScenario.UNRELIABLE_AGREE_2C;

import io.kontiki.raft.testkit.LabScenario;
import io.kontiki.raft.testkit.RealTimeLab;
import org.junit.jupiter.api.Test;

/**
 * Lab scenarios on real sockets: Raft nodes on {@link NettyTransport}s over 127.0.0.1, with the
 * lab's partitions, loss and reordering injected into real frames by the transports' fault
 * injectors ({@link NettyLabCluster}). The scenario code is the test kit's, shared with the
 * simulator. Real time: about a minute and a half in all.
 */
class NettyLabScenariosTest {

    private static final long SEED = Long.getLong("kontiki.realSeed", 1);

    private static void run(LabScenario scenario) {
        RealTimeLab.run(scenario, SEED, NettyLabCluster::factory, "netty sockets");
    }

    @Test
    void initialElection2A() {
        run(INITIAL_ELECTION_2A);
    }

    @Test
    void reElection2A() {
        run(RE_ELECTION_2A);
    }

    @Test
    void basicAgree2B() {
        run(BASIC_AGREE_2B);
    }

    @Test
    void failAgree2B() {
        run(FAIL_AGREE_2B);
    }

    @Test
    void failNoAgree2B() {
        run(FAIL_NO_AGREE_2B);
    }

    @Test
    void rejoin2B() {
        run(REJOIN_2B);
    }

    @Test
    void backup2B() {
        run(BACKUP_2B);
    }

    @Test
    void persist12C() {
        run(PERSIST1_2C);
    }

    @Test
    void unreliableAgree2C() {
        run(UNRELIABLE_AGREE_2C);
    }

    @Test
    void figure8Unreliable2C() {
        run(FIGURE8_UNRELIABLE_2C);
    }

    @Test
    void reliableChurn2C() {
        run(RELIABLE_CHURN_2C);
    }

    @Test
    void snapshotInit2D() {
        run(LabScenario.SNAPSHOT_INIT_2D);
    }
}
