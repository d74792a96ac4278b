package io.kontiki.raft.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A command as the lab tests see it. The lab's commands are Go {@code int}s (here: 8-byte
 * big-endian longs; TestCount's 31-bit ints too) and, in RPCBytes, strings (here: UTF-8 bytes).
 * Values are compared by content, like Go's {@code ==} on the dynamic value.
 *
 * <p>"Is an int" (the lab's type checks in ConcurrentStarts, Count and churn) means "is 8 bytes
 * long": the scenarios never propose 8-byte strings.
 */
public final class LabValue {

    /** What {@link LabHarness#waitFor} returns when terms moved on (the lab's {@code -1}). */
    public static final LabValue TERMS_MOVED_ON = of(-1L);

    private final byte[] bytes;

    private LabValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /** An int command: 8 bytes, big-endian. */
    public static LabValue of(long value) {
        return new LabValue(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
    }

    /** A string command: its UTF-8 bytes. */
    public static LabValue of(String value) {
        return new LabValue(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of an applied command; the array is not copied and must not be modified. */
    public static LabValue ofBytes(byte[] bytes) {
        return new LabValue(bytes);
    }

    /** The bytes to propose; not a copy: do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    public boolean isInt() {
        return bytes.length == Long.BYTES;
    }

    /** The int value; fails the test if this is not an int. */
    public long asLong() {
        if (!isInt()) {
            throw new LabFailure("value " + this + " is not an int");
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    /** True if this is the int {@code value}. */
    public boolean isInt(long value) {
        return isInt() && asLong() == value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabValue v && Arrays.equals(v.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The int, or the string (abbreviated past 20 characters). */
    @Override
    public String toString() {
        if (isInt()) {
            return Long.toString(asLong());
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.length() <= 20 ? '"' + s + '"' : '"' + s.substring(0, 20) + "…\" (" + s.length() + " chars)";
    }
}
