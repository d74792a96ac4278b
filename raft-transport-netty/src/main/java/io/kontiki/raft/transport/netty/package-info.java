/**
 * The Netty transport between Kontiki nodes.
 *
 * <h2>The transport</h2>
 * {@link io.kontiki.raft.transport.netty.NettyTransport} implements raft-core's
 * {@code Transport}: one listening socket per node, one outbound connection per peer (a node's
 * requests and responses to a peer all travel on it; accepted connections only carry inbound
 * traffic), reconnected with bounded exponential backoff and jitter. Each node runs on one
 * Netty {@code EventLoop} that is both its Raft loop and the loop of all its channels
 * ({@link io.kontiki.raft.transport.netty.EventLoops}); sends never block (a message that
 * cannot go now is dropped and counted in
 * {@link io.kontiki.raft.transport.netty.TransportStats}) and are flushed once per loop turn.
 * {@link io.kontiki.raft.transport.netty.FaultInjector} and
 * {@link io.kontiki.raft.transport.netty.LinkFaults} inject loss, delay, duplication and cuts
 * into real frames, off by default.
 *
 * <p>The rest of this page describes the wire: how bytes become messages, and what happens
 * when they do not.
 *
 * <h2>Frames</h2>
 * A connection carries a sequence of frames, each holding exactly one message:
 * <pre>
 *  byte 0                4          5
 *       +----------------+----------+------------------------------------------+
 *       | length         | class ID | the message's fields (see below)         |
 *       | 4 bytes,       | varint   |                                          |
 *       | big-endian,    | of       |                                          |
 *       | unsigned       | ID + 2   |                                          |
 *       +----------------+----------+------------------------------------------+
 *                        |&lt;-------------------- length bytes -------------------&gt;|
 * </pre>
 * <ul>
 *   <li><b>length</b>: the number of bytes after the prefix. The whole frame, prefix
 *       included, is at most {@link io.kontiki.raft.transport.netty.CodecLimits#maxFrameBytes()}
 *       (16 MiB by default).</li>
 *   <li><b>class ID</b>: the message's registration ID in
 *       {@link io.kontiki.raft.transport.netty.RaftKryoRegistry}, written by Kryo as a varint of
 *       ID + 2 (Kryo reserves 0 for null and 1 for "class name follows", both refused here).
 *       All IDs are below 126, so this is one byte: 0x0c for a Handshake.</li>
 * </ul>
 * Integers are little-endian base-128 varints (7 bits a byte, high bit set on every byte but
 * the last; a long takes at most 9 bytes, the ninth carrying 8 bits):
 * <ul>
 *   <li><b>uvarint</b>: terms, indexes, versions, lengths, counts: must not be negative;</li>
 *   <li><b>zvarint</b>: node ids, zigzag-encoded so that -1 ("none") is one byte (0x01);
 *       below -1 is refused;</li>
 *   <li><b>bool</b>: one byte, 0x00 or 0x01, nothing else;</li>
 *   <li><b>string</b>: uvarint byte length, then that many bytes of well-formed UTF-8.</li>
 * </ul>
 *
 * <h2>Messages</h2>
 * <pre>
 *  ID  message                  fields after the class ID
 *  --  -----------------------  ---------------------------------------------------------
 *  10  Handshake                'K' 'N' 'T' 'K' | version uvarint | clusterId string
 *                               | nodeId zvarint
 *  11  HandshakeReply           accepted bool | reason string
 *  12  Ping                     (none)
 *  13  Pong                     (none)
 *  20  RequestVote              from zvarint | to zvarint | term uvarint
 *                               | lastLogIndex uvarint | lastLogTerm uvarint
 *  21  RequestVoteResponse      from | to | term | granted bool
 *  22  AppendEntries            from | to | term | prevLogIndex uvarint | prevLogTerm uvarint
 *                               | leaderCommit uvarint | count uvarint | count x entry
 *        entry                  term uvarint | index uvarint | type byte (0 COMMAND, 1 NOOP)
 *                               | length uvarint | length bytes of data
 *  23  AppendEntriesResponse    from | to | term | success bool | index uvarint
 *                               | conflictTerm uvarint | conflictIndex uvarint
 *  24  InstallSnapshot          from | to | term | snapshot | offset uvarint
 *                               | length uvarint | length bytes of data
 *        snapshot               index uvarint | term uvarint | size uvarint
 *                               | checksum 4 bytes, little-endian
 *  25  InstallSnapshotResponse  from | to | term | snapshotIndex uvarint
 *                               | nextOffset uvarint | installed bool
 * </pre>
 * For example, a heartbeat from node 1 to node 2 in term 5, after entry 4/100, commit 99:
 * <pre>
 *  00 00 00 08 | 18 | 02 04 | 05 | 64 | 04 | 63 | 00
 *  length 8      22   1  2    5    100  4    99   no entries
 * </pre>
 * The only chunk of a 3-byte snapshot covering the entries up to 4/100 (checksum 0x0a0b0c0d),
 * from node 1 to node 2 in term 5:
 * <pre>
 *  00 00 00 10 | 1a | 02 04 | 05 | 64 | 04 | 03 | 0d 0c 0b 0a | 00 | 03 | 01 02 03
 *  length 16     24   1  2    5    100  4    3    0x0a0b0c0d    0    3    1 2 3
 * </pre>
 * Node 2's answer once it has installed it (the next offset is the size, 3):
 * <pre>
 *  00 00 00 07 | 1b | 04 02 | 05 | 64 | 03 | 01
 *  length 7      25   2  1    5    100  3    installed
 * </pre>
 * The layouts are pinned by {@code KryoCodecTest}. IDs never change and are never reused; a
 * new message takes a new ID, and a changed layout a new ID or a new protocol version.
 *
 * <h2>A connection</h2>
 * <ol>
 *   <li>The connecting node sends a {@link io.kontiki.raft.transport.netty.Handshake}: the magic
 *       {@code KNTK} (so that a node reached by some other protocol, or reaching one, fails on
 *       the first frame), its protocol version, cluster id and node id. Neither the handshake's
 *       ID nor its layout ever changes, so that any two versions can read each other's.</li>
 *   <li>The acceptor answers with a {@link io.kontiki.raft.transport.netty.HandshakeReply}:
 *       accepted, or refused with a one-line reason, after which it closes the connection.</li>
 *   <li>Then Raft messages flow, each a one-way message: a response is a message like any
 *       other, never awaited.</li>
 *   <li>A connecting node that has written nothing for a while sends a
 *       {@link io.kontiki.raft.transport.netty.Ping}; the acceptor answers with a
 *       {@link io.kontiki.raft.transport.netty.Pong}. A connection that reads nothing for its
 *       idle timeout is closed and reconnected.</li>
 * </ol>
 *
 * <h2>Pipeline</h2>
 * {@link io.kontiki.raft.transport.netty.WireCodec#install} adds framing then serialization:
 * a {@code LengthFieldBasedFrameDecoder} and a {@code LengthFieldPrepender}, then
 * {@link io.kontiki.raft.transport.netty.KryoMessageDecoder} and
 * {@link io.kontiki.raft.transport.netty.KryoMessageEncoder}; the
 * {@link io.kontiki.raft.transport.netty.ProtocolErrorHandler} goes last. Both Kryo handlers
 * own a Kryo instance, which is not thread-safe, so every channel gets its own; the
 * serialization itself is {@link io.kontiki.raft.transport.netty.KryoCodec}, usable without
 * Netty.
 *
 * <h2>Limits and bad input</h2>
 * Every length or count read from the wire is checked, before anything is allocated, against
 * its limit in {@link io.kontiki.raft.transport.netty.CodecLimits} (frame size, entries per
 * message, entry size, string size) and against the bytes left in the frame. A peer can thus
 * make a node hold at most one frame per connection. Beyond the fields, an AppendEntries'
 * entries must look like a leader's log: indexes consecutive from {@code prevLogIndex + 1},
 * terms from 1 up, never decreasing, not below {@code prevLogTerm}, not above the message's
 * term; a NOOP carries no data. An InstallSnapshot's chunk must be one a leader could send: a
 * snapshot at index 1 or above, its term from 1 up and not above the message's term, and data
 * of at most the entry size limit lying inside the snapshot's bytes ({@code offset + length <=
 * size}; the last chunk may be empty). The core relies on all of this without checking again.
 *
 * <p>Any violation is a protocol error: a length prefix above the limit (which includes any
 * prefix with its top bit set) as soon as the prefix is read, without waiting for or buffering
 * the body; an unknown class ID; a count or length too large; a negative term or index; an
 * unknown entry type; a snapshot chunk outside its snapshot; a bad magic; malformed UTF-8; a
 * frame ending inside a field; bytes left after a complete message. The decoder raises a
 * {@link io.kontiki.raft.transport.netty.ProtocolException} with a one-line description,
 * releases the frame and drops every later frame; the error handler closes the connection
 * and logs one rate-limited line. The peer reconnects and starts over with a handshake.
 * Messages before the bad frame have been delivered; none after it are. A peer that hangs up
 * in the middle of a frame is not a protocol error: the partial frame is discarded.
 *
 * <p>The encoder makes the same checks, so that a local bug fails one write (its future
 * fails with the {@code ProtocolException}) instead of costing the connection.
 */
package io.kontiki.raft.transport.netty;
