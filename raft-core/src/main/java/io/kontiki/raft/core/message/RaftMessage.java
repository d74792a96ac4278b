package io.kontiki.raft.core.message;

/**
 * A message between two Raft nodes. Raft here is message passing, not blocking RPC: a request
 * and its response are two independent one-way messages, and nothing ever waits for a reply.
 * Loss, delay, duplication and reordering are all the same to the core: a message arrives or
 * it does not.
 *
 * <p>Every message carries the sender's current term; {@code RaftCore.step} reconciles it
 * before dispatching by type (§5.1).
 */
public sealed interface RaftMessage
        permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, InstallSnapshot,
                InstallSnapshotResponse {

    /** The sending node's id. */
    int from();

    /** The receiving node's id. */
    int to();

    /** The sender's current term when it sent the message. */
    long term();

    /**
     * True for requests (RequestVote, AppendEntries, InstallSnapshot), false for responses. The lab's network
     * model treats the two differently (request loss before the handler, reply loss after it).
     */
    boolean isRequest();

    /** One line for traces, e.g. {@code 1->2 AppendEntries term=3 prev=2/10 commit=9 entries=[3/11]}. */
    String describe();
}
