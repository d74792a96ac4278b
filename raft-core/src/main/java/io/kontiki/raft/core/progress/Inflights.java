package io.kontiki.raft.core.progress;

/**
 * The AppendEntries messages with entries sent to one peer and not yet acknowledged, as the
 * last index each carried: a bounded FIFO that limits how far a leader runs ahead of a
 * follower in the replicate state.
 */
public final class Inflights {

    private final long[] lastIndexes;
    private int start;
    private int count;

    public Inflights(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.lastIndexes = new long[capacity];
    }

    public boolean isFull() {
        return count == lastIndexes.length;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int count() {
        return count;
    }

    /** Records a message whose last entry is {@code lastIndex}; indexes must increase. */
    public void add(long lastIndex) {
        if (isFull()) {
            throw new IllegalStateException("inflights full (" + count + ")");
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Frees every message whose last index is at or below {@code index}. */
    public void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    public void reset() {
        start = 0;
        count = 0;
    }
}
