package io.kontiki.raft.transport.netty;

import io.kontiki.raft.core.log.SnapshotMeta;
import io.kontiki.raft.core.message.InstallSnapshot;
import java.util.HexFormat;
import java.util.List;

/**
 * Wire messages as values that are equal when their contents are. {@link InstallSnapshot} is a
 * record holding a {@code byte[]}, so its own {@code equals} compares the chunk by identity and a
 * decoded copy never equals the original; tests compare messages through {@link #of}.
 */
final class MessageContent {

    private MessageContent() {
    }

    /** An InstallSnapshot with its data as hex, so that records compare it by value. */
    record InstallSnapshotContent(int from, int to, long term, SnapshotMeta snapshot, long offset, String data) {
    }

    /** {@code m} itself, or for an InstallSnapshot a value that equals another with the same fields and bytes. */
    static Object of(Object m) {
        return m instanceof InstallSnapshot s
                ? new InstallSnapshotContent(s.from(), s.to(), s.term(), s.snapshot(), s.offset(),
                        HexFormat.of().formatHex(s.data()))
                : m;
    }

    static List<Object> ofAll(List<?> messages) {
        return messages.stream().map(MessageContent::of).toList();
    }
}
