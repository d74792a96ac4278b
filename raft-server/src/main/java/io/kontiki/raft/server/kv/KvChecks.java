package io.kontiki.raft.server.kv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The bounds of {@link KvCommand}, shared by its records and {@link KvCommandCodec}. */
final class KvChecks {

    private KvChecks() {
    }

    static void sequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("KvCommand: sequence " + sequence + " is negative");
        }
    }

    static void stamp(long stampMillis) {
        if (stampMillis < 0) {
            throw new IllegalArgumentException("KvCommand: stamp " + stampMillis + " is negative");
        }
    }

    static void write(long sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("KvCommand: a write's sequence must be >= 1: " + sequence);
        }
    }

    /** The key's UTF-8 encoding, after checking it is well-formed and within bounds. */
    static byte[] key(String key) {
        Objects.requireNonNull(key, "key");
        if (key.length() > KvCommand.MAX_KEY_BYTES) { // every char takes at least one byte
            throw new IllegalArgumentException("KvCommand: key of " + key.length() + " chars exceeds "
                    + KvCommand.MAX_KEY_BYTES + " bytes");
        }
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer encoded;
        try {
            encoded = utf8.encode(CharBuffer.wrap(key));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("KvCommand: key is not well-formed Unicode (lone surrogate)");
        }
        if (encoded.remaining() > KvCommand.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("KvCommand: key of " + encoded.remaining() + " UTF-8 bytes exceeds "
                    + KvCommand.MAX_KEY_BYTES);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    static void value(byte[] value, String what) {
        Objects.requireNonNull(value, what);
        if (value.length > KvCommand.MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("KvCommand: " + what + " of " + value.length + " bytes exceeds "
                    + KvCommand.MAX_VALUE_BYTES);
        }
    }
}
