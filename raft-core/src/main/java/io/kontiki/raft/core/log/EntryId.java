package io.kontiki.raft.core.log;

/** The identity of a log entry: its term and its index. Written {@code term/index}. */
public record EntryId(long term, long index) {

    /** The position before the first entry: term 0, index 0. */
    public static final EntryId ZERO = new EntryId(0, 0);

    @Override
    public String toString() {
        return term + "/" + index;
    }
}
