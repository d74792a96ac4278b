package io.kontiki.raft.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1, for tests that must name ports before anything binds them (a
 * cluster's {@code --peers}). Each port was bound (all at once, so they are distinct) and
 * released; another process could take one in between, which the tests accept.
 */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** {@code count} distinct ports free a moment ago. */
    public static int[] free(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released on exit anyway
                }
            }
        }
    }

    public static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** {@code 1=127.0.0.1:p1,2=127.0.0.1:p2,...}: node ids from 1, in the ports' order. */
    public static String members(int... ports) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(i + 1).append("=127.0.0.1:").append(ports[i]);
        }
        return out.toString();
    }
}
