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
 *   snapshot/snap-&lt;index:20&gt;-&lt;term:20&gt;.snap   the newest two snapshots
 *   snapshot/receiving.part           a snapshot being received from the leader, as received
 *   snapshot/receiving.meta           which snapshot that is (replaced atomically)
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
 * <h2>Snapshot file</h2>
 * <pre>
 * offset 0        4         8          16         24                     24+P       32+P      36+P
 *        +--------+---------+----------+----------+----------------------+----------+---------+
 *        | "KSN1" | version | index    | term     | payload              | P        | crc32c  |
 *        | int32  | int32=1 | int64    | int64    | P bytes (the state   | int64    | int32   |
 *        |        |         |          |          | machine's snapshot)  |          |         |
 *        +--------+---------+----------+----------+----------------------+----------+---------+
 *         \_______________________ covered by the crc32c ______________________________/
 * </pre>
 * Big-endian. The payload's length comes after it so that the file is written in one pass, its
 * CRC computed on the way. A snapshot's {@code SnapshotMeta} is (index, term, the file's length,
 * the trailer's CRC32C); the leader sends the file's bytes verbatim and the follower checks the
 * same things: the length in the trailer against the file's, the header's index and term against
 * the meta's, the CRC. {@code receiving.meta} is 36 bytes: {@code "KSR1"}, index, term, size
 * (int64 each), checksum (int32), and a CRC32C of the 32 bytes before it.
 *
 * <h2>Durability</h2>
 * Appends go through a {@code FileChannel} to the OS and become durable at the next
 * {@code sync}, which replaces the hard state if it changed and forces every segment written
 * since the last sync (and the log directory when a segment was created): one group commit for
 * everything the driver wrote in one event-loop turn. {@code truncateSuffix} is durable when it
 * returns. Nothing is reported durable that was not forced; with {@code fsync=false}
 * (benchmarks only) nothing is forced at all.
 *
 * <p>Snapshots. The application's snapshot is streamed into a {@code .tmp} file, forced, renamed
 * into place and the directory forced, before the driver is told it exists; only then may the
 * log before it be compacted, which deletes whole segments, oldest first (a crash leaves a suffix
 * that still continues the snapshot). A received chunk is written to {@code receiving.part} and
 * forced by the next sync, before the follower acknowledges it. Installing renames the verified
 * part into place (durable), then resets the log: the segments before the snapshot go, and the
 * entries after it stay if the log holds its last entry, else every segment goes. A crash between
 * the rename and the reset is repaired at open: a log that neither holds the newest snapshot's
 * last entry nor starts right after it is discarded, with one WARN line.
 *
 * <h2>Recovery</h2>
 * Opening verifies every snapshot file (a corrupt one is moved aside as {@code *.corrupt}, with
 * one ERROR line naming it, and never served: the one before it is used if the log still reaches
 * back to it, otherwise the open fails naming the file), then validates every record of the
 * segments after the newest snapshot (framing, CRC32C, index continuity; segments wholly before
 * the snapshot are not read, so a restart costs the live tail, not the history). The only repair
 * is dropping a torn last record of the last segment — what a crash during an unsynced append
 * leaves — with one WARN line naming the file and the bytes dropped. Anything else (a bad record
 * before the tail, a gap in indexes, a bad record in an earlier segment, a corrupt hard-state
 * file) fails the open with a {@link io.kontiki.raft.server.storage.CorruptLogException} naming
 * the file and byte offset: data is never dropped silently.
 *
 * <h2>Threads and errors</h2>
 * One thread at a time calls a {@code DurableStorage}'s log and receiving methods; its snapshot
 * reads and saves and its counters may be called from any thread. I/O errors are {@link java.io.UncheckedIOException}s whose message names the file;
 * after one the storage refuses further calls until reopened. A directory that belongs to
 * another node or cluster, or that another process holds, is a
 * {@link io.kontiki.raft.server.storage.DataDirectoryException} with a one-line message.
 */
package io.kontiki.raft.server.storage;
