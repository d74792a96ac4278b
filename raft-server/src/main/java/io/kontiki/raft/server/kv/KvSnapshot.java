package io.kontiki.raft.server.kv;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The key-value store's snapshot: everything {@link KvStateMachine} needs to go on exactly as it
 * would have from the entries the snapshot covers. Big-endian throughout:
 *
 * <pre>
 * "KVS1":i32 version:i32 (1) lastIndex:i64 lastTerm:i64
 * sessionsLength:i32 sessions[sessionsLength]           (see ClientSessions.writeTo)
 * keyCount:i64 (keyLength:i32 key[keyLength] (UTF-8) valueLength:i32 value[valueLength]){keyCount}
 * digest:i64                                              (the store's digest of its keys and values)
 * </pre>
 *
 * Reading checks every count and length against the store's bounds before allocating, the key
 * encoding, that nothing follows the digest, and that the digest of what was read is the one
 * written; a snapshot that fails any check is an {@link IOException} saying what is wrong, and the
 * store is left as it was. (The storage layer around it also checks a CRC of the whole file.)
 */
final class KvSnapshot {

    static final int MAGIC = 0x4B565331; // "KVS1"
    static final int VERSION = 1;
    /** More sessions than this cannot be genuine: each took a write within the session timeout. */
    static final long MAX_SESSIONS = 1L << 26;

    private KvSnapshot() {
    }

    /** What a snapshot holds. */
    record State(long lastIndex, long lastTerm, Map<String, byte[]> data, ClientSessions sessions, long digest) {
    }

    /**
     * The writer of a snapshot of {@code data}, which must be a copy the store no longer changes;
     * {@code sessions} are the session table's bytes ({@link ClientSessions#writeTo}).
     */
    static void write(OutputStream target, long lastIndex, long lastTerm, Map<String, byte[]> data, byte[] sessions,
                      long digest) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(lastIndex);
        out.writeLong(lastTerm);
        out.writeInt(sessions.length);
        out.write(sessions);
        out.writeLong(data.size());
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(e.getValue().length);
            out.write(e.getValue());
        }
        out.writeLong(digest);
        out.flush();
    }

    /** The session table's bytes, for {@link #write}. */
    static byte[] sessionBytes(ClientSessions sessions) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            sessions.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Reads a snapshot; see the class comment for what is checked. */
    static State read(InputStream source, long sessionTimeoutMillis) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(String.format("not a key-value snapshot (magic %08x, expected %08x)", magic, MAGIC));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("key-value snapshot version " + version + " is not supported (this build reads "
                        + VERSION + ")");
            }
            long lastIndex = in.readLong();
            long lastTerm = in.readLong();
            if (lastIndex < 0 || lastTerm < 0) {
                throw new IOException("bad last entry " + lastTerm + "/" + lastIndex);
            }
            int sessionsLength = in.readInt();
            if (sessionsLength < 0) {
                throw new IOException("bad session table length " + sessionsLength);
            }
            DataInputStream sessionsIn = new DataInputStream(new BoundedInputStream(in, sessionsLength));
            ClientSessions sessions = ClientSessions.readFrom(sessionsIn, sessionTimeoutMillis, MAX_SESSIONS);
            if (sessionsIn.read() != -1) {
                throw new IOException("the session table is shorter than its length says");
            }
            long count = in.readLong();
            if (count < 0 || count > Integer.MAX_VALUE) {
                throw new IOException("bad key count " + count);
            }
            Map<String, byte[]> data = new HashMap<>((int) Math.min(count * 4 / 3 + 1, 1 << 20));
            long digest = 0;
            var utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            for (long i = 0; i < count; i++) {
                byte[] key = bytes(in, KvCommand.MAX_KEY_BYTES, "key " + i);
                byte[] value = bytes(in, KvCommand.MAX_VALUE_BYTES, "value " + i);
                String k;
                try {
                    k = utf8.decode(ByteBuffer.wrap(key)).toString();
                } catch (CharacterCodingException e) {
                    throw new IOException("key " + i + " is not UTF-8");
                }
                if (data.put(k, value) != null) {
                    throw new IOException("key " + i + " appears twice");
                }
                digest += KvDigest.of(k, value);
            }
            long stored = in.readLong();
            if (stored != digest) {
                throw new IOException(String.format("digest mismatch (stored %016x, computed %016x)", stored, digest));
            }
            if (in.read() != -1) {
                throw new IOException("bytes after the digest");
            }
            return new State(lastIndex, lastTerm, data, sessions, digest);
        } catch (EOFException e) {
            throw new IOException("key-value snapshot is truncated", e);
        }
    }

    private static byte[] bytes(DataInputStream in, int max, String what) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > max) {
            throw new IOException(what + " has length " + length + " (at most " + max + ")");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    /** At most {@code limit} bytes of the stream it wraps (does not close it). */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException();
            }
            left -= n;
            return n;
        }
    }
}
