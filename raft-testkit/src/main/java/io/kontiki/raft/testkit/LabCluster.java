package io.kontiki.raft.testkit;

import io.kontiki.raft.core.NodeStatus;
import io.kontiki.raft.core.ProposeResult;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * What the lab harness ({@link LabHarness}) needs from a cluster of Raft nodes under test: the
 * lab's {@code config.go} minus its checks. One implementation runs on virtual time
 * ({@link SimulatedCluster}); a real-time one (real threads, real sockets) can implement the same
 * interface and rerun the same {@link LabScenarios}.
 *
 * <p>Servers are numbered {@code 0..servers()-1}; each runs {@code RaftConfig.lab}. Every
 * incarnation of server {@code i} hands each entry it applies, in order, to the
 * {@link LabApplier} given to the {@linkplain LabClusterFactory factory}.
 *
 * <p><b>Threads.</b> Callers are the scenario's threads: the thread that created the cluster
 * and those it {@linkplain #spawn spawned}. A simulated cluster requires exactly those threads
 * (one runs at a time); a real-time cluster must make every method thread-safe. No method
 * blocks except {@link #sleep} and {@link LabThread#join}.
 */
public interface LabCluster extends AutoCloseable {

    /** The number of servers. */
    int servers();

    /** The seed this run was started from (printed in summaries and failures). */
    long seed();

    /** The scenario's source of randomness ({@code rand} in the lab), seeded from {@link #seed()}. */
    Random random();

    // ---- time and threads -----------------------------------------------------------------

    /** Milliseconds since the cluster was created (virtual or real). */
    long nowMillis();

    /** Blocks the calling scenario thread for {@code millis}. */
    void sleep(long millis);

    /**
     * Checks {@code condition} every {@code pollMillis} for up to {@code timeoutMillis} (checking
     * first, then sleeping, as the lab's polling loops do); returns whether it came true. The
     * default polls with {@link #sleep}; a real-time cluster waits with Awaitility.
     */
    default boolean awaitCondition(BooleanSupplier condition, long timeoutMillis, long pollMillis) {
        long t0 = nowMillis();
        while (nowMillis() - t0 < timeoutMillis) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(pollMillis);
        }
        return false;
    }

    /** Starts a scenario thread (the lab's {@code go func()}). */
    LabThread spawn(String name, Runnable body);

    // ---- servers ----------------------------------------------------------------------------

    /**
     * The lab's {@code start1(i)}: crashes server {@code i} if it runs, then starts a new
     * incarnation from a copy of its persisted state (empty the first time), with a fresh
     * seeded random source. The new incarnation is <b>not</b> connected.
     */
    void start(int server);

    /**
     * The lab's {@code crash1(i)}: disconnects server {@code i}, closes its node and keeps a
     * copy of its storage, so nothing the dead incarnation might still do reaches the next one.
     * Harmless if the server is not running.
     */
    void crash(int server);

    /** True if server {@code i} has a live incarnation (the lab's {@code rafts[i] != nil}). */
    boolean isRunning(int server);

    /** Server {@code i}'s node state, or null if it is not running (the lab's {@code GetState}). */
    NodeStatus status(int server);

    /** Proposes a command on server {@code i} (the lab's {@code Start}); rejected if it is not running. */
    ProposeResult propose(int server, byte[] command);

    // ---- network ----------------------------------------------------------------------------

    /** Joins server {@code i} to the connected group (§4.3). */
    void connect(int server);

    /** Isolates server {@code i} from everyone (§4.3). */
    void disconnect(int server);

    boolean isConnected(int server);

    void setReliable(boolean reliable);

    void setLongReordering(boolean on);

    /** Request messages sent so far. */
    long rpcTotal();

    /** Bytes of requests sent plus responses delivered so far. */
    long bytesTotal();

    /** Requests delivered to server {@code i}'s current incarnation. */
    long rpcCount(int server);

    /** The largest persisted state, in bytes, over all servers (the lab's {@code LogSize}). */
    long logSize();

    // ---- reporting --------------------------------------------------------------------------

    /** Notes a harness event in the run's trace, e.g. {@code "checkOneLeader: leader 2"}. */
    void note(String event);

    /** The run's trace, for failure reports; null if this cluster keeps none. */
    default Trace trace() {
        return null;
    }

    /** Publishes the one-line summary of a passed test. */
    void report(String summaryLine);

    /** Stops every node and every scenario thread still parked. Never throws. */
    @Override
    void close();
}
