package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Feeds {@value #FRAMES} random and mutated frames (valid encodings of every wire class with
 * bytes flipped, truncated, spliced, padded, varints blown up, length prefixes changed, and
 * plain random bytes) to fresh wire pipelines, heap and direct, whole or split, one frame per
 * channel or a batch per channel, and checks that
 * <ul>
 *   <li>no {@link Error} (an OutOfMemoryError from a trusted length, say) and no exception
 *       escapes a pipeline;</li>
 *   <li>a channel that is closed was closed for a protocol error, found by an explicit check
 *       or by running out of bytes, never by an unexpected runtime exception;</li>
 *   <li>whatever is delivered is a wire message the encoder accepts and that round-trips;</li>
 *   <li>every input buffer is released and Netty's leak detector (PARANOID) reports nothing.</li>
 * </ul>
 * Seeded: {@code -Dkontiki.fuzzSeed=N} replays or explores; every failure names the seed.
 */
@ExtendWith(LeakWatch.class)
class CodecFuzzTest {

    private static final int FRAMES = 100_000;
    private static final long SEED = Long.getLong("kontiki.fuzzSeed", 20_250_611L);
    private static final int[] INTERESTING = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff};

    private final Random random = new Random(SEED);
    private final List<byte[]> corpus = new ArrayList<>();
    private final Set<Class<?>> corpusTypes = new HashSet<>();
    private final KryoCodec checker = new KryoCodec(CodecLimits.DEFAULTS);
    private final byte[] scratch = new byte[1 << 16];
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<String, Integer> deliveredByType = new TreeMap<>();
    private int framesFed;
    private int delivered;
    private int closed;

    @Test
    void hundredThousandHostileFramesNeverEscapeAllocateWildlyOrLeak() {
        System.out.println("CodecFuzzTest seed=" + SEED + " (-Dkontiki.fuzzSeed to change)");
        long start = System.nanoTime();
        RandomMessages messages = new RandomMessages(random);
        for (int i = 0; i < 400; i++) {
            Object m = i < 40 ? messages.appendEntries(random.nextInt(3), 16) : messages.any();
            corpus.add(Arrays.copyOf(scratch, checker.encode(m, scratch)));
            corpusTypes.add(m.getClass());
        }
        assertEquals(RaftKryoRegistry.wireClasses(), corpusTypes, "frames of every wire class are mutated");

        int iteration = 0;
        while (framesFed < FRAMES) {
            int batch = random.nextInt(10) < 6 ? 1 : 2 + random.nextInt(15);
            List<byte[]> frames = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                frames.add(frame());
            }
            feedOneChannel(iteration++, frames);
            framesFed += batch;
        }

        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("CodecFuzzTest seed=%d: %d frames on %d channels in %d ms; %d messages delivered, "
                + "%d channels closed; delivered: %s; rejections: %s%n", SEED, framesFed, iteration, millis, delivered,
                closed, deliveredByType, outcomes);
        // The fuzzing must exercise both sides, or it proves little.
        assertTrue(delivered > FRAMES / 50, "too few frames survived: " + delivered);
        assertTrue(closed > iteration / 4, "too few channels were closed: " + closed);
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.contains("exceeds limit")), outcomes::toString);
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.contains("truncated")), outcomes::toString);
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.contains("TooLongFrame")), outcomes::toString);
        for (Class<?> type : RaftKryoRegistry.wireClasses()) {
            String name = type.getSimpleName();
            assertTrue(deliveredByType.containsKey(name), () -> "no " + name + " survived: " + deliveredByType);
        }
        for (String checked : List.of("AppendEntries: ", "InstallSnapshot: ", "InstallSnapshotResponse: ")) {
            assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith(checked)),
                    () -> "no " + checked + "rejection: " + outcomes);
        }
    }

    private void feedOneChannel(int iteration, List<byte[]> frames) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frames.forEach(wire::writeBytes);
        byte[] bytes = wire.toByteArray();
        List<ByteBuf> chunks = chunks(bytes);
        WireChannel channel = new WireChannel();
        try {
            List<Object> out = channel.feed(chunks.toArray(new ByteBuf[0]));
            for (Object m : out) {
                checkDelivered(m);
            }
            delivered += out.size();
            if (!channel.channel.isOpen()) {
                closed++;
                for (Throwable e : channel.errors) {
                    checkRejection(e);
                }
            }
            channel.finish();
            for (ByteBuf c : chunks) {
                assertEquals(0, c.refCnt(), "input buffer released");
            }
        } catch (Throwable t) {
            fail("seed " + SEED + ", channel " + iteration + ", input " + HexFormat.of().formatHex(bytes)
                    + ": " + t, t);
        }
    }

    private void checkDelivered(Object m) {
        assertTrue(RaftKryoRegistry.isWireClass(m.getClass()), () -> "delivered " + m.getClass());
        deliveredByType.merge(m.getClass().getSimpleName(), 1, Integer::sum);
        int n = checker.encode(m, scratch);
        assertEquals(MessageContent.of(m), MessageContent.of(checker.decode(scratch, n)),
                "a delivered message round-trips");
    }

    private void checkRejection(Throwable e) {
        assertTrue(e instanceof ProtocolException || e instanceof DecoderException, () -> "rejected with " + e);
        String text = ProtocolErrorHandler.describe(e);
        assertTrue(!text.contains(": invalid: ") && !text.contains("undecodable"),
                () -> "rejected by an unexpected exception, not a check: " + text);
        String kind = e instanceof ProtocolException
                ? text.replaceAll("0x[0-9a-f]+", "0x?").replaceAll("-?[0-9]+", "N")
                : e.getClass().getSimpleName();
        outcomes.merge(kind.length() > 50 ? kind.substring(0, 50) : kind, 1, Integer::sum);
    }

    /** One frame on the wire, prefix included: usually a mutated valid one. */
    private byte[] frame() {
        byte[] body = switch (random.nextInt(12)) {
            case 0 -> randomBytes(random.nextInt(64));
            case 1, 2 -> pick().clone();
            default -> mutate(pick());
        };
        long prefix = switch (random.nextInt(20)) {
            case 0 -> random.nextInt() & 0xffffffffL;                           // anything
            case 1 -> Math.max(0, body.length + random.nextInt(7) - 3);        // off by a little
            case 2 -> random.nextInt(CodecLimits.DEFAULT_MAX_FRAME_BYTES - 4); // large but allowed: waits
            default -> body.length;
        };
        byte[] frame = new byte[4 + body.length];
        frame[0] = (byte) (prefix >>> 24);
        frame[1] = (byte) (prefix >>> 16);
        frame[2] = (byte) (prefix >>> 8);
        frame[3] = (byte) prefix;
        System.arraycopy(body, 0, frame, 4, body.length);
        return frame;
    }

    private byte[] mutate(byte[] original) {
        byte[] b = original.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            int n = b.length;
            switch (random.nextInt(9)) {
                case 0 -> { // flip bits
                    if (n > 0) {
                        b[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (n > 0) {
                        b[random.nextInt(n)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> { // interesting byte
                    if (n > 0) {
                        b[random.nextInt(n)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                }
                case 3 -> b = Arrays.copyOf(b, random.nextInt(n + 1)); // truncate
                case 4 -> b = concat(b, randomBytes(1 + random.nextInt(16)));     // trailing bytes
                case 5 -> { // splice with another encoding
                    byte[] other = pick();
                    b = concat(Arrays.copyOf(b, random.nextInt(n + 1)),
                            Arrays.copyOfRange(other, random.nextInt(other.length + 1), other.length));
                }
                case 6 -> { // a huge varint where a field was
                    int at = random.nextInt(n + 1);
                    byte[] huge = random.nextBoolean() ? new byte[] {-1, -1, -1, -1, 7}
                            : new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, 127};
                    b = concat(concat(Arrays.copyOf(b, at), huge), Arrays.copyOfRange(b, at, n));
                }
                case 7 -> { // delete a range
                    if (n > 0) {
                        int from = random.nextInt(n);
                        int to = from + random.nextInt(n - from + 1);
                        b = concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, n));
                    }
                }
                default -> { // duplicate a range
                    if (n > 0) {
                        int from = random.nextInt(n);
                        int to = from + random.nextInt(n - from + 1);
                        b = concat(Arrays.copyOf(b, to), Arrays.copyOfRange(b, from, n));
                    }
                }
            }
        }
        return b;
    }

    /** The wire bytes in pooled buffers, heap or direct, whole or in up to four pieces. */
    private List<ByteBuf> chunks(byte[] bytes) {
        boolean direct = random.nextBoolean();
        int pieces = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
        List<ByteBuf> chunks = new ArrayList<>(pieces);
        int at = 0;
        for (int p = 0; p < pieces; p++) {
            int end = p == pieces - 1 ? bytes.length : at + random.nextInt(bytes.length - at + 1);
            ByteBuf buf = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(end - at)
                    : PooledByteBufAllocator.DEFAULT.heapBuffer(end - at);
            chunks.add(buf.writeBytes(bytes, at, end - at));
            at = end;
        }
        return chunks;
    }

    private byte[] pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
