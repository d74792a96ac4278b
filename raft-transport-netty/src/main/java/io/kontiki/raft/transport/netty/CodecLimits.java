package io.kontiki.raft.transport.netty;

/**
 * The bounds the wire codec enforces, on both sides of a connection: the decoder rejects a
 * frame that exceeds one (a protocol error that closes the connection), the encoder refuses to
 * write a message the peer would reject (the write fails; the connection stays up).
 *
 * <p>Every length or count the decoder reads from the wire is checked against these limits
 * and against the bytes left in the frame <em>before</em> anything is allocated, so a hostile
 * peer can make a node allocate at most one frame's worth of memory per connection.
 *
 * @param maxFrameBytes        the largest frame on the wire, counting its 4-byte length prefix;
 *                             the largest message body is therefore {@code maxFrameBytes - 4}
 *                             ({@link #maxBodyBytes()}). At least {@value #MIN_FRAME_BYTES}.
 * @param maxEntriesPerMessage the most log entries one AppendEntries may carry (at least 1)
 * @param maxEntryBytes        the largest data of one log entry (at least 0, at most
 *                             {@code maxFrameBytes})
 * @param maxStringBytes       the largest UTF-8 encoding of a string (cluster id, refusal
 *                             reason), at least 1 and less than {@code maxFrameBytes}
 */
public record CodecLimits(int maxFrameBytes, int maxEntriesPerMessage, int maxEntryBytes, int maxStringBytes) {

    /** Default {@link #maxFrameBytes()}: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Default {@link #maxEntriesPerMessage()}. */
    public static final int DEFAULT_MAX_ENTRIES_PER_MESSAGE = 65_536;
    /** Default {@link #maxStringBytes()}. */
    public static final int DEFAULT_MAX_STRING_BYTES = 1024;
    /** The smallest {@link #maxFrameBytes()} accepted: room for any control message. */
    public static final int MIN_FRAME_BYTES = 64;

    /** 16 MiB frames, 65,536 entries per message, entries up to the frame size, 1 KiB strings. */
    public static final CodecLimits DEFAULTS = new CodecLimits(DEFAULT_MAX_FRAME_BYTES,
            DEFAULT_MAX_ENTRIES_PER_MESSAGE, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_STRING_BYTES);

    public CodecLimits {
        if (maxFrameBytes < MIN_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + MIN_FRAME_BYTES + ": " + maxFrameBytes);
        }
        if (maxEntriesPerMessage < 1) {
            throw new IllegalArgumentException("maxEntriesPerMessage must be >= 1: " + maxEntriesPerMessage);
        }
        if (maxEntryBytes < 0 || maxEntryBytes > maxFrameBytes) {
            throw new IllegalArgumentException(
                    "maxEntryBytes must be in [0, maxFrameBytes=" + maxFrameBytes + "]: " + maxEntryBytes);
        }
        if (maxStringBytes < 1 || maxStringBytes >= maxFrameBytes) {
            throw new IllegalArgumentException(
                    "maxStringBytes must be in [1, maxFrameBytes=" + maxFrameBytes + "): " + maxStringBytes);
        }
    }

    /**
     * Limits with the given frame size and the other defaults; entries may be as large as a
     * frame, strings keep their default unless the frame is too small for it.
     */
    public static CodecLimits withMaxFrameBytes(int maxFrameBytes) {
        return new CodecLimits(maxFrameBytes, DEFAULT_MAX_ENTRIES_PER_MESSAGE, maxFrameBytes,
                Math.min(DEFAULT_MAX_STRING_BYTES, Math.max(1, maxFrameBytes / 2)));
    }

    /** The largest message body: the frame less its 4-byte length prefix. */
    public int maxBodyBytes() {
        return maxFrameBytes - WireCodec.LENGTH_PREFIX_BYTES;
    }
}
