package io.kontiki.raft.server.client;

/**
 * A {@link KontikiClient} request did not succeed. The message is one line naming the request,
 * what went wrong and, for a timeout, the last problem seen.
 *
 * <p>{@link #outcomeUnknown()} tells the two cases apart that matter to a caller: {@code false}
 * means the request certainly did not take effect (a server refused it, no server was
 * reached); {@code true} means a write may have taken effect (it reached a leader, but the
 * answer was lost or unknown until the timeout). A retry of an unknown write by the same client
 * object is a new write, with a new sequence number.
 */
public final class KontikiClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public KontikiClientException(String message, boolean outcomeUnknown) {
        super(message);
        this.outcomeUnknown = outcomeUnknown;
    }

    public KontikiClientException(String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** True if the request may have taken effect; false if it certainly did not. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
