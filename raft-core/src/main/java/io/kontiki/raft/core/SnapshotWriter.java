package io.kontiki.raft.core;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a snapshot of an application's state, captured when the writer was made, to a stream.
 *
 * <p><b>Thread:</b> {@link StateMachine#snapshot()} makes the writer on the apply thread; the
 * driver may call {@link #writeTo} on another thread, while later entries are being applied, so
 * the writer must not read the live state. <b>Blocking:</b> may block. <b>Errors:</b> an
 * exception abandons this snapshot (nothing is discarded from the log); the next one is tried
 * when the log has grown again.
 */
@FunctionalInterface
public interface SnapshotWriter {

    void writeTo(OutputStream out) throws IOException;
}
