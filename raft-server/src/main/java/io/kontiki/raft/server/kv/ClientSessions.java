package io.kontiki.raft.server.kv;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The session table: for each client, what became of its recent writes, so that a write
 * retried with the same (clientId, sequence) takes effect once (Raft dissertation §6.3).
 *
 * <p>Per client it keeps the highest sequence applied with its full result, and, for the
 * {@value #WINDOW} sequences below it, the exceptions to "applied, OK": sequences never applied
 * (gaps, kept as ranges) and writes applied with another status (status and index, without the
 * value). That is O(1) memory for a client whose writes succeed in order, and at most
 * O({@value #WINDOW}) for one that pipelines.
 *
 * <p>Why a window and not only the last sequence: a client that pipelines writes 5 and 6 may see
 * 6 applied before its retry of 5 arrives (5 was lost with an old leader, 6 went to the new one).
 * With only the last sequence, 5 would be answered "duplicate" and silently never applied. Within
 * the window, 5 is recognised as never applied and is applied now. A sequence below the window is
 * answered {@code OK} with {@link KvResult#UNKNOWN_INDEX}, without being applied: a client has at
 * most {@value #WINDOW} writes in flight (the server's per-connection limit), so such a request
 * can only be a stale duplicate.
 *
 * <p><b>Expiry.</b> The table has a clock, {@link #nowMillis()}: the highest command stamp
 * {@linkplain #advance seen} (a leader's wall clock, taken from the log, so every replica has
 * the same clock at the same index). A session in which no write arrived (applied or retried)
 * for more than the timeout is dropped, so the table holds the clients active within the
 * timeout. A client without a session may open one with its first write, sequence
 * {@value #FIRST_SEQUENCE}; any other sequence is answered {@link KvResult.Status#SESSION_EXPIRED}
 * and must not be applied: it may be a retry of a write applied before the session expired.
 * Sessions are kept in order of last activity (each write touches its session at the clock,
 * which never goes back), so expiry looks only at the oldest: O(1) per command, plus O(1) per
 * session dropped.
 *
 * <p>Not thread-safe: used on the apply thread only. Deterministic: the same commands in the
 * same order give the same answers on every replica (given the same timeout).
 */
final class ClientSessions {

    /** How many sequences below a client's highest are remembered. */
    static final int WINDOW = 4096;
    /** The sequence of a client's first write: the only one that opens a session. */
    static final long FIRST_SEQUENCE = 1;

    private static final KvResult EXPIRED = new KvResult(KvResult.Status.SESSION_EXPIRED, null,
            KvResult.UNKNOWN_INDEX);

    private final long timeoutMillis;
    /**
     * By client id, least recently active first. Access order: every lookup is a write of that
     * client, which sets its lastActivityMillis to the clock, so the order is also that of
     * lastActivityMillis (non-decreasing).
     */
    private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private long nowMillis;

    /** An empty table whose sessions expire after {@code timeoutMillis} (> 0) without a write. */
    ClientSessions(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("session timeout must be positive: " + timeoutMillis + " ms");
        }
        this.timeoutMillis = timeoutMillis;
    }

    /** The table's clock: the highest stamp seen, 0 before the first. */
    long nowMillis() {
        return nowMillis;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Moves the clock to {@code stampMillis} if that is later (a stamp that goes back, from a
     * leader whose clock is behind, leaves it), then drops every session idle for more than the
     * timeout.
     *
     * @return the number of sessions dropped
     */
    int advance(long stampMillis) {
        nowMillis = Math.max(nowMillis, stampMillis);
        int dropped = 0;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (nowMillis - it.next().lastActivityMillis <= timeoutMillis) {
                break; // the oldest is live: so are the others
            }
            it.remove();
            dropped++;
        }
        return dropped;
    }

    /**
     * What to answer a write {@code sequence} of {@code clientId} without applying it: its
     * recorded result if it was applied, {@link KvResult.Status#SESSION_EXPIRED} if the client has
     * no session and this is not its first write; or null if it must be applied now (and then
     * {@link #record}ed). Counts as activity of the client's session.
     */
    KvResult previous(long clientId, long sequence) {
        Session s = sessions.get(clientId);
        if (s == null) {
            return sequence == FIRST_SEQUENCE ? null : EXPIRED;
        }
        s.lastActivityMillis = nowMillis;
        return s.previous(sequence);
    }

    /**
     * Records that {@code sequence} was applied with {@code result}, opening the client's
     * session if {@link #previous} allowed it.
     */
    void record(long clientId, long sequence, KvResult result) {
        if (result.status() == KvResult.Status.SESSION_EXPIRED) {
            throw new IllegalArgumentException("a SESSION_EXPIRED write was not applied: nothing to record");
        }
        Session s = sessions.get(clientId);
        if (s == null) {
            if (sequence != FIRST_SEQUENCE) {
                throw new IllegalStateException("client " + clientId + " has no session: sequence " + sequence
                        + " cannot open one");
            }
            s = new Session();
            sessions.put(clientId, s);
        }
        s.lastActivityMillis = nowMillis;
        s.record(sequence, result);
    }

    int size() {
        return sessions.size();
    }

    // ---- snapshots -------------------------------------------------------------------------

    /**
     * Writes the table (clock, then every session, least recently active first) for a snapshot:
     * <pre>
     * clock:i64 count:i32 session{count}
     * session = clientId:i64 lastActivity:i64 highest:i64 highestResult:result
     *           gapCount:i32 (start:i64 end:i64){gapCount} notOkCount:i32 (sequence:i64 result){notOkCount}
     * result  = present:u8 [status:u8 index:i64 valueLength:i32 (-1: null) value]
     * </pre>
     * Big-endian ({@link DataOutput}). Apply thread only.
     */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(nowMillis);
        out.writeInt(sessions.size());
        for (Map.Entry<Long, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            out.writeLong(e.getKey());
            out.writeLong(s.lastActivityMillis);
            out.writeLong(s.highest);
            writeResult(out, s.highestResult);
            out.writeInt(s.gaps.size());
            for (Map.Entry<Long, Long> g : s.gaps.entrySet()) {
                out.writeLong(g.getKey());
                out.writeLong(g.getValue());
            }
            out.writeInt(s.notOk.size());
            for (Map.Entry<Long, KvResult> n : s.notOk.entrySet()) {
                out.writeLong(n.getKey());
                writeResult(out, n.getValue());
            }
        }
    }

    /**
     * Reads a table written by {@link #writeTo}, with {@code timeoutMillis}; every count and
     * length is checked before anything is allocated.
     *
     * @throws IOException if the bytes are not a table: the message says what is wrong
     */
    static ClientSessions readFrom(DataInput in, long timeoutMillis, long maxCount) throws IOException {
        ClientSessions t = new ClientSessions(timeoutMillis);
        t.nowMillis = nonNegative(in.readLong(), "session clock");
        int count = count(in.readInt(), maxCount, "session count");
        for (int i = 0; i < count; i++) {
            long clientId = in.readLong();
            Session s = new Session();
            s.lastActivityMillis = nonNegative(in.readLong(), "session activity");
            s.highest = nonNegative(in.readLong(), "session sequence");
            s.highestResult = readResult(in);
            int gaps = count(in.readInt(), WINDOW, "gap count");
            for (int g = 0; g < gaps; g++) {
                long start = in.readLong();
                long end = in.readLong();
                if (start < 1 || end < start || end >= s.highest) {
                    throw new IOException("bad gap [" + start + ", " + end + "] below sequence " + s.highest);
                }
                s.gaps.put(start, end);
            }
            int notOk = count(in.readInt(), WINDOW, "result count");
            for (int n = 0; n < notOk; n++) {
                long sequence = in.readLong();
                KvResult r = readResult(in);
                if (r == null) {
                    throw new IOException("missing result of sequence " + sequence);
                }
                s.notOk.put(sequence, r);
            }
            if (t.sessions.put(clientId, s) != null) {
                throw new IOException("client " + clientId + " has two sessions");
            }
        }
        return t;
    }

    private static void writeResult(DataOutput out, KvResult r) throws IOException {
        out.writeBoolean(r != null);
        if (r != null) {
            out.writeByte(r.status().ordinal());
            out.writeLong(r.index());
            out.writeInt(r.value() == null ? -1 : r.value().length);
            if (r.value() != null) {
                out.write(r.value());
            }
        }
    }

    private static KvResult readResult(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int status = in.readUnsignedByte();
        KvResult.Status[] statuses = KvResult.Status.values();
        if (status >= statuses.length) {
            throw new IOException("unknown result status " + status);
        }
        long index = nonNegative(in.readLong(), "result index");
        int length = in.readInt();
        if (length < -1 || length > KvCommand.MAX_VALUE_BYTES) {
            throw new IOException("bad result value length " + length);
        }
        byte[] value = null;
        if (length >= 0) {
            value = new byte[length];
            in.readFully(value);
        }
        return new KvResult(statuses[status], value, index);
    }

    private static long nonNegative(long v, String what) throws IOException {
        if (v < 0) {
            throw new IOException(what + " is negative: " + v);
        }
        return v;
    }

    private static int count(int n, long max, String what) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException(what + " " + n + " is out of range 0.." + max);
        }
        return n;
    }

    private static final class Session {
        /** The table's clock when the client's last write arrived. */
        private long lastActivityMillis;
        /** The highest sequence applied; 0 before the first. */
        private long highest;
        private KvResult highestResult;
        /** Ranges [start, end] of sequences below {@link #highest}, within the window, never applied. */
        private final NavigableMap<Long, Long> gaps = new TreeMap<>();
        /** Applied sequences below {@link #highest}, within the window, whose status is not OK. */
        private final NavigableMap<Long, KvResult> notOk = new TreeMap<>();

        KvResult previous(long sequence) {
            if (sequence > highest) {
                return null;
            }
            if (sequence == highest) {
                return highestResult;
            }
            if (sequence <= highest - WINDOW) {
                return KvResult.ok(KvResult.UNKNOWN_INDEX);
            }
            if (inGap(sequence)) {
                return null;
            }
            KvResult r = notOk.get(sequence);
            return r != null ? r : KvResult.ok(KvResult.UNKNOWN_INDEX);
        }

        void record(long sequence, KvResult result) {
            if (sequence > highest) {
                long gapStart = Math.max(highest + 1, sequence - WINDOW + 1);
                if (gapStart <= sequence - 1) {
                    gaps.put(gapStart, sequence - 1);
                }
                if (highestResult != null && highestResult.status() != KvResult.Status.OK) {
                    notOk.put(highest, new KvResult(highestResult.status(), null, highestResult.index()));
                }
                highest = sequence;
                highestResult = result;
                forgetBelow(sequence - WINDOW + 1);
            } else {
                fillGap(sequence);
                if (result.status() != KvResult.Status.OK) {
                    notOk.put(sequence, new KvResult(result.status(), null, result.index()));
                }
            }
        }

        private boolean inGap(long sequence) {
            Map.Entry<Long, Long> range = gaps.floorEntry(sequence);
            return range != null && sequence <= range.getValue();
        }

        private void fillGap(long sequence) {
            Map.Entry<Long, Long> range = gaps.floorEntry(sequence);
            if (range == null || sequence > range.getValue()) {
                throw new IllegalStateException("sequence " + sequence + " is not a gap");
            }
            long start = range.getKey();
            long end = range.getValue();
            gaps.remove(start);
            if (start < sequence) {
                gaps.put(start, sequence - 1);
            }
            if (sequence < end) {
                gaps.put(sequence + 1, end);
            }
        }

        /** Drops what is known about sequences below {@code floor}. */
        private void forgetBelow(long floor) {
            notOk.headMap(floor, false).clear();
            while (!gaps.isEmpty() && gaps.firstKey() < floor) {
                Map.Entry<Long, Long> first = gaps.pollFirstEntry();
                if (first.getValue() >= floor) {
                    gaps.put(floor, first.getValue());
                }
            }
        }
    }
}
