package io.kontiki.raft.server.client;

import io.kontiki.raft.server.kv.KvStateMachine;
import io.kontiki.raft.transport.netty.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of a Kontiki cluster's key-value store.
 *
 * <pre>{@code
 * try (KontikiClient client = new KontikiClient(List.of(node1, node2, node3), KontikiClient.Options.defaults())) {
 *     client.put("greeting", "hello".getBytes(UTF_8));
 *     byte[] value = client.get("greeting");
 *     boolean swapped = client.cas("greeting", value, "bye".getBytes(UTF_8));
 * }
 * }</pre>
 * (run as {@code ClientRoundTripTest.theDocumentedExamplesWork}, like the examples of
 * {@link ClientServer} and {@link ClientCodec}).
 *
 * <h2>Sessions and retries</h2>
 * A client has a random {@link #clientId()} and numbers its writes 1, 2, 3…; every retry of a
 * write reuses its number, so the cluster applies it once however often it is sent. Reads (GET)
 * go through the log too, so they are linearizable; they are not numbered. A request goes to
 * the node that last answered as leader (at first, the first address); a NOT_LEADER answer is
 * followed to the hinted leader when {@link Options#nodeAddresses()} knows its client address
 * and no attempt there has just failed, otherwise the next address of the list is tried, as
 * after a connection failure. An UNKNOWN_OUTCOME answer, a lost connection or an attempt
 * timeout are retried with the same sequence until the request's timeout, after a backoff
 * between {@link Options#minBackoff()} and {@link Options#maxBackoff()}. The details are in
 * {@code ClientCall}.
 *
 * <p>A session the cluster expired (no write for its session timeout, an hour by default) is
 * replaced: a write answered SESSION_EXPIRED that cannot have been applied (no attempt of it may
 * have reached the store) is numbered anew in a new session, under a new {@link #clientId()},
 * and sent again; one that may have been applied before the session expired fails with
 * {@link KontikiClientException#outcomeUnknown()}, never applied twice.
 *
 * <h2>Errors</h2>
 * A request that does not succeed fails with a {@link KontikiClientException} with a one-line
 * message; {@link KontikiClientException#outcomeUnknown()} is true when a write may have taken
 * effect (never reported as a plain failure). Invalid arguments (a key above 1 KiB of UTF-8, a
 * value above 1 MiB) throw {@link IllegalArgumentException} at once.
 *
 * <h2>Threads</h2>
 * The client is thread-safe. It does its work on one event loop: its own single thread, or one
 * loop of {@link Options#group()} if given. The async methods never block and may be pipelined
 * freely over one connection (a server refuses more than 4096 requests in flight per
 * connection, and at most {@value #MAX_WRITES_APART} writes may be outstanding from the oldest
 * unanswered one); their futures complete on that loop, so dependent stages must not block
 * (use the {@code *Async} stage methods with an executor of your own to block). The blocking
 * methods wait at most about the timeout, and must not be called on the client's loop.
 */
public final class KontikiClient implements AutoCloseable {

    /** How far apart, in sequence numbers, the oldest outstanding write and a new one may be. */
    public static final int MAX_WRITES_APART = KvStateMachine.SESSION_WINDOW;

    /**
     * @param timeout        how long a request may take, retries included (default 10 s)
     * @param attemptTimeout how long one attempt waits for its answer before the next address
     *                       is tried (default 3 s)
     * @param connectTimeout how long a connection attempt may take (default 1 s)
     * @param maxAttempts    attempts per request at most (default 1000: with the default
     *                       backoff the timeout, not this, ends a request meeting no leader)
     * @param minBackoff     the shortest wait before a retry (default 5 ms)
     * @param maxBackoff     the longest wait before a retry (default 50 ms); waits double from
     *                       {@code minBackoff} up to this, with jitter, and never exceed it. The
     *                       defaults keep the client close behind a failover: a new leader is
     *                       found within one or two {@code maxBackoff} of its election (etcd's
     *                       clientv3 waits 25 ms ± 10 % after each round of its endpoints), while
     *                       a request meeting no leader is still retried only 20 to 40 times a
     *                       second
     * @param nodeAddresses  the client address of each node id, to follow NOT_LEADER hints
     *                       (default none: hints are ignored and the list is rotated)
     * @param clientId       the session id, or null for a random one (the default); two live
     *                       clients must never share one
     * @param group          the event loops to use, or null for a thread of the client's own
     *                       (the default), shut down by {@link #close()}
     * @param maxFrameBytes  the largest frame sent or accepted (default 4 MiB)
     */
    public record Options(Duration timeout, Duration attemptTimeout, Duration connectTimeout, int maxAttempts,
                          Duration minBackoff, Duration maxBackoff, Map<Integer, InetSocketAddress> nodeAddresses,
                          Long clientId, EventLoopGroup group, int maxFrameBytes) {

        public Options {
            positive(timeout, "timeout");
            positive(attemptTimeout, "attemptTimeout");
            positive(connectTimeout, "connectTimeout");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
            }
            positive(minBackoff, "minBackoff");
            positive(maxBackoff, "maxBackoff");
            if (minBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("minBackoff (" + minBackoff + ") must not exceed maxBackoff ("
                        + maxBackoff + ")");
            }
            nodeAddresses = Map.copyOf(nodeAddresses);
            if (maxFrameBytes < ClientCodec.MIN_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes must be >= " + ClientCodec.MIN_FRAME_BYTES);
            }
        }

        private static void positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be positive and below 24 days: " + d);
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(1), 1000,
                    Duration.ofMillis(5), Duration.ofMillis(50), Map.of(), null, null,
                    ClientCodec.DEFAULT_MAX_FRAME_BYTES);
        }

        public Options withTimeout(Duration d) {
            return new Options(d, attemptTimeout, connectTimeout, maxAttempts, minBackoff, maxBackoff, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        public Options withAttemptTimeout(Duration d) {
            return new Options(timeout, d, connectTimeout, maxAttempts, minBackoff, maxBackoff, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        public Options withConnectTimeout(Duration d) {
            return new Options(timeout, attemptTimeout, d, maxAttempts, minBackoff, maxBackoff, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        public Options withMaxAttempts(int n) {
            return new Options(timeout, attemptTimeout, connectTimeout, n, minBackoff, maxBackoff, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        /** @throws IllegalArgumentException if {@code max} is below {@link #minBackoff()}: see {@link #withBackoff} */
        public Options withMaxBackoff(Duration max) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, minBackoff, max, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        public Options withBackoff(Duration min, Duration max) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, min, max, nodeAddresses,
                    clientId, group, maxFrameBytes);
        }

        public Options withNodeAddresses(Map<Integer, InetSocketAddress> m) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, minBackoff, maxBackoff, m,
                    clientId, group, maxFrameBytes);
        }

        public Options withClientId(Long id) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, minBackoff, maxBackoff,
                    nodeAddresses, id, group, maxFrameBytes);
        }

        public Options withGroup(EventLoopGroup g) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, minBackoff, maxBackoff,
                    nodeAddresses, clientId, g, maxFrameBytes);
        }

        public Options withMaxFrameBytes(int n) {
            return new Options(timeout, attemptTimeout, connectTimeout, maxAttempts, minBackoff, maxBackoff,
                    nodeAddresses, clientId, group, n);
        }
    }

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final List<InetSocketAddress> cluster;
    private final Options options;
    /** The current session's id: loop-confined writes, read from any thread. */
    private volatile long clientId;
    /** Loop-confined: whether a write of the current session was answered (the cluster holds the session). */
    private boolean sessionConfirmed;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ChannelGroup channels;
    private final AtomicBoolean closing = new AtomicBoolean();

    // Loop-confined.
    private final Map<InetSocketAddress, ClientConnection> connections = new HashMap<>();
    private final Set<ClientCall> calls = new HashSet<>();
    /** When an attempt at an address last failed (System.nanoTime()); removed when it answers. */
    private final Map<InetSocketAddress, Long> lastFailure = new HashMap<>();
    private final TreeSet<Long> outstandingWrites = new TreeSet<>();
    private InetSocketAddress leader;
    private int cursor;
    private long lastSequence;
    private long lastRequestId;
    private volatile boolean closed;

    /**
     * A client of the cluster whose nodes' client ports are {@code cluster}. Connects lazily.
     *
     * @throws IllegalArgumentException if {@code cluster} is empty
     */
    public KontikiClient(List<InetSocketAddress> cluster, Options options) {
        this.cluster = List.copyOf(cluster);
        if (this.cluster.isEmpty()) {
            throw new IllegalArgumentException("the cluster list is empty");
        }
        this.options = Objects.requireNonNull(options, "options");
        this.clientId = options.clientId() != null ? options.clientId() : new SecureRandom().nextLong();
        this.ownsGroup = options.group() == null;
        this.group = ownsGroup ? EventLoops.newGroup(1, "kontiki-client") : options.group();
        this.loop = group.next();
        this.channels = new DefaultChannelGroup("kontiki-client-" + clientId, loop);
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(EventLoops.socketChannel(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
        this.leader = this.cluster.get(0);
    }

    public KontikiClient(List<InetSocketAddress> cluster) {
        this(cluster, Options.defaults());
    }

    /** This client's session id (a new one after the cluster expired the previous session). */
    public long clientId() {
        return clientId;
    }

    // ---- blocking API ----

    /** Sets {@code key} to {@code value}. Blocks; throws {@link KontikiClientException}. */
    public void put(String key, byte[] value) {
        await(putAsync(key, value));
    }

    /** The value of {@code key}, or null if absent. Blocks; throws {@link KontikiClientException}. */
    public byte[] get(String key) {
        return await(getAsync(key));
    }

    /** Removes {@code key}; true if it existed. Blocks; throws {@link KontikiClientException}. */
    public boolean delete(String key) {
        return await(deleteAsync(key));
    }

    /**
     * Sets {@code key} to {@code value} if its value is {@code expected} (or, with
     * {@code expected == null}, if it is absent); true if it did. Blocks; throws
     * {@link KontikiClientException}.
     */
    public boolean cas(String key, byte[] expected, byte[] value) {
        return await(casAsync(key, expected, value));
    }

    /** The status of the node at {@code address} (one attempt, no redirect). Blocks. */
    public StatusResponse status(InetSocketAddress address) {
        return await(statusAsync(address));
    }

    /** {@link #snapshotAsync}, waiting at most about the timeout. */
    public String snapshot(InetSocketAddress address) {
        return await(snapshotAsync(address));
    }

    // ---- async API: futures complete on the client's loop ----

    public CompletableFuture<Void> putAsync(String key, byte[] value) {
        return submit(ClientRequest.put(0, clientId, 1, key, value)).thenApply(r -> null);
    }

    public CompletableFuture<byte[]> getAsync(String key) {
        return submit(ClientRequest.get(0, clientId, key))
                .thenApply(r -> r.status() == ClientResponse.Status.OK ? r.value() : null);
    }

    public CompletableFuture<Boolean> deleteAsync(String key) {
        return submit(ClientRequest.delete(0, clientId, 1, key)).thenApply(r -> r.status() == ClientResponse.Status.OK);
    }

    public CompletableFuture<Boolean> casAsync(String key, byte[] expected, byte[] value) {
        return submit(ClientRequest.cas(0, clientId, 1, key, expected, value))
                .thenApply(r -> r.status() == ClientResponse.Status.OK);
    }

    /** The status of the node at {@code address}: one attempt within the timeout, no redirect. */
    public CompletableFuture<StatusResponse> statusAsync(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        CompletableFuture<StatusResponse> result = new CompletableFuture<>();
        String what = "STATUS of " + address + ": ";
        onLoop(result, () -> connection(address).send(ClientRequest.status(nextRequestId()),
                options.timeout().toNanos(), reply -> {
                    if (reply instanceof StatusResponse s) {
                        result.complete(s);
                    } else if (reply instanceof ClientResponse r) {
                        result.completeExceptionally(new KontikiClientException(what + r.status() + ": "
                                + r.message(), false));
                    } else {
                        result.completeExceptionally(new KontikiClientException(what
                                + ((ClientConnection.AttemptFailed) reply).reason(), false));
                    }
                }));
        return result;
    }

    /**
     * Asks the node at {@code address} to snapshot its store now: one attempt within the timeout,
     * no redirect. Completes with the node's answer, e.g. "snapshot 3/1200 (4096 B)".
     */
    public CompletableFuture<String> snapshotAsync(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        CompletableFuture<String> result = new CompletableFuture<>();
        String what = "SNAPSHOT of " + address + ": ";
        onLoop(result, () -> connection(address).send(ClientRequest.snapshot(nextRequestId()),
                options.timeout().toNanos(), reply -> {
                    if (reply instanceof ClientResponse r && r.status() == ClientResponse.Status.OK) {
                        result.complete(r.message());
                    } else if (reply instanceof ClientResponse r) {
                        result.completeExceptionally(new KontikiClientException(what + r.status() + ": "
                                + r.message(), false));
                    } else {
                        result.completeExceptionally(new KontikiClientException(what
                                + ((ClientConnection.AttemptFailed) reply).reason(), false));
                    }
                }));
        return result;
    }

    /**
     * Closes every connection and fails every request in flight ("the client was closed";
     * writes among them may have taken effect). Shuts down the client's own thread, if it has
     * one. Idempotent; waits up to a few seconds, unless called on the client's loop.
     */
    @Override
    public void close() {
        if (closing.getAndSet(true)) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                closed = true;
                for (ClientCall call : new ArrayList<>(calls)) {
                    call.failClosed();
                }
                channels.close();
                done.complete(null);
            });
        } catch (RejectedExecutionException e) {
            closed = true;
            done.complete(null);
        }
        if (loop.inEventLoop()) {
            return;
        }
        try {
            done.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    // ---- for ClientCall, on the loop ----

    Options options() {
        return options;
    }

    boolean isClosed() {
        return closed;
    }

    String timeoutText() {
        return options.timeout().toMillis() + " ms";
    }

    long nextRequestId() {
        return ++lastRequestId;
    }

    void schedule(Runnable task, long delayNanos) {
        loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    void leaderIs(InetSocketAddress address) {
        leader = address;
    }

    /** An attempt at {@code address} got no answer: no connection, connection lost, or timed out. */
    void attemptFailed(InetSocketAddress address) {
        lastFailure.put(address, System.nanoTime());
    }

    /** {@code address} answered. */
    void answered(InetSocketAddress address) {
        lastFailure.remove(address);
    }

    /**
     * Whether an attempt at {@code address} failed within the last 2 × maxBackoff, with no answer
     * from it since: a NOT_LEADER hint naming it is then likely stale (a follower names the leader
     * it last heard from, which may have just crashed). The window covers the backoff between
     * the failure and the answer carrying the hint.
     */
    boolean failedRecently(InetSocketAddress address) {
        Long at = lastFailure.get(address);
        return at != null && System.nanoTime() - at < 2 * options.maxBackoff().toNanos();
    }

    /** The client address of node {@code id}, or null if unknown. */
    InetSocketAddress addressOf(int id) {
        return id < 0 ? null : options.nodeAddresses().get(id);
    }

    /** The address after {@code address} in the cluster list (rotating; the list's next if not in it). */
    InetSocketAddress nextAfter(InetSocketAddress address) {
        int i = cluster.indexOf(address);
        cursor = ((i >= 0 ? i : cursor) + 1) % cluster.size();
        return cluster.get(cursor);
    }

    /** The connection to {@code address}, open or opening; a new one if there is none or it closed. */
    ClientConnection connection(InetSocketAddress address) {
        ClientConnection existing = connections.get(address);
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        ClientConnection connection = new ClientConnection(address, loop, c -> connections.remove(address, c));
        connections.put(address, connection);
        bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ClientPipeline.install(ch.pipeline(), options.maxFrameBytes(), connection);
            }
        }).connect(address).addListener((ChannelFuture f) -> connection.connectDone(f));
        return connection;
    }

    /**
     * A write answered SESSION_EXPIRED and not applied anywhere: the request to send instead. If
     * it is of the current session and a write of that session was answered before, the cluster
     * dropped the session: a new one starts (new id, sequences from 1). If no write of the current
     * session was answered yet, its first write has not arrived (this one overtook it): the same
     * request is sent again later. A request of an older session is numbered in the current one.
     */
    ClientRequest renumber(ClientRequest request) {
        if (request.clientId() == clientId && !sessionConfirmed) {
            return request;
        }
        if (request.clientId() == clientId) {
            clientId = new SecureRandom().nextLong();
            lastSequence = 0;
            sessionConfirmed = false;
        }
        outstandingWrites.remove(request.sequence());
        long sequence = ++lastSequence;
        outstandingWrites.add(sequence);
        return new ClientRequest(0, clientId, sequence, request.op(), request.key(), request.value(),
                request.expected(), request.expectAbsent());
    }

    /** A write of {@code request}'s session was answered: the cluster holds that session. */
    void writeAnswered(ClientRequest request) {
        if (request.clientId() == clientId) {
            sessionConfirmed = true;
        }
    }

    void callDone(ClientCall call) {
        calls.remove(call);
        if (call.request().op().isWrite()) {
            outstandingWrites.remove(call.request().sequence());
        }
    }

    // ---- internals ----

    private CompletableFuture<ClientResponse> submit(ClientRequest template) {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        CompletableFuture<ClientResponse> result = new CompletableFuture<>();
        onLoop(result, () -> start(template, result, deadline));
        return result;
    }

    /** On the loop: numbers a write, then makes its first attempt. */
    private void start(ClientRequest template, CompletableFuture<ClientResponse> result, long deadline) {
        ClientRequest request = template;
        if (template.op().isWrite()) {
            long sequence = lastSequence + 1;
            if (!outstandingWrites.isEmpty() && sequence - outstandingWrites.first() >= MAX_WRITES_APART) {
                result.completeExceptionally(new KontikiClientException(template.op() + " \"" + template.key()
                        + "\": refused: write " + outstandingWrites.first() + " is still outstanding, and writes may be "
                        + "at most " + MAX_WRITES_APART + " apart", false));
                return;
            }
            lastSequence = sequence;
            outstandingWrites.add(sequence);
            request = new ClientRequest(0, clientId, sequence, template.op(), template.key(), template.value(),
                    template.expected(), template.expectAbsent());
        }
        ClientCall call = new ClientCall(this, request, result, deadline);
        calls.add(call);
        call.start(leader);
    }

    private void onLoop(CompletableFuture<?> result, Runnable task) {
        if (closed || closing.get()) {
            result.completeExceptionally(new KontikiClientException("the client is closed", false));
            return;
        }
        try {
            loop.execute(() -> {
                if (closed) {
                    result.completeExceptionally(new KontikiClientException("the client is closed", false));
                } else {
                    task.run();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new KontikiClientException("the client is closed", false));
        }
    }

    private <T> T await(CompletableFuture<T> future) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("blocking call on the client's event loop: use the async variant");
        }
        long slack = options.attemptTimeout().toMillis() + options.connectTimeout().toMillis() + 5_000;
        try {
            return future.get(options.timeout().toMillis() + slack, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KontikiClientException k) {
                throw k;
            }
            throw new KontikiClientException("request failed: " + e.getCause(), true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KontikiClientException("interrupted while waiting: the request may still take effect", true);
        } catch (TimeoutException e) {
            throw new KontikiClientException("no outcome within " + options.timeout().toMillis() + " ms", true);
        }
    }
}
