package io.kontiki.raft.transport.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.TreeMap;

/** Free ports on 127.0.0.1 for tests whose nodes must know each other's addresses before binding. */
final class TestPorts {

    private TestPorts() {
    }

    /** One free loopback address per id (ports found by binding port 0, then released). */
    static Map<Integer, InetSocketAddress> loopbackAddresses(int... ids) {
        Map<Integer, InetSocketAddress> out = new TreeMap<>();
        ServerSocket[] sockets = new ServerSocket[ids.length];
        try {
            for (int i = 0; i < ids.length; i++) {
                sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                out.put(ids[i], new InetSocketAddress(InetAddress.getLoopbackAddress(), sockets[i].getLocalPort()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
