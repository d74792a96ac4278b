package io.kontiki.raft.testkit;

import io.kontiki.raft.core.InMemoryStorage;
import io.kontiki.raft.core.ProposeResult;

/**
 * What the simulated and the real-time lab clusters share: the lab network they run on, the
 * servers' saved storage, and the run's trace. Subclasses own the nodes, the threads and time.
 *
 * <p><b>Threads:</b> the network and the trace are thread-safe; {@link #saved} is read under
 * the subclass's discipline ({@code logSize} is synchronized on the cluster).
 */
abstract class NetworkedLabCluster implements LabCluster {

    protected final SimulatedNetwork network;
    protected final Trace trace;
    /** Per server, the storage of its latest incarnation (replaced by a copy on every crash). */
    protected final InMemoryStorage[] saved;

    NetworkedLabCluster(SimulatedNetwork network, Trace trace) {
        this.network = network;
        this.trace = trace;
        this.saved = new InMemoryStorage[network.servers()];
    }

    /** Notes an accepted proposal in the trace and returns it. */
    protected ProposeResult traced(int server, byte[] command, ProposeResult r) {
        if (r.isLeader()) {
            trace.event("propose " + LabValue.ofBytes(command) + " on " + server + ": index " + r.index()
                    + " term " + r.term());
        }
        return r;
    }

    @Override
    public void connect(int server) {
        network.connect(server);
    }

    @Override
    public void disconnect(int server) {
        network.disconnect(server);
    }

    @Override
    public boolean isConnected(int server) {
        return network.isConnected(server);
    }

    @Override
    public void setReliable(boolean reliable) {
        network.setReliable(reliable);
    }

    @Override
    public void setLongReordering(boolean on) {
        network.setLongReordering(on);
    }

    @Override
    public long rpcTotal() {
        return network.rpcTotal();
    }

    @Override
    public long bytesTotal() {
        return network.bytesTotal();
    }

    @Override
    public long rpcCount(int server) {
        return network.rpcCount(server);
    }

    @Override
    public synchronized long logSize() {
        long max = 0;
        for (InMemoryStorage s : saved) {
            if (s != null) {
                max = Math.max(max, s.sizeInBytes());
            }
        }
        return max;
    }

    @Override
    public void note(String event) {
        trace.event(event);
    }

    @Override
    public Trace trace() {
        return trace;
    }

    public SimulatedNetwork network() {
        return network;
    }
}
