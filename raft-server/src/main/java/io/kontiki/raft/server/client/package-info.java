/**
 * The client protocol: {@link io.kontiki.raft.server.client.ClientServer} on each node's client
 * port, {@link io.kontiki.raft.server.client.KontikiClient} in applications, both over Netty
 * with the peer protocol's framing and hardening (see raft-transport-netty's package
 * documentation), but their own messages and registry.
 *
 * <h2>Frames</h2>
 * One message per frame, as on the peer port:
 * <pre>
 *  byte 0                4          5
 *       +----------------+----------+------------------------------------------+
 *       | length         | class ID | the message's fields (see below)         |
 *       | 4 bytes, big-  | varint   |                                          |
 *       | endian,        | of ID+2  |                                          |
 *       | unsigned       |          |                                          |
 *       +----------------+----------+------------------------------------------+
 *                        |&lt;-------------------- length bytes -------------------&gt;|
 * </pre>
 * A whole frame is at most {@code maxFrameBytes} (4 MiB by default: a CAS with two 1 MiB values
 * fits). Class IDs come from {@link io.kontiki.raft.server.client.ClientKryoRegistry}: 40, 41,
 * 42, disjoint from the peer protocol's, so a peer and a client that dial the wrong port fail
 * on the first frame.
 *
 * <h2>Fields</h2>
 * uvarint: unsigned base-128 varint, not negative. zvarint: zigzag varint, at least -1 (-1 is
 * "none"). long8: 8 bytes, little-endian. bytes: uvarint length, then the bytes. string: bytes
 * holding well-formed UTF-8. flags: one byte; unknown bits are refused.
 * <pre>
 *  ID  message          fields after the class ID
 *  --  ---------------  ---------------------------------------------------------------
 *  40  ClientRequest    requestId uvarint | clientId long8 | sequence uvarint
 *                       | op byte (0 PUT, 1 GET, 2 DELETE, 3 CAS, 4 STATUS, 5 SNAPSHOT)
 *                       | flags (0x01 value, 0x02 expected, 0x04 expectAbsent)
 *                       | key string (&lt;= 1 KiB) | [value bytes (&lt;= 1 MiB)]
 *                       | [expected bytes (&lt;= 1 MiB)]
 *  41  ClientResponse   requestId uvarint | status byte (0 OK, 1 NOT_FOUND, 2 CAS_FAILED,
 *                       3 NOT_LEADER, 4 UNKNOWN_OUTCOME, 5 ERROR, 6 SESSION_EXPIRED)
 *                       | leaderHint zvarint
 *                       | flags (0x01 value) | [value bytes (&lt;= 1 MiB)]
 *                       | message string (&lt;= 1 KiB)
 *  42  StatusResponse   requestId uvarint | nodeId zvarint | role string | term uvarint
 *                       | leaderId zvarint | commitIndex uvarint | appliedIndex uvarint
 *                       | lastContactMillis zvarint
 * </pre>
 * For example, GET "k" as request 1 of client 42:
 * <pre>
 *  00 00 00 0f | 2a | 01 | 2a 00 00 00 00 00 00 00 | 00 | 01 | 00 | 01 6b
 *  length 15     40   id   clientId 42               seq  GET  flags key "k"
 * </pre>
 * The records' own rules hold on the wire too (a PUT carries a value, a CAS exactly one of an
 * expected value and expectAbsent, a write's sequence is at least 1, ...): the decoder builds
 * each message through its constructor. The layouts are pinned by {@code ClientCodecTest}; a
 * changed layout takes a new class ID. A new status code is not a new layout: codes are
 * appended, never renumbered. A client older than a code refuses it as a protocol error, which
 * it handles as a lost connection (it retries, and reports a write's outcome as unknown at its
 * timeout), so it is never told a false outcome; SESSION_EXPIRED (6) was added this way, and a
 * server sends it only for a write of a client without a session.
 *
 * <h2>A connection</h2>
 * The client sends requests, as many as it likes without waiting (pipelining); the server
 * answers each exactly once, in the order the answers become ready, with the request's id: a
 * {@code ClientResponse}, or a {@code StatusResponse} for STATUS. Beyond 4096 requests awaiting
 * their answer on one connection ({@link io.kontiki.raft.server.client.ClientServer.Options}),
 * a request is answered at once with ERROR "too many requests in flight". There is no
 * handshake: the client port speaks one version, and a new version will take new class IDs.
 *
 * <h2>Bad input</h2>
 * As on the peer port: every length is checked against its bound and the bytes left in the
 * frame before allocating; a length prefix above the limit fails as soon as it is read; an
 * unknown class ID, a malformed field, a broken record rule, trailing bytes, or a message that
 * the receiving side never expects (a response sent to the server, say) is a protocol error:
 * the connection is closed with one rate-limited log line
 * ({@link io.kontiki.raft.transport.netty.ProtocolErrorHandler}), and the port goes on serving
 * other connections.
 */
package io.kontiki.raft.server.client;
