/**
 * The replicated key-value store: {@link io.kontiki.raft.server.kv.KvStateMachine}, the
 * {@link io.kontiki.raft.core.StateMachine} the server gives its Raft node, the commands it
 * applies ({@link io.kontiki.raft.server.kv.KvCommand}) and their results
 * ({@link io.kontiki.raft.server.kv.KvResult}).
 *
 * <h2>How a request flows</h2>
 * <ol>
 *   <li>The server turns a client request into a {@code KvCommand}, encodes it and proposes the
 *       bytes; the leader's {@code propose} returns the index and term the entry will have.</li>
 *   <li>Once committed, every replica's {@code KvStateMachine} decodes and applies the entry on
 *       its apply thread and calls its {@link io.kontiki.raft.server.kv.ApplyListener} with the
 *       index, term and result.</li>
 *   <li>The leader's server completes the request waiting for that index if the term matches
 *       (if not, the request's entry was overwritten by another leader's: its outcome is
 *       unknown to this node, and the client retries with the same sequence).</li>
 * </ol>
 *
 * <h2>Command encoding</h2>
 * What a COMMAND log entry holds: a format version byte, then the fields of one command.
 * <pre>
 *  byte 0         1        2                        10
 *       +---------+--------+------------------------+-----------+-----------+------------+---------
 *       | version | op     | clientId               | sequence  | stamp     | key        | by op:
 *       | 0x02    | 1 PUT  | 8 bytes, big-endian,   | uvarint   | uvarint:  | uvarint    |
 *       |         | 2 GET  | any long               | (>= 1 for | leader's  | length,    |
 *       |         | 3 DEL  |                        | writes)   | millis    | then UTF-8 |
 *       |         | 4 CAS  |                        |           | since 1970|            |
 *       +---------+--------+------------------------+-----------+-----------+------------+---------
 *
 *  PUT     value: uvarint length | bytes
 *  GET     (nothing)
 *  DELETE  (nothing)
 *  CAS     presence byte: 0 = the key must be absent, 1 = expected value follows
 *          | [expected: uvarint length | bytes] | new value: uvarint length | bytes
 * </pre>
 * A uvarint is an unsigned little-endian base-128 varint (7 bits a byte, high bit set on every
 * byte but the last), at most 10 bytes, and must fit a non-negative long. A key takes at most
 * {@value io.kontiki.raft.server.kv.KvCommand#MAX_KEY_BYTES} bytes of well-formed UTF-8, a
 * value at most {@value io.kontiki.raft.server.kv.KvCommand#MAX_VALUE_BYTES} bytes. For
 * example, PUT "k" = {0x2a} by client 7, sequence 3, proposed at 1,700,000,000,000 ms:
 * <pre>
 *  02 | 01 | 00 00 00 00 00 00 00 07 | 03 | 80 d0 95 ff bc 31 | 01 6b | 01 2a
 * </pre>
 * Format version 1, written by servers before the stamp existed, is the same without the stamp
 * field; it is still decoded (stamp 0), so that logs written then replay, but never written.
 * Decoding refuses, with an {@link java.lang.IllegalArgumentException} and a one-line message,
 * an unknown version or op, a length above its bound or above the bytes left (checked before
 * allocating), malformed UTF-8, a presence byte other than 0 or 1, a field cut short and bytes
 * left after the command. A new field or op takes a new format version.
 */
package io.kontiki.raft.server.kv;
