package io.kontiki.raft.server.storage;

import java.nio.file.Path;

/**
 * A durable-storage file failed validation where a crash cannot explain it: a bad record before
 * the tail of the log, a gap in indexes, a bad record in a segment that is not the last, or a
 * corrupt hard-state file. Thrown instead of silently dropping data; the message names the file
 * and the byte offset. Recovery needs an operator (restore the node from a peer, or remove the
 * file's bad suffix by hand if the loss is acceptable).
 */
public final class CorruptLogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public CorruptLogException(Path file, long offset, String problem) {
        super(file + ": " + problem + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
