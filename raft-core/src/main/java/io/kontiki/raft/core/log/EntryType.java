package io.kontiki.raft.core.log;

/** What a log entry carries. */
public enum EntryType {
    /** An application command: opaque bytes handed to the state machine once committed. */
    COMMAND,
    /**
     * The empty entry a new leader appends at the start of its term (when configured), so that
     * entries of earlier terms commit without waiting for a client (§5.4.2, §8).
     */
    NOOP
}
