package io.kontiki.raft.server.kv;

/**
 * Told about every entry {@link KvStateMachine} applies; the server uses it to complete the
 * client requests waiting for an index.
 *
 * <p><b>Thread:</b> called on the node's apply thread, after the entry has taken effect (so
 * {@link KvStateMachine#lastAppliedIndex()} is already {@code index}), once per index, in log
 * order. <b>Blocking:</b> must not block: later entries wait. <b>Errors:</b> an exception is
 * logged and ignored; the state machine goes on.
 */
@FunctionalInterface
public interface ApplyListener {

    /** A listener that does nothing. */
    ApplyListener NONE = (index, term, result) -> { };

    /**
     * @param index  the entry's log index
     * @param term   the entry's term (compare it with the term a request was proposed in: a
     *               different term at the same index means the request's entry was replaced)
     * @param result the command's result; null for a no-op entry, and for a command entry whose
     *               bytes do not decode (logged; the entry is skipped on every replica alike)
     */
    void applied(long index, long term, KvResult result);
}
