package io.kontiki.raft.server.client;

import io.kontiki.raft.transport.netty.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Client ports on 127.0.0.1 (ephemeral ports) over one shared event loop group, and clients;
 * all closed with the fixture. Sets Netty's leak detection to PARANOID.
 */
final class ClientFixture implements AutoCloseable {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    final EventLoopGroup group = EventLoops.newGroup(2, "client-test");
    private final List<AutoCloseable> closeables = new ArrayList<>();

    ClientServer server(KvService service) {
        return server(service, ClientServer.Options.defaults());
    }

    ClientServer server(KvService service, ClientServer.Options options) {
        ClientServer server = ClientServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), group,
                service, options);
        closeables.add(server);
        return server;
    }

    KontikiClient client(List<InetSocketAddress> cluster, KontikiClient.Options options) {
        KontikiClient client = new KontikiClient(cluster, options);
        closeables.add(0, client);
        return client;
    }

    KontikiClient client(InetSocketAddress... cluster) {
        return client(List.of(cluster), fastOptions());
    }

    /** Short timeouts, so that failing tests fail fast. */
    static KontikiClient.Options fastOptions() {
        return KontikiClient.Options.defaults().withTimeout(Duration.ofSeconds(5))
                .withAttemptTimeout(Duration.ofSeconds(2)).withConnectTimeout(Duration.ofMillis(500));
    }

    /** A loopback address where nothing listens (a port found free, then released). */
    static InetSocketAddress deadAddress() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConditionFactory within() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + c, e);
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
