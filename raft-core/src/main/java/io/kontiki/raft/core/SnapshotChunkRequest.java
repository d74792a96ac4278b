package io.kontiki.raft.core;

import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.InstallSnapshot;

/**
 * A chunk of the leader's snapshot that the core wants sent: the driver reads {@code length} bytes
 * at {@code offset} of {@code snapshot} from its storage (off the event loop) and sends
 * {@link #toMessage} with them. The core never holds snapshot bytes itself.
 */
public record SnapshotChunkRequest(int from, int to, long term, SnapshotMeta snapshot, long offset, int length) {

    public SnapshotChunkRequest {
        if (offset < 0 || length < 0 || offset + length > snapshot.size()) {
            throw new IllegalArgumentException("chunk [" + offset + ", " + (offset + length) + ") outside " + snapshot);
        }
    }

    /** The InstallSnapshot carrying {@code data}, which must be the {@code length} bytes read. */
    public InstallSnapshot toMessage(byte[] data) {
        if (data.length != length) {
            throw new IllegalArgumentException("read " + data.length + " bytes for a chunk of " + length);
        }
        return new InstallSnapshot(from, to, term, snapshot, offset, data);
    }
}
