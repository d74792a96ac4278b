package io.kontiki.raft.core.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replicated log as one node holds it in memory: the entries after a <b>base</b>, of which a
 * prefix is stable (persisted) and the rest is unstable (waiting for the driver to persist it).
 * Ignorant of roles; pure; single-threaded.
 *
 * <p>The base is the entry just before the first one held: {@link EntryId#ZERO} for a log that
 * starts at index 1, otherwise the last entry discarded because a snapshot covers it. Its term is
 * still known, so an AppendEntries may follow it. The log also knows the last entry covered by the
 * newest snapshot, which may lie after the base (entries are kept past a snapshot for followers
 * that are only a little behind).
 *
 * <p>Every index is turned into a position in one place ({@link #position}).
 *
 * <p>Invariants: entries are contiguous from {@code firstIndex()}; terms never decrease along the
 * log (the base's and the snapshot's terms included);
 * {@code base.index <= snapshot.index <= lastIndex} and {@code base.index <= stableIndex <= lastIndex}.
 */
public final class RaftLog {

    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private EntryId base;
    private EntryId snapshot;
    private long stableIndex;

    /** A log holding {@code persisted} from index 1, all of it stable. */
    public RaftLog(List<LogEntry> persisted) {
        this(SnapshotMeta.NONE, persisted);
    }

    /**
     * A log after {@code snapshot} holding {@code persisted}, which must start at the index after
     * the snapshot's, all of it stable.
     */
    public RaftLog(SnapshotMeta snapshot, List<LogEntry> persisted) {
        this.base = snapshot.id();
        this.snapshot = snapshot.id();
        for (LogEntry e : persisted) {
            appendChecked(e);
        }
        stableIndex = lastIndex();
    }

    /** The index of the first entry held; {@code lastIndex() + 1} when none is. */
    public long firstIndex() {
        return base.index() + 1;
    }

    /** The entry before the first one held, whose term is still known. */
    public EntryId base() {
        return base;
    }

    /** The last entry covered by the newest snapshot; {@link EntryId#ZERO} when there is none. */
    public EntryId snapshotId() {
        return snapshot;
    }

    public long lastIndex() {
        return base.index() + entries.size();
    }

    public long lastTerm() {
        return termAt(lastIndex());
    }

    public EntryId lastId() {
        return new EntryId(lastTerm(), lastIndex());
    }

    /** The index of the last persisted entry. */
    public long stableIndex() {
        return stableIndex;
    }

    /**
     * The term of the entry at {@code index}: known for the base (0 for index 0) and every entry
     * held; -1 for an index past the end or before the base (compacted: see {@link #isCompacted}).
     */
    public long termAt(long index) {
        if (index == base.index()) {
            return base.term();
        }
        if (index < base.index() || index > lastIndex()) {
            return -1;
        }
        return entries.get(position(index)).term();
    }

    /** True if {@code index} lies before the base: its entry was discarded and its term is unknown. */
    public boolean isCompacted(long index) {
        return index < base.index();
    }

    /** The entry at {@code index}; throws if it is not held. */
    public LogEntry entryAt(long index) {
        if (index < firstIndex() || index > lastIndex()) {
            throw new IndexOutOfBoundsException("no entry " + index + " (held " + firstIndex() + ".." + lastIndex() + ")");
        }
        return entries.get(position(index));
    }

    /** True if the log holds an entry at {@code index} with {@code term} (index 0 matches term 0). */
    public boolean matches(long index, long term) {
        return termAt(index) == term && term >= 0;
    }

    /**
     * The election restriction (§5.4.1): true if a log ending at {@code (lastTerm, lastIndex)}
     * is at least as up-to-date as this one.
     */
    public boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long myTerm = lastTerm();
        return otherLastTerm > myTerm || (otherLastTerm == myTerm && otherLastIndex >= lastIndex());
    }

    /** Appends a new entry at the end (the leader's path); returns its index. */
    public long append(long term, EntryType type, byte[] data) {
        long index = lastIndex() + 1;
        appendChecked(new LogEntry(term, index, type, data));
        return index;
    }

    /**
     * The follower's path (§5.3, steps 3–4): {@code newEntries} follow an entry this log
     * already matches. Entries already present with the same term are kept (a duplicate or
     * reordered message must not truncate anything), and so are entries at or before the base
     * (a snapshot covers them: they are committed); at the first entry whose term differs, this
     * log's suffix is dropped and the rest appended.
     *
     * @return the index of the first entry dropped, or 0 if nothing was truncated
     */
    public long appendOrTruncate(List<LogEntry> newEntries) {
        long truncatedFrom = 0;
        for (LogEntry e : newEntries) {
            if (e.index() <= base.index()) {
                continue;
            }
            long existing = termAt(e.index());
            if (existing == e.term()) {
                continue;
            }
            if (existing != -1) {
                truncateFrom(e.index());
                truncatedFrom = e.index();
            }
            appendChecked(e);
        }
        return truncatedFrom;
    }

    private void truncateFrom(long index) {
        if (index <= snapshot.index()) {
            throw new IllegalStateException("cannot truncate at " + index + ": the snapshot covers up to "
                    + snapshot.index());
        }
        entries.subList(position(index), entries.size()).clear();
        stableIndex = Math.min(stableIndex, index - 1);
    }

    /**
     * Consecutive entries from {@code from} up to {@code to} inclusive, at most
     * {@code maxEntries} of them and about {@code maxBytes} of data (at least one entry when
     * the range is not empty). An unmodifiable view: copy before keeping.
     */
    public List<LogEntry> slice(long from, long to, int maxEntries, long maxBytes) {
        if (from < firstIndex() || from > to || from > lastIndex()) {
            return List.of();
        }
        long end = Math.min(to, lastIndex());
        long bytes = 0;
        long stop = from;
        while (stop <= end && stop - from < maxEntries) {
            bytes += entries.get(position(stop)).data().length;
            if (bytes > maxBytes && stop > from) {
                break;
            }
            stop++;
        }
        return Collections.unmodifiableList(entries.subList(position(from), position(stop)));
    }

    /** The entries not yet persisted. */
    public List<LogEntry> unstableEntries() {
        return slice(stableIndex + 1, lastIndex(), Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Marks everything up to {@code id} persisted, unless that entry has since been replaced. */
    public void stableTo(EntryId id) {
        if (id.index() > stableIndex && termAt(id.index()) == id.term()) {
            stableIndex = id.index();
        }
    }

    /**
     * The first index of the run of entries that share the term of the entry at {@code index},
     * as far back as the log holds entries (the run may continue before the base).
     */
    public long firstIndexOfTermAt(long index) {
        long term = termAt(index);
        long i = index;
        while (i > firstIndex() && termAt(i - 1) == term) {
            i--;
        }
        return i;
    }

    /**
     * The last index at or below {@code atOrBelow} whose entry has {@code term}, searching back
     * to the base; 0 if none.
     */
    public long lastIndexOfTerm(long term, long atOrBelow) {
        for (long i = Math.min(atOrBelow, lastIndex()); i >= Math.max(1, base.index()); i--) {
            long t = termAt(i);
            if (t == term) {
                return i;
            }
            if (t < term) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * Records that a snapshot now covers every entry up to {@code id}, an entry this log holds
     * (or its base). Entries are not discarded here: see {@link #compactTo}.
     */
    public void snapshotTaken(EntryId id) {
        if (id.index() <= snapshot.index()) {
            throw new IllegalArgumentException("snapshot " + id + " is not newer than " + snapshot);
        }
        if (termAt(id.index()) != id.term()) {
            throw new IllegalArgumentException("snapshot " + id + " does not match the log (term "
                    + termAt(id.index()) + " at index " + id.index() + ")");
        }
        snapshot = id;
    }

    /**
     * Discards every entry up to {@code index}, which becomes the base. Only entries that a
     * snapshot covers and that are stable may go: {@code base <= index <= min(snapshot, stable)}.
     */
    public void compactTo(long index) {
        if (index < base.index() || index > snapshot.index() || index > stableIndex) {
            throw new IllegalArgumentException("cannot compact to " + index + " (base " + base.index()
                    + ", snapshot " + snapshot.index() + ", stable " + stableIndex + ")");
        }
        if (index == base.index()) {
            return;
        }
        EntryId newBase = new EntryId(termAt(index), index);
        entries.subList(0, position(index + 1)).clear();
        base = newBase;
    }

    /**
     * Installs a snapshot received from the leader, newer than this log's (§7, Figure 13 steps
     * 6–7): if the log holds the snapshot's last entry, the entries after it are kept; otherwise
     * the whole log is discarded. Either way the snapshot's last entry becomes the base.
     *
     * @return whether the entries after the snapshot were kept
     */
    public boolean restore(EntryId id) {
        if (id.index() <= snapshot.index()) {
            throw new IllegalArgumentException("snapshot " + id + " is not newer than " + snapshot);
        }
        boolean keep = matches(id.index(), id.term());
        if (keep) {
            entries.subList(0, position(id.index() + 1)).clear();
            stableIndex = Math.max(stableIndex, id.index());
        } else {
            entries.clear();
            stableIndex = id.index();
        }
        base = id;
        snapshot = id;
        return keep;
    }

    /** The position in {@link #entries} of the entry at {@code index}, which must be held (or be one past the end). */
    private int position(long index) {
        return Math.toIntExact(index - firstIndex());
    }

    private void appendChecked(LogEntry e) {
        if (e.index() != lastIndex() + 1) {
            throw new IllegalArgumentException("entry " + e.id() + " does not follow index " + lastIndex());
        }
        if (e.term() < lastTerm()) {
            throw new IllegalArgumentException("entry " + e.id() + " has a term below the last term " + lastTerm());
        }
        entries.add(e);
    }
}
