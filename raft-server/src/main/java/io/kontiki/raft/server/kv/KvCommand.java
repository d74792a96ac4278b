package io.kontiki.raft.server.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One command of the replicated key-value store, as proposed to Raft and applied by
 * {@link KvStateMachine}. Immutable: the byte arrays are never modified after construction,
 * by the store or by anyone it hands them to (callers must not modify them either).
 *
 * <p>Every command carries its client's session: {@link #clientId()} and {@link #sequence()}.
 * Writes (PUT, DELETE, CAS) are numbered 1, 2, 3… per client, and a retry of a write reuses its
 * number, so that the state machine applies it once ({@link KvStateMachine}). A GET is not a
 * write: its sequence is carried but ignored (clients send 0).
 *
 * <p>Every command also carries a {@linkplain #stampMillis() stamp}: the proposing leader's
 * wall-clock time. The stores take their clock from the stamps of the entries they apply, so
 * that every replica expires the same client sessions at the same index whatever its own clock
 * says.
 *
 * <p>Bounds, checked by every constructor and by {@link #decode}: a key is well-formed Unicode
 * whose UTF-8 encoding takes at most {@value #MAX_KEY_BYTES} bytes (the empty key is a key);
 * a value takes at most {@value #MAX_VALUE_BYTES} bytes; sequences and stamps are not negative,
 * and a write's sequence is at least 1. A violation is an {@link IllegalArgumentException} with
 * a one-line message.
 *
 * <p>The binary encoding ({@link #encode()}, {@link #decode}) is drawn in this package's
 * documentation.
 */
public sealed interface KvCommand permits KvCommand.Put, KvCommand.Get, KvCommand.Delete, KvCommand.Cas {

    /**
     * The format version written, the first byte of every encoded command. Version 1 (no stamp)
     * is still decoded, with stamp 0, for the entries that servers before version 2 wrote.
     */
    int FORMAT_VERSION = 2;
    /** The largest key, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 1024;
    /** The largest value, in bytes: 1 MiB. */
    int MAX_VALUE_BYTES = 1 << 20;

    /** The operations, with the code each has in the encoding. */
    enum Op {
        PUT(1), GET(2), DELETE(3), CAS(4);

        final int code;

        Op(int code) {
            this.code = code;
        }
    }

    Op op();

    long clientId();

    long sequence();

    /**
     * When the leader proposed the command: its {@code System.currentTimeMillis()}, or 0 if
     * unknown (a command decoded from format version 1). Used only as the stores' clock for
     * session expiry, never compared with a local clock.
     */
    long stampMillis();

    String key();

    /** True for PUT, DELETE and CAS: the commands the session table deduplicates. */
    default boolean isWrite() {
        return op() != Op.GET;
    }

    /** The command's binary encoding, a fresh array. */
    default byte[] encode() {
        return KvCommandCodec.encode(this);
    }

    /**
     * Decodes one command. Every length is checked against its bound and against the bytes
     * left before anything is allocated, so hostile input costs at most a copy of itself.
     *
     * @throws IllegalArgumentException with a one-line message if {@code bytes} is not exactly
     *                                  one valid command (unknown version or op, truncated,
     *                                  length out of bounds, malformed UTF-8, trailing bytes)
     */
    static KvCommand decode(byte[] bytes) {
        return KvCommandCodec.decode(bytes);
    }

    /**
     * Checks that {@code key} is a valid key: well-formed Unicode of at most
     * {@value #MAX_KEY_BYTES} UTF-8 bytes.
     *
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException with a one-line message if it is not a valid key
     */
    static void checkKey(String key) {
        KvChecks.key(key);
    }

    /**
     * Checks that {@code value} is a valid value: at most {@value #MAX_VALUE_BYTES} bytes;
     * {@code what} names it in the message.
     *
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException with a one-line message if it is too long
     */
    static void checkValue(byte[] value, String what) {
        KvChecks.value(value, what);
    }

    /** Sets {@code key} to {@code value}. */
    record Put(long clientId, long sequence, long stampMillis, String key, byte[] value) implements KvCommand {
        public Put {
            KvChecks.write(sequence);
            KvChecks.stamp(stampMillis);
            KvChecks.key(key);
            KvChecks.value(value, "value");
        }

        @Override
        public Op op() {
            return Op.PUT;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && p.clientId == clientId && p.sequence == sequence
                    && p.stampMillis == stampMillis && p.key.equals(key) && Arrays.equals(p.value, value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(clientId, sequence, stampMillis, key, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "PUT " + key + " (" + value.length + "B) [" + clientId + "#" + sequence + "]";
        }
    }

    /** Reads {@code key}; goes through the log like any command, so the read is linearizable. */
    record Get(long clientId, long sequence, long stampMillis, String key) implements KvCommand {
        public Get {
            KvChecks.sequence(sequence);
            KvChecks.stamp(stampMillis);
            KvChecks.key(key);
        }

        @Override
        public Op op() {
            return Op.GET;
        }

        @Override
        public String toString() {
            return "GET " + key + " [" + clientId + "]";
        }
    }

    /** Removes {@code key}. */
    record Delete(long clientId, long sequence, long stampMillis, String key) implements KvCommand {
        public Delete {
            KvChecks.write(sequence);
            KvChecks.stamp(stampMillis);
            KvChecks.key(key);
        }

        @Override
        public Op op() {
            return Op.DELETE;
        }

        @Override
        public String toString() {
            return "DELETE " + key + " [" + clientId + "#" + sequence + "]";
        }
    }

    /**
     * Sets {@code key} to {@code value} if its current value equals {@code expected}, or, when
     * {@code expected} is null, if the key is absent.
     */
    record Cas(long clientId, long sequence, long stampMillis, String key, byte[] expected, byte[] value)
            implements KvCommand {
        public Cas {
            KvChecks.write(sequence);
            KvChecks.stamp(stampMillis);
            KvChecks.key(key);
            if (expected != null) {
                KvChecks.value(expected, "expected value");
            }
            KvChecks.value(value, "value");
        }

        /** True if the CAS succeeds only when the key is absent. */
        public boolean expectsAbsent() {
            return expected == null;
        }

        @Override
        public Op op() {
            return Op.CAS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cas c && c.clientId == clientId && c.sequence == sequence
                    && c.stampMillis == stampMillis && c.key.equals(key) && Arrays.equals(c.expected, expected)
                    && Arrays.equals(c.value, value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(clientId, sequence, stampMillis, key, Arrays.hashCode(expected),
                    Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "CAS " + key + " (" + (expected == null ? "absent" : expected.length + "B") + " -> "
                    + value.length + "B) [" + clientId + "#" + sequence + "]";
        }
    }
}
