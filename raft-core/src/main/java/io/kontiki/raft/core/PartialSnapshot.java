package io.kontiki.raft.core;

import io.kontiki.raft.core.log.SnapshotMeta;

/**
 * A snapshot a follower was receiving from a leader when it stopped: the first {@code bytes} bytes
 * of {@code snapshot} are durable in its storage. A transfer of the same snapshot resumes there.
 */
public record PartialSnapshot(SnapshotMeta snapshot, long bytes) {

    public PartialSnapshot {
        if (snapshot.isNone() || bytes < 0 || bytes > snapshot.size()) {
            throw new IllegalArgumentException("bad partial snapshot: " + bytes + " bytes of " + snapshot);
        }
    }
}
