package io.kontiki.raft.testkit;

import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.RaftMessage;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The flight recorder of a run: the last few hundred things that happened, with their virtual
 * time, printed when a run fails.
 *
 * <p>One line per message, written when its fate is known — delivered, dropped by the
 * unreliable network, lost on a disabled link or to a crashed server — using the message's
 * {@link RaftMessage#describe()}:
 * <pre>
 * t=1234 1->2 AppendEntries term=3 prev=2/10 commit=9 entries=[3/11] delivered
 * t=1250 2->1 AppendEntriesResponse term=3 ok match=11 delivered (sent t=1240)
 * t=1302 0->3 RequestVote term=4 last=3/11 lost: link disabled
 * </pre>
 * and one line per other event: role changes, crashes, restarts, connects, disconnects,
 * proposals, network settings.
 *
 * <p>Only the last {@link #capacity()} lines are kept (a ring buffer), and lines are formatted
 * only when read, so recording costs a few nanoseconds. Besides the lines, the trace keeps a
 * 64-bit <em>fingerprint</em> of every event of the whole run; two runs with the same
 * fingerprint took the same course, which is how the determinism test compares runs.
 *
 * <p><b>Threads:</b> thread-safe (synchronized), so a real-time harness may share one trace.
 */
public final class Trace {

    /** Lines kept by default; {@code -Dkontiki.traceLines=N} changes it. */
    public static final int DEFAULT_CAPACITY = 300;

    private final LongSupplier clock;
    private final Line[] ring;
    private long written;
    private long fingerprint = 0x6b6f6e74696b69L;

    /** A trace stamping lines with {@code clock} (virtual milliseconds), keeping {@code capacity} lines. */
    public Trace(LongSupplier clock, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.clock = clock;
        this.ring = new Line[capacity];
    }

    /** The capacity from {@code -Dkontiki.traceLines}, or {@value #DEFAULT_CAPACITY}. */
    public static int configuredCapacity() {
        return Integer.getInteger("kontiki.traceLines", DEFAULT_CAPACITY);
    }

    public int capacity() {
        return ring.length;
    }

    /** Records a message's fate, e.g. {@code "delivered"} or {@code "dropped: unreliable"}. */
    public void message(RaftMessage m, String fate) {
        message(m, fate, -1);
    }

    /** Records a message's fate; {@code sentAt} (or -1) is printed when it differs from now. */
    public synchronized void message(RaftMessage m, String fate, long sentAt) {
        long now = clock.getAsLong();
        add(new Line(now, m, fate, sentAt));
        long h = mix(mix(mix(fingerprint, now), fate.hashCode()), sentAt);
        fingerprint = mix(h, messageDigest(m));
    }

    /** Records any other event, in a few words, e.g. {@code "crash 2"}. */
    public synchronized void event(String text) {
        long now = clock.getAsLong();
        add(new Line(now, null, text, -1));
        fingerprint = mix(mix(fingerprint, now), text.hashCode());
    }

    /** The fingerprint of every event recorded since the trace was created. */
    public synchronized long fingerprint() {
        return fingerprint;
    }

    /** How many lines were ever recorded (including those no longer kept). */
    public synchronized long linesWritten() {
        return written;
    }

    /** The kept lines, oldest first, formatted. */
    public synchronized List<String> lines() {
        int kept = (int) Math.min(written, ring.length);
        List<String> out = new ArrayList<>(kept);
        long first = written - kept;
        for (long i = first; i < written; i++) {
            out.add(ring[(int) (i % ring.length)].format());
        }
        return out;
    }

    /** The kept lines, one per line, preceded by a note if older lines were dropped. */
    public String dump() {
        List<String> lines;
        long total;
        synchronized (this) {
            lines = lines();
            total = written;
        }
        StringBuilder b = new StringBuilder(lines.size() * 80 + 64);
        if (total > lines.size()) {
            b.append("... (").append(total - lines.size()).append(" earlier lines not kept; ")
                    .append("-Dkontiki.traceLines=N keeps more)\n");
        }
        for (String line : lines) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private void add(Line line) {
        ring[(int) (written % ring.length)] = line;
        written++;
    }

    private static long messageDigest(RaftMessage m) {
        long h = mix(mix(mix(m.getClass().getSimpleName().hashCode(), m.from()), m.to()), m.term());
        if (m instanceof AppendEntries ae) {
            h = mix(mix(mix(mix(h, ae.prevLogIndex()), ae.prevLogTerm()), ae.leaderCommit()),
                    ae.entries().size());
        } else if (m instanceof AppendEntriesResponse r) {
            h = mix(mix(mix(mix(h, r.success() ? 1 : 0), r.index()), r.conflictTerm()), r.conflictIndex());
        } else if (m instanceof RequestVote rv) {
            h = mix(mix(h, rv.lastLogIndex()), rv.lastLogTerm());
        } else if (m instanceof RequestVoteResponse r) {
            h = mix(h, r.granted() ? 1 : 0);
        } else if (m instanceof io.kontiki.raft.core.message.InstallSnapshot is) {
            h = mix(mix(mix(mix(mix(h, is.snapshot().index()), is.snapshot().term()), is.snapshot().checksum()),
                    is.offset()), is.data().length);
        } else if (m instanceof io.kontiki.raft.core.message.InstallSnapshotResponse r) {
            h = mix(mix(mix(h, r.snapshotIndex()), r.nextOffset()), r.installed() ? 1 : 0);
        } else {
            throw new IllegalArgumentException("unknown message type " + m.getClass().getName());
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }

    /** One recorded event; formatted lazily. */
    private record Line(long time, RaftMessage message, String text, long sentAt) {
        String format() {
            StringBuilder b = new StringBuilder(100).append("t=").append(time).append(' ');
            if (message != null) {
                b.append(message.describe()).append(' ');
            }
            b.append(text);
            if (sentAt >= 0 && sentAt != time) {
                b.append(" (sent t=").append(sentAt).append(')');
            }
            return b.toString();
        }
    }
}
