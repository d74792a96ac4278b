package io.kontiki.raft.server.kv;

import java.util.HashMap;
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
 * <p>Sessions never expire yet (deterministic expiry, driven by the log, is future work).
 * Not thread-safe: used on the apply thread only. Deterministic: the same writes in the same
 * order give the same answers on every replica.
 */
final class ClientSessions {

    /** How many sequences below a client's highest are remembered. */
    static final int WINDOW = 4096;

    private final Map<Long, Session> sessions = new HashMap<>();

    /**
     * The recorded result of a write already applied, or null if {@code sequence} must be
     * applied now (and then {@link #record}ed).
     */
    KvResult previous(long clientId, long sequence) {
        Session s = sessions.get(clientId);
        return s == null ? null : s.previous(sequence);
    }

    /** Records that {@code sequence} was applied with {@code result}. */
    void record(long clientId, long sequence, KvResult result) {
        sessions.computeIfAbsent(clientId, id -> new Session()).record(sequence, result);
    }

    int size() {
        return sessions.size();
    }

    private static final class Session {
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
