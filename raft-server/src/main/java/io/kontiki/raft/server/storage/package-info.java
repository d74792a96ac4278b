/**
 * Durable storage for a Kontiki server: {@link io.kontiki.raft.server.storage.DurableStorage}
 * implements raft-core's {@link io.kontiki.raft.core.Storage} with a segmented write-ahead log,
 * an atomically replaced hard-state file and a locked, owner-stamped data directory.
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;dataDir&gt;/
 *   LOCK                              exclusive lock while a process uses the directory
 *   meta.properties                   version, cluster.id, node.id (written once, atomically)
 *   hardstate                         term + votedFor + CRC32C, replaced via hardstate.tmp
 *   log/log-00000000000000000001.seg  segments, each named after its first index
 *   log/log-00000000000000004711.seg
 * </pre>
 *
 * <h2>Log record</h2>
 * <pre>
 * offset  0      1           5           9           17          25     26
 *         +------+-----------+-----------+-----------+-----------+------+---------------+
 *         | 0x45 | length    | crc32c    | term      | index     | type | data          |
 *         | 'E'  | int32     | int32     | int64     | int64     | int8 | length-17 B   |
 *         +------+-----------+-----------+-----------+-----------+------+---------------+
 *                                         \____ length bytes, covered by the crc32c ___/
 * </pre>
 * Big-endian; entry type 1 = command, 2 = no-op.
 *
 * <h2>Durability</h2>
 * Appends go through a {@code FileChannel} to the OS and become durable at the next
 * {@code sync}, which replaces the hard state if it changed and forces every segment written
 * since the last sync (and the log directory when a segment was created): one group commit for
 * everything the driver wrote in one event-loop turn. {@code truncateSuffix} is durable when it
 * returns. Nothing is reported durable that was not forced; with {@code fsync=false}
 * (benchmarks only) nothing is forced at all.
 *
 * <h2>Recovery</h2>
 * Opening validates every record (framing, CRC32C, index continuity from 1). The only repair
 * is dropping a torn last record of the last segment — what a crash during an unsynced append
 * leaves — with one WARN line naming the file and the bytes dropped. Anything else (a bad record
 * before the tail, a gap in indexes, a bad record in an earlier segment, a corrupt hard-state
 * file) fails the open with a {@link io.kontiki.raft.server.storage.CorruptLogException} naming
 * the file and byte offset: data is never dropped silently.
 *
 * <h2>Threads and errors</h2>
 * One thread at a time calls a {@code DurableStorage}; its counters may be read from any
 * thread. I/O errors are {@link java.io.UncheckedIOException}s whose message names the file;
 * after one the storage refuses further calls until reopened. A directory that belongs to
 * another node or cluster, or that another process holds, is a
 * {@link io.kontiki.raft.server.storage.DataDirectoryException} with a one-line message.
 */
package io.kontiki.raft.server.storage;
