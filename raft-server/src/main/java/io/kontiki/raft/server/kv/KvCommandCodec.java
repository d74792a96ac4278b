package io.kontiki.raft.server.kv;

import io.kontiki.raft.server.kv.KvCommand.Op;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The binary encoding of {@link KvCommand} (layout in the package documentation). Stateless and
 * thread-safe. Decoding trusts nothing: every length is checked against its bound and against
 * the bytes left before an array is allocated.
 */
final class KvCommandCodec {

    /** The first format: version 2 without the stamp. Decoded (stamp 0), never written. */
    static final int UNSTAMPED_VERSION = 1;
    private static final byte[] NO_BYTES = new byte[0];
    private static final int EXPECT_ABSENT = 0;
    private static final int EXPECT_VALUE = 1;

    private KvCommandCodec() {
    }

    static byte[] encode(KvCommand c) {
        byte[] key = KvChecks.key(c.key());
        byte[] expected = c instanceof KvCommand.Cas cas ? cas.expected() : null;
        byte[] value = c instanceof KvCommand.Put p ? p.value() : c instanceof KvCommand.Cas cas ? cas.value() : null;
        int size = 2 + Long.BYTES + varLongSize(c.sequence()) + varLongSize(c.stampMillis()) + lengthPrefixed(key);
        if (c.op() == Op.CAS) {
            size += 1 + (expected == null ? 0 : lengthPrefixed(expected));
        }
        if (value != null) {
            size += lengthPrefixed(value);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) KvCommand.FORMAT_VERSION).put((byte) c.op().code).putLong(c.clientId());
        putVarLong(out, c.sequence());
        putVarLong(out, c.stampMillis());
        putBytes(out, key);
        if (c.op() == Op.CAS) {
            out.put((byte) (expected == null ? EXPECT_ABSENT : EXPECT_VALUE));
            if (expected != null) {
                putBytes(out, expected);
            }
        }
        if (value != null) {
            putBytes(out, value);
        }
        assert !out.hasRemaining();
        return out.array();
    }

    static KvCommand decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Reader in = new Reader(bytes);
        int version = in.u8("version");
        if (version != KvCommand.FORMAT_VERSION && version != UNSTAMPED_VERSION) {
            throw new IllegalArgumentException("KvCommand: unknown format version " + version + " (expected "
                    + UNSTAMPED_VERSION + " or " + KvCommand.FORMAT_VERSION + ")");
        }
        int op = in.u8("op");
        long clientId = in.fixedLong("clientId");
        long sequence = in.varLong("sequence");
        long stamp = version == UNSTAMPED_VERSION ? 0 : in.varLong("stamp");
        String key = in.utf8(KvCommand.MAX_KEY_BYTES, "key");
        KvCommand command;
        if (op == Op.PUT.code) {
            command = new KvCommand.Put(clientId, sequence, stamp, key, in.bytes(KvCommand.MAX_VALUE_BYTES, "value"));
        } else if (op == Op.GET.code) {
            command = new KvCommand.Get(clientId, sequence, stamp, key);
        } else if (op == Op.DELETE.code) {
            command = new KvCommand.Delete(clientId, sequence, stamp, key);
        } else if (op == Op.CAS.code) {
            int presence = in.u8("expected presence");
            if (presence != EXPECT_ABSENT && presence != EXPECT_VALUE) {
                throw new IllegalArgumentException("KvCommand: expected presence byte " + presence + " is neither 0 nor 1");
            }
            byte[] expected = presence == EXPECT_VALUE ? in.bytes(KvCommand.MAX_VALUE_BYTES, "expected value") : null;
            command = new KvCommand.Cas(clientId, sequence, stamp, key, expected,
                    in.bytes(KvCommand.MAX_VALUE_BYTES, "value"));
        } else {
            throw new IllegalArgumentException("KvCommand: unknown op " + op);
        }
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("KvCommand: " + in.remaining() + " trailing bytes after a complete "
                    + command.op());
        }
        return command;
    }

    private static int lengthPrefixed(byte[] b) {
        return varLongSize(b.length) + b.length;
    }

    static int varLongSize(long v) {
        int n = 1;
        while ((v & ~0x7fL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static void putVarLong(ByteBuffer out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static void putBytes(ByteBuffer out, byte[] b) {
        putVarLong(out, b.length);
        out.put(b);
    }

    /** Reads fields off an array, checking that each fits in what is left. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return bytes.length - position;
        }

        private void need(int n, String field) {
            if (remaining() < n) {
                throw new IllegalArgumentException("KvCommand: truncated: " + bytes.length + " bytes end inside " + field);
            }
        }

        int u8(String field) {
            need(1, field);
            return bytes[position++] & 0xff;
        }

        long fixedLong(String field) {
            need(Long.BYTES, field);
            long v = ByteBuffer.wrap(bytes, position, Long.BYTES).getLong();
            position += Long.BYTES;
            return v;
        }

        /** An unsigned LEB128 varint of at most 10 bytes that fits in a non-negative long. */
        long varLong(String field) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8(field);
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (v < 0 || shift == 63 && b > 1) {
                        throw new IllegalArgumentException("KvCommand: " + field + " does not fit a non-negative long");
                    }
                    return v;
                }
            }
            throw new IllegalArgumentException("KvCommand: " + field + " varint is longer than 10 bytes");
        }

        byte[] bytes(int limit, String field) {
            long n = varLong(field + " length");
            if (n > limit) {
                throw new IllegalArgumentException("KvCommand: " + field + " length " + n + " exceeds limit " + limit);
            }
            if (n > remaining()) {
                throw new IllegalArgumentException("KvCommand: " + field + " length " + n + " exceeds the "
                        + remaining() + " bytes left");
            }
            if (n == 0) {
                return NO_BYTES;
            }
            byte[] out = new byte[(int) n];
            System.arraycopy(bytes, position, out, 0, out.length);
            position += out.length;
            return out;
        }

        String utf8(int limit, String field) {
            byte[] raw = bytes(limit, field);
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                return decoder.decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("KvCommand: " + field + " is not valid UTF-8");
            }
        }
    }
}
