package io.kontiki.raft.core.progress;

/**
 * A leader's view of one follower (Figure 2's matchIndex and nextIndex, plus flow control).
 *
 * <ul>
 *   <li><b>PROBE</b>: the leader does not know where the follower's log diverges. It sends one
 *       AppendEntries at a time and waits for the answer (or the next heartbeat) before the
 *       next, moving {@code next} back with each rejection's hint.</li>
 *   <li><b>REPLICATE</b>: the follower matched; the leader streams entries optimistically,
 *       advancing {@code next} as it sends, up to the inflight limit.</li>
 * </ul>
 * Invariant: {@code 0 <= match < next}.
 */
public final class Progress {

    public enum State { PROBE, REPLICATE }

    private long match;
    private long next;
    private State state = State.PROBE;
    private boolean probeSent;
    private long lastProgressTick;
    private final Inflights inflights;

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

    /** The tick of the last acknowledgement that moved {@code match}, or of the first send after one. */
    public long lastProgressTick() {
        return lastProgressTick;
    }

    /** True if no AppendEntries with entries should be sent now. */
    public boolean isPaused() {
        return state == State.PROBE ? probeSent : inflights.isFull();
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
     * is where the follower's answer says to resume. Returns false for a stale rejection.
     */
    public boolean maybeDecreaseTo(long rejected, long hintNext) {
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
    }

    public void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflights.reset();
    }

    /** A heartbeat interval passed: a paused probe may be retried. */
    public void resumeProbe() {
        probeSent = false;
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + " inflight=" + inflights.count();
    }
}
