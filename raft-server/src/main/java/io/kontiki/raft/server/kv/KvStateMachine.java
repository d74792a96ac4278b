package io.kontiki.raft.server.kv;

import io.kontiki.raft.core.SnapshotWriter;
import io.kontiki.raft.core.StateMachine;
import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import io.kontiki.raft.core.log.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated key-value store: a map from string keys to byte values, changed only by
 * applying committed log entries, in order.
 *
 * <h2>Applying</h2>
 * A COMMAND entry holds one {@link KvCommand#encode() encoded} {@link KvCommand}; its
 * {@link KvResult} is handed to the {@link ApplyListener} given at construction. A NOOP entry
 * changes nothing but is counted ({@link #lastAppliedIndex()}) and reported with a null result.
 * A command entry that does not decode (a bug or a foreign writer: the server only proposes
 * commands it encoded) is logged and skipped, with a null result: every replica skips it alike.
 *
 * <h2>Reads go through the log</h2>
 * A GET is proposed and applied like a write, so it sees every write committed before it was
 * proposed: reads are linearizable at the price of a log append and a commit round per read.
 * (Read-index or lease reads would avoid the append; they are not implemented.)
 *
 * <h2>Exactly-once writes</h2>
 * Writes carry (clientId, sequence). A session table remembers, per client, the result of its
 * highest sequence and what became of the {@value #SESSION_WINDOW} sequences below it:
 * <ul>
 *   <li>a sequence above the client's highest is applied and recorded;</li>
 *   <li>the highest sequence again (a retry) is not re-applied: the recorded result is returned,
 *       value and original index included, so a retried CAS does not fail the second time and a
 *       retried PUT does not overwrite a later write;</li>
 *   <li>a lower sequence that was applied is not re-applied: the answer is its recorded status
 *       and index, without the value (a duplicate of an older write);</li>
 *   <li>a lower sequence within the window that was never applied (pipelined writes overtaking
 *       each other across a leader change) is applied now;</li>
 *   <li>a sequence more than {@value #SESSION_WINDOW} below the highest is answered {@code OK}
 *       with {@link KvResult#UNKNOWN_INDEX} and not applied: clients never have writes that far
 *       apart outstanding, so it can only be a stale duplicate.</li>
 * </ul>
 * GETs bypass the session table.
 *
 * <h2>Session expiry</h2>
 * A session in which no write arrived (applied or retried) for more than the session timeout
 * ({@link #DEFAULT_SESSION_TIMEOUT} unless given) is dropped, so the table is bounded by the
 * clients active within the timeout. Time comes from the log, never from this replica's clock:
 * every command carries the {@linkplain KvCommand#stampMillis() stamp} its leader gave it, the
 * store's clock is the highest stamp applied so far, and sessions expire while commands are
 * applied (looking only at the least recently active ones). Every replica therefore drops the
 * same sessions at the same index. The timeout is part of the state machine's definition: every
 * replica must use the same one.
 * <ul>
 *   <li>A write of a client without a session, with sequence 1 (a new client's first write),
 *       opens a session and is applied.</li>
 *   <li>Any other sequence without a session is answered {@link KvResult.Status#SESSION_EXPIRED}
 *       and not applied: it may be the retry of a write applied before the session expired. (It
 *       may also be a new client's second write overtaking its first across a leader change;
 *       the client then starts over with a new session, see {@code KontikiClient}.)</li>
 * </ul>
 * Why one hour by default: the timeout must outlast any retry of a write (a client retries for
 * its request timeout, 10 s by default) with a wide margin for leaders' clocks that disagree (a
 * new leader whose clock is ahead makes time jump by the difference), while a client idle for
 * longer only pays one extra round trip: its next write is refused before being applied, and
 * the client starts a new session and sends it again. An hour of clients is a small table: an
 * in-order client takes about a hundred bytes.
 *
 * <h2>Snapshots</h2>
 * {@link #snapshot()} captures the store on the apply thread by copying the map of keys (the
 * values are immutable arrays, so only references are copied: about 60 ns a key) and serializing
 * the session table (about a hundred bytes a client); the returned writer then writes
 * {@link KvSnapshot}'s format on another thread while applying goes on. {@link #restore} reads a
 * snapshot into a new map and session table, checks it (bounds, encoding, the digest), and only
 * then replaces the store: a snapshot that does not decode leaves the store as it was.
 *
 * <h2>Digest</h2>
 * The store keeps a digest of its keys and values ({@link KvDigest}), updated with each write, so
 * that {@code kontiki status} can show whether replicas at the same applied index hold the same
 * data.
 *
 * <h2>Threads</h2>
 * {@link #apply}, {@link #snapshot} and {@link #restore} run on the node's apply thread (see
 * {@link StateMachine}); they are not re-entrant and must not be called concurrently. {@link #get},
 * {@link #size}, {@link #digest} and {@link #lastAppliedIndex} may be called from any thread and
 * never block; they see the state as of some recent apply.
 */
public final class KvStateMachine implements StateMachine {

    /** How far below a client's highest write sequence its retries are still recognised. */
    public static final int SESSION_WINDOW = ClientSessions.WINDOW;
    /** How long a session lasts without a write, unless a store is given another timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

    private volatile Map<String, byte[]> data = new ConcurrentHashMap<>();
    private ClientSessions sessions;
    private final long sessionTimeoutMillis;
    private final ApplyListener listener;
    private volatile long lastAppliedIndex;
    private long lastAppliedTerm;
    private long digest;
    /** The digest and the index it was taken at, published together after each apply. */
    private volatile DigestAt digestAt = new DigestAt(0, 0);

    /** The store's digest ({@link KvDigest}) after applying the entry at {@code index}. */
    public record DigestAt(long index, long digest) {
    }

    /**
     * A store that reports every applied entry to {@code listener} (see {@link ApplyListener})
     * and drops a client's session after {@code sessionTimeout} without a write from it (the
     * same on every replica; whole milliseconds, at least one).
     */
    public KvStateMachine(ApplyListener listener, Duration sessionTimeout) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.sessionTimeoutMillis = Objects.requireNonNull(sessionTimeout, "sessionTimeout").toMillis();
        this.sessions = new ClientSessions(sessionTimeoutMillis);
    }

    /** A store that reports to {@code listener}, with the {@link #DEFAULT_SESSION_TIMEOUT}. */
    public KvStateMachine(ApplyListener listener) {
        this(listener, DEFAULT_SESSION_TIMEOUT);
    }

    /** A store without a listener, with the {@link #DEFAULT_SESSION_TIMEOUT}. */
    public KvStateMachine() {
        this(ApplyListener.NONE);
    }

    /**
     * Applies one committed entry, then tells the listener.
     *
     * @throws IllegalStateException if {@code entry} is not the entry after the last applied one
     *                               (a broken {@link StateMachine} contract; the store is unchanged)
     */
    @Override
    public void apply(LogEntry entry) {
        if (entry.index() != lastAppliedIndex + 1) {
            throw new IllegalStateException("entry " + entry + " applied after index " + lastAppliedIndex
                    + ": entries must be applied in order, each once");
        }
        KvResult result = entry.type() == EntryType.NOOP ? null : applyCommand(entry);
        lastAppliedIndex = entry.index();
        lastAppliedTerm = entry.term();
        digestAt = new DigestAt(entry.index(), digest);
        try {
            listener.applied(entry.index(), entry.term(), result);
        } catch (RuntimeException e) {
            LOG.warn("apply listener failed at index {}: {}", entry.index(), e.toString());
        }
    }

    private KvResult applyCommand(LogEntry entry) {
        KvCommand command;
        try {
            command = KvCommand.decode(entry.data());
        } catch (IllegalArgumentException e) {
            LOG.error("entry {} skipped: undecodable command: {}", entry, e.getMessage());
            return null;
        }
        sessions.advance(command.stampMillis());
        if (!command.isWrite()) {
            return execute(command, entry.index());
        }
        KvResult previous = sessions.previous(command.clientId(), command.sequence());
        if (previous != null) {
            return previous;
        }
        KvResult result = execute(command, entry.index());
        sessions.record(command.clientId(), command.sequence(), result);
        return result;
    }

    private KvResult execute(KvCommand command, long index) {
        if (command instanceof KvCommand.Put put) {
            store(put.key(), put.value());
            return KvResult.ok(index);
        }
        if (command instanceof KvCommand.Get get) {
            byte[] value = data.get(get.key());
            return new KvResult(value == null ? KvResult.Status.NOT_FOUND : KvResult.Status.OK, value, index);
        }
        if (command instanceof KvCommand.Delete delete) {
            byte[] old = data.remove(delete.key());
            boolean existed = old != null;
            if (existed) {
                digest -= KvDigest.of(delete.key(), old);
            }
            return new KvResult(existed ? KvResult.Status.OK : KvResult.Status.NOT_FOUND, null, index);
        }
        KvCommand.Cas cas = (KvCommand.Cas) command;
        byte[] current = data.get(cas.key());
        boolean matches = cas.expected() == null ? current == null : Arrays.equals(current, cas.expected());
        if (!matches) {
            return new KvResult(KvResult.Status.CAS_FAILED, current, index);
        }
        store(cas.key(), cas.value());
        return KvResult.ok(index);
    }

    private void store(String key, byte[] value) {
        byte[] old = data.put(key, value);
        long d = digest + KvDigest.of(key, value);
        digest = old == null ? d : d - KvDigest.of(key, old);
    }

    /**
     * Captures the store after the last applied entry (see the class comment); the writer may run
     * on any thread, once. Apply thread only.
     */
    @Override
    public SnapshotWriter snapshot() {
        Map<String, byte[]> copy = new HashMap<>(data);
        byte[] sessionBytes = KvSnapshot.sessionBytes(sessions);
        long index = lastAppliedIndex;
        long term = lastAppliedTerm;
        long d = digest;
        return out -> KvSnapshot.write(out, index, term, copy, sessionBytes, d);
    }

    /**
     * Replaces the whole store by the snapshot's: keys, sessions and last applied entry. Apply
     * thread only.
     *
     * @throws IOException if the snapshot does not decode, or is of another index than
     *                     {@code snapshot} says; the store is then unchanged
     */
    @Override
    public void restore(SnapshotMeta snapshot, InputStream in) throws IOException {
        KvSnapshot.State s = KvSnapshot.read(in, sessionTimeoutMillis);
        if (s.lastIndex() != snapshot.index() || s.lastTerm() != snapshot.term()) {
            throw new IOException("key-value snapshot of entry " + s.lastTerm() + "/" + s.lastIndex() + " stored as "
                    + snapshot);
        }
        data = new ConcurrentHashMap<>(s.data());
        sessions = s.sessions();
        digest = s.digest();
        lastAppliedTerm = s.lastTerm();
        lastAppliedIndex = s.lastIndex();
        digestAt = new DigestAt(s.lastIndex(), digest);
        LOG.info("restored {}: {} keys, {} client sessions", snapshot, s.data().size(), sessions.size());
    }

    /** The digest of every key and value (see {@link KvDigest}). Apply thread only (tests). */
    long digest() {
        return digest;
    }

    /** The digest with the applied index it belongs to. Any thread; never blocks. */
    public DigestAt digestAt() {
        return digestAt;
    }

    /** The index of the last entry applied, 0 before the first. Any thread. */
    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    /** A copy of the value of {@code key}, or null if absent. Any thread; never blocks. */
    public byte[] get(String key) {
        byte[] value = data.get(key);
        return value == null ? null : value.clone();
    }

    /** The number of keys. Any thread; never blocks. */
    public int size() {
        return data.size();
    }

    /** The number of clients in the session table. Apply thread only (tests). */
    int sessionCount() {
        return sessions.size();
    }

    /** The store's clock: the highest command stamp applied, 0 before the first. Apply thread only (tests). */
    long clockMillis() {
        return sessions.nowMillis();
    }
}
