package io.kontiki.raft.server.storage;

import io.kontiki.raft.core.log.EntryType;
import io.kontiki.raft.core.log.LogEntry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of one log record in a segment file (all numbers big-endian):
 *
 * <pre>
 * offset  0      1           5           9           17          25     26
 *         +------+-----------+-----------+-----------+-----------+------+---------------+
 *         | 0x45 | length    | crc32c    | term      | index     | type | data          |
 *         | 'E'  | int32     | int32     | int64     | int64     | int8 | length-17 B   |
 *         +------+-----------+-----------+-----------+-----------+------+---------------+
 *                                         \____ length bytes, covered by the crc32c ___/
 * </pre>
 *
 * The record-type byte is never zero, so zero padding left by a crash is never a record. The
 * entry type is an explicit code ({@code 1} command, {@code 2} no-op), not an ordinal.
 * Stateless and thread-safe.
 */
final class RecordFormat {

    static final byte ENTRY_RECORD = 0x45;
    static final int HEADER_BYTES = 9;
    static final int FIXED_PAYLOAD_BYTES = 17;
    static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 64;

    private static final byte COMMAND_CODE = 1;
    private static final byte NOOP_CODE = 2;

    private RecordFormat() {
    }

    /** The bytes one entry takes on disk. */
    static int recordSize(LogEntry e) {
        if (e.data().length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("entry " + e.id() + " too large: " + e.data().length + " bytes");
        }
        return HEADER_BYTES + FIXED_PAYLOAD_BYTES + e.data().length;
    }

    /** Writes one record at {@code out}'s position, which must have {@link #recordSize} bytes left. */
    static void encode(LogEntry e, ByteBuffer out) {
        int start = out.position();
        int length = FIXED_PAYLOAD_BYTES + e.data().length;
        out.put(ENTRY_RECORD).putInt(length).putInt(0);
        out.putLong(e.term()).putLong(e.index()).put(e.type() == EntryType.NOOP ? NOOP_CODE : COMMAND_CODE)
                .put(e.data());
        out.putInt(start + 5, crc(out, start + HEADER_BYTES, length));
    }

    /**
     * Reads the record at {@code pos}; {@code buf}'s limit is the end of the file. Never throws
     * on bad bytes: a problem is reported in the result.
     */
    static Decoded decode(ByteBuffer buf, int pos) {
        int remaining = buf.limit() - pos;
        if (remaining < HEADER_BYTES) {
            return Decoded.bad("short record header (" + remaining + " of " + HEADER_BYTES + " bytes)", true);
        }
        byte kind = buf.get(pos);
        if (kind != ENTRY_RECORD) {
            return Decoded.bad(String.format("bad record type 0x%02x", kind & 0xff), false);
        }
        int length = buf.getInt(pos + 1);
        if (length < FIXED_PAYLOAD_BYTES) {
            return Decoded.bad("bad record length " + length, false);
        }
        if (length > remaining - HEADER_BYTES) {
            return Decoded.bad("record length " + length + " runs past the end of the file ("
                    + (remaining - HEADER_BYTES) + " bytes left)", true);
        }
        int stored = buf.getInt(pos + 5);
        int computed = crc(buf, pos + HEADER_BYTES, length);
        if (stored != computed) {
            boolean endsAtEof = pos + HEADER_BYTES + length == buf.limit();
            return Decoded.bad(String.format("CRC mismatch (stored %08x, computed %08x)", stored, computed),
                    endsAtEof);
        }
        long term = buf.getLong(pos + 9);
        long index = buf.getLong(pos + 17);
        byte code = buf.get(pos + 25);
        EntryType type = code == COMMAND_CODE ? EntryType.COMMAND : code == NOOP_CODE ? EntryType.NOOP : null;
        if (type == null || term < 1 || index < 1) {
            return Decoded.bad("invalid entry (term " + term + ", index " + index + ", type " + code
                    + ") under a valid CRC", false);
        }
        byte[] data = new byte[length - FIXED_PAYLOAD_BYTES];
        buf.get(pos + 26, data);
        return new Decoded(new LogEntry(term, index, type, data), HEADER_BYTES + length, null, false);
    }

    private static int crc(ByteBuffer buf, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(from + length).position(from));
        return (int) crc.getValue();
    }

    /**
     * The outcome of {@link #decode}: an entry and its size in bytes, or a problem.
     *
     * @param reachesEnd for a problem: the bad record's own framing says it extends to the end of
     *                   the file, so it may be a write torn by a crash
     */
    record Decoded(LogEntry entry, int size, String problem, boolean reachesEnd) {
        static Decoded bad(String problem, boolean reachesEnd) {
            return new Decoded(null, 0, problem, reachesEnd);
        }

        boolean ok() {
            return entry != null;
        }
    }
}
