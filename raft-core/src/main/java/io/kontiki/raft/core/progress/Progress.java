package io.kontiki.raft.core.progress;

import io.kontiki.raft.core.log.SnapshotMeta;

/**
 * A leader's view of one follower (Figure 2's matchIndex and nextIndex, plus flow control).
 *
 * <ul>
 *   <li><b>PROBE</b>: the leader does not know where the follower's log diverges. It sends one
 *       AppendEntries at a time and waits for the answer (or the next heartbeat) before the
 *       next, moving {@code next} back with each rejection's hint.</li>
 *   <li><b>REPLICATE</b>: the follower matched; the leader streams entries optimistically,
 *       advancing {@code next} as it sends, up to the inflight limit.</li>
 *   <li><b>SNAPSHOT</b>: the follower needs entries the leader has discarded; the leader sends it
 *       a snapshot in chunks, at most a bounded number of bytes beyond the last acknowledged
 *       offset at a time, and no AppendEntries with entries until the follower has installed it.</li>
 * </ul>
 * Invariant: {@code 0 <= match < next}; in SNAPSHOT, {@code acked <= sent <= snapshot.size()}.
 */
public final class Progress {

    public enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    private boolean probeSent;
    private long lastProgressTick;
    private final Inflights inflights;
    /** SNAPSHOT only: the snapshot being sent, the bytes acknowledged and the bytes sent. */
    private SnapshotMeta snapshot = SnapshotMeta.NONE;
    private long acked;
    private long sent;
    private boolean lastChunkSent;
    /** SNAPSHOT: after a resend, one chunk at a time until the follower answers (a probe, not a window). */
    private boolean snapshotProbing;
    private long lastResendTick;

    public Progress(long next, int maxInflight) {
        this.next = Math.max(1, next);
        this.inflights = new Inflights(maxInflight);
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public State state() {
        return state;
    }

    public Inflights inflights() {
        return inflights;
    }

    /**
     * The tick of the last acknowledgement that moved {@code match} (or, in SNAPSHOT, the
     * acknowledged offset), or of the first send after one.
     */
    public long lastProgressTick() {
        return lastProgressTick;
    }

    /** True if no AppendEntries with entries should be sent now. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.isFull();
            case SNAPSHOT -> true;
        };
    }

    /** An acknowledgement up to {@code index}; returns true if it moved {@code match}. */
    public boolean maybeUpdate(long index, long nowTick) {
        boolean updated = false;
        if (index > match) {
            match = index;
            updated = true;
            lastProgressTick = nowTick;
        }
        next = Math.max(next, index + 1);
        probeSent = false;
        return updated;
    }

    /**
     * A rejection of the AppendEntries whose prevLogIndex was {@code rejected}; {@code hintNext}
     * is where the follower's answer says to resume. Returns false for a stale rejection, and in
     * SNAPSHOT (where only the snapshot's outcome moves the follower on).
     */
    public boolean maybeDecreaseTo(long rejected, long hintNext) {
        if (state == State.SNAPSHOT) {
            return false;
        }
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            becomeProbe();
            next = clamp(hintNext, rejected);
            return true;
        }
        if (rejected != next - 1) {
            return false;
        }
        next = clamp(hintNext, rejected);
        probeSent = false;
        return true;
    }

    private long clamp(long hintNext, long rejected) {
        return Math.max(match + 1, Math.min(hintNext, rejected));
    }

    /** Records that an AppendEntries was sent whose last entry is {@code lastIndex} (0 if empty). */
    public void sent(long lastIndex, long nowTick) {
        if (state == State.REPLICATE) {
            if (lastIndex > 0) {
                if (inflights.isEmpty()) {
                    lastProgressTick = nowTick;
                }
                inflights.add(lastIndex);
                next = lastIndex + 1;
            }
        } else {
            probeSent = true;
        }
    }

    public void becomeProbe() {
        state = State.PROBE;
        next = match + 1;
        probeSent = false;
        inflights.reset();
        snapshot = SnapshotMeta.NONE;
    }

    public void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflights.reset();
        snapshot = SnapshotMeta.NONE;
    }

    /** A heartbeat interval passed: a paused probe may be retried. */
    public void resumeProbe() {
        probeSent = false;
    }

    // ---- SNAPSHOT ----------------------------------------------------------------------

    /** Starts sending {@code meta} from its first byte. */
    public void becomeSnapshot(SnapshotMeta meta, long nowTick) {
        if (meta.isNone()) {
            throw new IllegalArgumentException("no snapshot to send");
        }
        state = State.SNAPSHOT;
        snapshot = meta;
        acked = 0;
        sent = 0;
        lastChunkSent = false;
        snapshotProbing = false;
        probeSent = false;
        inflights.reset();
        lastProgressTick = nowTick;
    }

    /** SNAPSHOT: the snapshot being sent; {@link SnapshotMeta#NONE} in the other states. */
    public SnapshotMeta snapshot() {
        return snapshot;
    }

    /** SNAPSHOT: the bytes the follower has acknowledged holding durably. */
    public long snapshotAcked() {
        return acked;
    }

    /** SNAPSHOT: the bytes sent so far (from the start, or from the last resend point). */
    public long snapshotSent() {
        return sent;
    }

    /**
     * SNAPSHOT: the length of the next chunk to send, at offset {@link #snapshotSent()}, or -1 if
     * nothing is to be sent now: every byte is out, or {@code maxInflightBytes} are sent and not yet
     * acknowledged (or, after a resend, one chunk is out and not yet answered). The last chunk may
     * be empty (an empty snapshot is one empty chunk).
     */
    public int nextChunkLength(int maxChunkBytes, long maxInflightBytes) {
        if (state != State.SNAPSHOT || lastChunkSent || sent - acked >= maxInflightBytes
                || (snapshotProbing && sent > acked)) {
            return -1;
        }
        return (int) Math.min(maxChunkBytes, snapshot.size() - sent);
    }

    /** SNAPSHOT: a chunk of {@code length} bytes at {@link #snapshotSent()} went out. */
    public void chunkSent(int length) {
        sent += length;
        if (sent == snapshot.size()) {
            lastChunkSent = true;
        }
    }

    /**
     * SNAPSHOT: the follower holds the first {@code nextOffset} bytes durably. An offset past what
     * was acknowledged moves the transfer on (a follower that already held part of this snapshot,
     * from before a restart or a leader change, skips ahead); an offset below it means the follower
     * lost those bytes or they did not verify, and the transfer resends from there. The same offset
     * again changes nothing: chunks lost after it are resent when the retransmission timer fires
     * ({@link #resendFromAcked}). Returns true if the answer moved the transfer.
     */
    public boolean snapshotAcknowledged(long nextOffset, long nowTick) {
        if (nextOffset > snapshot.size() || nextOffset == acked) {
            return false;
        }
        if (nextOffset > acked) {
            acked = nextOffset;
            sent = Math.max(sent, acked);
        } else {
            resendFrom(nextOffset);
        }
        snapshotProbing = false;
        lastProgressTick = nowTick;
        return true;
    }

    /**
     * SNAPSHOT: the chunks after the last acknowledged offset seem lost; send again from there (if
     * every byte was acknowledged, the last chunk again, so that the follower answers once more),
     * one chunk until the follower answers: a follower that is only slow (a long fsync) is not
     * sent a second window on top of the first, which would fill the transport's buffer.
     */
    public void resendFromAcked(int maxChunkBytes, long nowTick) {
        resendFrom(acked < snapshot.size() ? acked : Math.max(0, snapshot.size() - maxChunkBytes));
        snapshotProbing = true;
        lastResendTick = nowTick;
    }

    /** SNAPSHOT: the tick of the last answer that moved the transfer, or of the last resend, whichever is later. */
    public long snapshotQuietSince() {
        return Math.max(lastProgressTick, lastResendTick);
    }

    private void resendFrom(long offset) {
        acked = Math.min(acked, offset);
        sent = offset;
        lastChunkSent = false;
    }

    @Override
    public String toString() {
        if (state == State.SNAPSHOT) {
            return state + " match=" + match + " snapshot=" + snapshot.term() + "/" + snapshot.index() + " acked="
                    + acked + " sent=" + sent + "/" + snapshot.size();
        }
        return state + " match=" + match + " next=" + next + " inflight=" + inflights.count();
    }
}
