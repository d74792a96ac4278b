package io.kontiki.raft.core.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replicated log as one node holds it in memory: entries from index 1, of which a prefix
 * is stable (persisted) and the rest is unstable (waiting for the driver to persist it).
 * Ignorant of roles; pure; single-threaded.
 *
 * <p>Invariants: entries are contiguous from index 1; terms never decrease along the log;
 * {@code 0 <= stableIndex <= lastIndex}.
 */
public final class RaftLog {

    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long stableIndex;

    /** A log holding {@code persisted}, all of it stable. */
    public RaftLog(List<LogEntry> persisted) {
        for (LogEntry e : persisted) {
            appendChecked(e);
        }
        stableIndex = lastIndex();
    }

    public long lastIndex() {
        return entries.size();
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

    /** The term of the entry at {@code index}; 0 for index 0; -1 if there is no such entry. */
    public long termAt(long index) {
        if (index == 0) {
            return 0;
        }
        if (index < 0 || index > entries.size()) {
            return -1;
        }
        return entries.get((int) (index - 1)).term();
    }

    /** The entry at {@code index}; throws if there is none. */
    public LogEntry entryAt(long index) {
        if (index < 1 || index > entries.size()) {
            throw new IndexOutOfBoundsException("no entry " + index + " (last " + entries.size() + ")");
        }
        return entries.get((int) (index - 1));
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
     * reordered message must not truncate anything); at the first entry whose term differs,
     * this log's suffix is dropped and the rest appended.
     *
     * @return the index of the first entry dropped, or 0 if nothing was truncated
     */
    public long appendOrTruncate(List<LogEntry> newEntries) {
        long truncatedFrom = 0;
        for (LogEntry e : newEntries) {
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
        for (long i = lastIndex(); i >= index; i--) {
            entries.remove((int) (i - 1));
        }
        stableIndex = Math.min(stableIndex, index - 1);
    }

    /**
     * Consecutive entries from {@code from} up to {@code to} inclusive, at most
     * {@code maxEntries} of them and about {@code maxBytes} of data (at least one entry when
     * the range is not empty). An unmodifiable view: copy before keeping.
     */
    public List<LogEntry> slice(long from, long to, int maxEntries, long maxBytes) {
        if (from < 1 || from > to || from > lastIndex()) {
            return List.of();
        }
        long end = Math.min(to, lastIndex());
        long bytes = 0;
        long stop = from;
        while (stop <= end && stop - from < maxEntries) {
            bytes += entries.get((int) (stop - 1)).data().length;
            if (bytes > maxBytes && stop > from) {
                break;
            }
            stop++;
        }
        return Collections.unmodifiableList(entries.subList((int) (from - 1), (int) (stop - 1)));
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

    /** The first index of the run of entries that share the term of the entry at {@code index}. */
    public long firstIndexOfTermAt(long index) {
        long term = termAt(index);
        long i = index;
        while (i > 1 && termAt(i - 1) == term) {
            i--;
        }
        return i;
    }

    /** The last index at or below {@code atOrBelow} whose entry has {@code term}; 0 if none. */
    public long lastIndexOfTerm(long term, long atOrBelow) {
        for (long i = Math.min(atOrBelow, lastIndex()); i >= 1; i--) {
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
