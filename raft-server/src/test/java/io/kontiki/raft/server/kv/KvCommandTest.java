package io.kontiki.raft.server.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command encoding: round trips, the pinned layout, and hostile bytes refused cheaply. */
class KvCommandTest {

    private static final byte[] MAX_VALUE = new byte[KvCommand.MAX_VALUE_BYTES];

    static Stream<KvCommand> commands() {
        return Stream.of(
                new KvCommand.Put(7, 3, 0, "k", new byte[] {42}),
                new KvCommand.Put(7, 3, 1_700_000_000_000L, "k", new byte[] {42}),
                new KvCommand.Put(-1, Long.MAX_VALUE, Long.MAX_VALUE, "", new byte[0]),
                new KvCommand.Put(Long.MIN_VALUE, 1, 0, "k".repeat(KvCommand.MAX_KEY_BYTES), MAX_VALUE),
                new KvCommand.Put(1, 1, 0, "ключ-鍵-🔑", "v".getBytes(StandardCharsets.UTF_8)),
                new KvCommand.Get(7, 0, 0, "k"),
                new KvCommand.Get(7, 0, 127, "k"),
                new KvCommand.Delete(7, 300, 128, "gone"),
                new KvCommand.Cas(7, 4, 0, "k", null, new byte[] {1}),
                new KvCommand.Cas(7, 5, 0, "k", new byte[] {1}, new byte[] {2}),
                new KvCommand.Cas(7, 6, 0, "k", new byte[0], MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandSurvivesARoundTrip(KvCommand command) {
        assertEquals(command, KvCommand.decode(command.encode()));
    }

    @Test
    void theLayoutIsTheOneDrawnInThePackageDocumentation() {
        byte[] bytes = new KvCommand.Put(7, 3, 1_700_000_000_000L, "k", new byte[] {0x2a}).encode();
        assertEquals("0201000000000000000703" + "80d095ffbc31" + "016b012a", HexFormat.of().formatHex(bytes));
        byte[] cas = new KvCommand.Cas(7, 4, 0, "k", null, new byte[] {1}).encode();
        assertEquals("020400000000000000070400016b000101", HexFormat.of().formatHex(cas));
    }

    @Test
    void versionOneEntriesStillDecodeWithStampZero() {
        // What servers wrote before the stamp: a durable log holding them must replay.
        byte[] put = HexFormat.of().parseHex("0101000000000000000703016b012a");
        assertEquals(new KvCommand.Put(7, 3, 0, "k", new byte[] {0x2a}), KvCommand.decode(put));
        byte[] cas = HexFormat.of().parseHex("0104000000000000000704016b000101");
        assertEquals(new KvCommand.Cas(7, 4, 0, "k", null, new byte[] {1}), KvCommand.decode(cas));
        assertEquals(KvCommand.FORMAT_VERSION, KvCommand.decode(put).encode()[0], "re-encoded in the current version");
    }

    @Test
    void constructorsEnforceTheBounds() {
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Put(1, 1, 0, "k".repeat(1025), new byte[0]));
        // 342 three-byte chars: 1026 UTF-8 bytes from 342 chars.
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Get(1, 0, 0, "鍵".repeat(342)));
        new KvCommand.Get(1, 0, 0, "鍵".repeat(341));
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Get(1, 0, 0, "bad\uD800key"));
        assertThrows(IllegalArgumentException.class,
                () -> new KvCommand.Put(1, 1, 0, "k", new byte[KvCommand.MAX_VALUE_BYTES + 1]));
        assertThrows(IllegalArgumentException.class,
                () -> new KvCommand.Cas(1, 1, 0, "k", new byte[KvCommand.MAX_VALUE_BYTES + 1], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Put(1, 0, 0, "k", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Delete(1, -5, 0, "k"));
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Get(1, -1, 0, "k"));
        assertThrows(NullPointerException.class, () -> new KvCommand.Put(1, 1, 0, null, new byte[0]));
        IllegalArgumentException stamp = assertThrows(IllegalArgumentException.class,
                () -> new KvCommand.Get(1, 0, -1, "k"));
        assertEquals("KvCommand: stamp -1 is negative", stamp.getMessage());
    }

    /** Version 2, op, clientId 7, sequence 3, stamp 1000, then what follows. */
    private static Bytes header(int op) {
        return new Bytes().raw(2, op).raw(0, 0, 0, 0, 0, 0, 0, 7).varLong(3).varLong(1000);
    }

    /** Version 1 (no stamp), op, clientId 7, sequence 3, then what follows. */
    private static Bytes headerV1(int op) {
        return new Bytes().raw(1, op).raw(0, 0, 0, 0, 0, 0, 0, 7).varLong(3);
    }

    static Stream<Arguments> hostileInputs() {
        return Stream.of(
                Arguments.of("empty", new Bytes(), "truncated"),
                Arguments.of("unknown version", new Bytes().raw(3, 1), "unknown format version 3 (expected 1 or 2)"),
                Arguments.of("version 0", new Bytes().raw(0), "unknown format version 0"),
                Arguments.of("stamp cut short", new Bytes().raw(2, 2).raw(0, 0, 0, 0, 0, 0, 0, 7).varLong(3).raw(0x80),
                        "truncated: 12 bytes end inside stamp"),
                Arguments.of("negative stamp", new Bytes().raw(2, 2).raw(0, 0, 0, 0, 0, 0, 0, 7).varLong(3)
                        .raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), "stamp does not fit a non-negative long"),
                Arguments.of("version 1 key length beyond the input", headerV1(2).varLong(500).raw('k'),
                        "key length 500 exceeds the 1 bytes left"),
                Arguments.of("unknown op", header(9).varLong(1).raw('k'), "unknown op 9"),
                Arguments.of("op 0", header(0).varLong(1).raw('k'), "unknown op 0"),
                Arguments.of("clientId cut short", new Bytes().raw(1, 1, 0, 0, 0), "truncated"),
                Arguments.of("key length 2^63-1 in a tiny input", header(2).varLong(Long.MAX_VALUE),
                        "key length 9223372036854775807 exceeds limit 1024"),
                Arguments.of("key length just above the limit", header(2).varLong(1025).raw(new byte[1025]),
                        "key length 1025 exceeds limit 1024"),
                Arguments.of("key length beyond the input", header(2).varLong(500).raw('k'),
                        "key length 500 exceeds the 1 bytes left"),
                Arguments.of("value length 2^31-1", header(1).varLong(1).raw('k').varLong(Integer.MAX_VALUE),
                        "value length 2147483647 exceeds limit 1048576"),
                Arguments.of("value length 1 MiB beyond the input", header(1).varLong(1).raw('k')
                        .varLong(KvCommand.MAX_VALUE_BYTES).raw(1, 2, 3), "value length 1048576 exceeds the 3 bytes left"),
                Arguments.of("expected length beyond the input", header(4).varLong(1).raw('k').raw(1).varLong(1 << 20),
                        "expected value length 1048576 exceeds the 0 bytes left"),
                Arguments.of("presence byte 2", header(4).varLong(1).raw('k').raw(2), "presence byte 2"),
                Arguments.of("malformed UTF-8 key", header(2).varLong(2).raw(0xc3, 0x28), "key is not valid UTF-8"),
                Arguments.of("varint of 11 bytes", header(2).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0x01), "longer than 10 bytes"),
                Arguments.of("negative varint", header(2).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
                        "does not fit a non-negative long"),
                Arguments.of("write with sequence 0", new Bytes().raw(2, 1).raw(0, 0, 0, 0, 0, 0, 0, 7).varLong(0)
                        .varLong(1000).varLong(1).raw('k').varLong(0), "sequence must be >= 1"),
                Arguments.of("trailing bytes", header(3).varLong(1).raw('k').raw(0), "1 trailing bytes after a complete DELETE"),
                Arguments.of("varint running off the end", header(2).raw(0x80, 0x80), "truncated"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileInputIsRefusedWithAOneLineMessageAndNoLargeAllocation(String name, Bytes input, String expected) {
        byte[] bytes = input.toBytes();
        long before = allocatedBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCommand.decode(bytes));
        long allocated = allocatedBytes() - before;
        assertTrue(e.getMessage().contains(expected), () -> "message: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("KvCommand: "), e::getMessage);
        assertTrue(!e.getMessage().contains("\n"), e::getMessage);
        if (before >= 0) {
            assertTrue(allocated < 256 * 1024 + 2L * bytes.length, () -> name + " allocated " + allocated + " bytes");
        }
    }

    @Test
    void everyTruncationOfAValidCommandIsRefused() {
        for (KvCommand command : List.of(new KvCommand.Cas(7, 300, 0, "key", new byte[] {1, 2}, new byte[] {3}),
                new KvCommand.Put(9, 1, 0, "k", new byte[] {1}), new KvCommand.Delete(1, 1, 0, "d"))) {
            byte[] bytes = command.encode();
            for (int n = 0; n < bytes.length; n++) {
                byte[] prefix = Arrays.copyOf(bytes, n);
                assertThrows(IllegalArgumentException.class, () -> KvCommand.decode(prefix), command + " cut at " + n);
            }
        }
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButIllegalArgument() {
        java.util.Random random = new java.util.Random(20_240_601L);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = (byte) (1 + random.nextInt(2)); // a valid version, to get further in
            }
            try {
                KvCommand c = KvCommand.decode(bytes);
                assertEquals(c, KvCommand.decode(c.encode()), "seed 20240601, input " + i);
            } catch (IllegalArgumentException expected) {
                // refused: fine
            }
        }
    }

    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled()) {
            return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    @Test
    void allocationMeasurementWorksHere() {
        assumeTrue(allocatedBytes() >= 0, "thread allocation counting unsupported");
        long before = allocatedBytes();
        byte[] big = new byte[1 << 20];
        assertTrue(allocatedBytes() - before >= big.length);
    }

    /** A little builder of raw input. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Bytes varLong(long v) {
            ByteBuffer b = ByteBuffer.allocate(10);
            while ((v & ~0x7fL) != 0) {
                b.put((byte) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            b.put((byte) v);
            out.write(b.array(), 0, b.position());
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(toBytes());
        }
    }
}
