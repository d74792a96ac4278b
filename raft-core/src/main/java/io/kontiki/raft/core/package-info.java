/**
 * Kontiki's Raft core: the protocol as a pure, single-threaded state machine
 * ({@link io.kontiki.raft.core.RaftCore}) and the thin driver that binds it to one event loop
 * ({@link io.kontiki.raft.core.RaftNode}).
 *
 * <h2>The core</h2>
 * Inputs: {@code step(message)}, {@code tick()}, {@code propose(command)}. Outputs: a
 * {@link io.kontiki.raft.core.Ready}. The core never blocks, sleeps, locks, reads a clock or
 * touches a file or socket; randomness comes from an injected, seeded {@link java.util.Random}.
 * A test ({@code CoreStaysPureTest}) and the enforcer rule in {@code raft-core/pom.xml} keep it so.
 *
 * <h2>The driver's duties</h2>
 * Whoever drives a {@code RaftCore} (normally {@code RaftNode}) must:
 * <ol>
 *   <li>Confine the core to one thread: every input runs on the event loop, one at a time.</li>
 *   <li>Call {@code tick()} every {@code config.tickMillis()} milliseconds.</li>
 *   <li>After the inputs of one loop turn, while {@code hasReady()}: take {@code ready()};</li>
 *   <li>persist its hard state and entries (truncating the stored suffix where the first entry
 *       overwrites it), write the snapshot chunks it received, let the compacted log go, and
 *       sync — one sync for the whole turn (group commit). {@code RaftNode} does this on a
 *       storage executor when given one, so an fsync never blocks the loop; inputs keep arriving
 *       meanwhile and their outputs wait for the next Ready;</li>
 *   <li>if it completes a received snapshot, install it ({@code Storage.installSnapshot}) and
 *       report the outcome ({@code snapshotInstalled}) once the rest of the Ready is done;</li>
 *   <li>only then send its messages (persist-then-send: a vote or an acknowledgement depends
 *       on what was just persisted; a leader's AppendEntries and a candidate's RequestVotes
 *       may go first, see
 *       {@code Ready.maySendBeforePersist});</li>
 *   <li>hand its snapshot to restore (if any) and then its committed entries, in order, to the
 *       state machine on a thread that is not the event loop;</li>
 *   <li>at any time, read the leader's snapshot chunks it asks for from storage, off the loop, and
 *       send them (reporting {@code snapshotUnavailable} if a chunk cannot be read);</li>
 *   <li>call {@code advance(ready)}, and only then take the next {@code ready()}.</li>
 * </ol>
 * And outside the Ready cycle: restore the state machine from the stored snapshot before applying
 * anything at start; when the application has stored a snapshot (or the driver took one at its
 * thresholds: {@code StateMachine.snapshot}, then {@code Storage.saveSnapshot} off the loop), call
 * {@code snapshotTaken}.
 *
 * <h2>Threads</h2>
 * {@code RaftNode}'s public methods are thread-safe hand-offs onto the loop. The
 * {@link io.kontiki.raft.core.LoopExecutor} contract is met by a Netty {@code EventLoop}, by a
 * single-threaded scheduled executor ({@link io.kontiki.raft.core.LoopExecutors}), and by the
 * test kit's virtual-time simulator.
 */
package io.kontiki.raft.core;
