package io.kontiki.raft.server.storage;

/**
 * A data directory cannot be used: it belongs to another node or cluster, another process holds
 * its lock, or it cannot be created, read or written. The message is one line meant for the
 * operator, naming the directory and what is wrong.
 */
public final class DataDirectoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
