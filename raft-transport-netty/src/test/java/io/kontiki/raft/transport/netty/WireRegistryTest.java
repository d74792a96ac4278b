package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.core.message.RequestVote;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.CharsetDecoder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The transport's codec for another protocol: a {@link WireRegistry} of its own with the public
 * {@link WireIO}, {@link WireClassResolver}, {@link KryoCodec}, {@link KryoMessageDecoder},
 * {@link KryoMessageEncoder} and {@link WireCodec#install(io.netty.channel.ChannelPipeline,
 * CodecLimits, WireRegistry)} (as raft-server's client port uses them).
 */
class WireRegistryTest {

    enum Kind { A, B }

    record Probe(long id, int hint, Kind kind, byte[] data, String text) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Probe p && p.id == id && p.hint == hint && p.kind == kind
                    && Arrays.equals(p.data, data) && p.text.equals(text);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    static final class ProbeSerializer extends Serializer<Probe> {
        private final CharsetDecoder utf8 = WireIO.strictUtf8();

        ProbeSerializer() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output out, Probe p) {
            WireIO.writeNonNegative(out, p.id(), "Probe", "id");
            WireIO.writeOptional(out, p.hint(), "Probe", "hint");
            out.writeByte(p.kind().ordinal());
            out.writeByte(0x01);
            WireIO.writeBytes(out, p.data(), 16, "Probe", "data");
            WireIO.writeString(out, p.text(), 16, "Probe", "text");
        }

        @Override
        public Probe read(Kryo kryo, Input in, Class<? extends Probe> type) {
            long id = WireIO.readNonNegative(in, "Probe", "id");
            int hint = WireIO.readOptionalInt(in, "Probe", "hint");
            Kind kind = WireIO.readEnum(in, Kind.values(), "Probe", "kind");
            WireIO.readFlags(in, 0x01, "Probe");
            byte[] data = WireIO.readBytes(in, 16, "Probe", "data");
            String text = WireIO.readString(in, 16, utf8, "Probe", "text");
            return new Probe(id, hint, kind, data, text);
        }
    }

    static final int PROBE_ID = 99;

    static final WireRegistry PROBES = WireRegistry.of("probes", Map.of(Probe.class, PROBE_ID), limits -> {
        WireClassResolver resolver = new WireClassResolver(" on the probe port");
        Kryo kryo = resolver.newKryo();
        resolver.register(kryo, Probe.class, new ProbeSerializer(), PROBE_ID);
        return kryo;
    });

    private final Probe probe = new Probe(7, -1, Kind.B, new byte[] {1, 2, 3}, "héllo");

    @Test
    void aCodecForAnotherRegistryRoundTripsItsClassesByteForByte() {
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS, PROBES);
        byte[] body = codec.encode(probe);
        assertEquals(PROBE_ID + 2, body[0]);
        assertEquals(probe, codec.decode(body, body.length));
        byte[] into = new byte[64];
        int n = codec.encode(probe, into);
        assertTrue(Arrays.equals(body, Arrays.copyOf(into, n)));
        assertEquals("probes", PROBES.toString());
        assertEquals("Probe", PROBES.nameOf(PROBE_ID));
        assertEquals("unknown class ID 20", PROBES.nameOf(20));
    }

    @Test
    void eachRegistryRefusesTheOthersClasses() {
        KryoCodec probes = new KryoCodec(CodecLimits.DEFAULTS, PROBES);
        KryoCodec raft = new KryoCodec(CodecLimits.DEFAULTS);
        RequestVote vote = new RequestVote(1, 2, 3, 10, 2);
        assertThrows(IllegalArgumentException.class, () -> probes.encode(vote));
        assertThrows(IllegalArgumentException.class, () -> raft.encode(probe));
        byte[] voteBody = raft.encode(vote);
        ProtocolException e = assertThrows(ProtocolException.class, () -> probes.decode(voteBody, voteBody.length));
        assertTrue(e.getMessage().contains("unknown class ID 20 on the probe port"), e::getMessage);
        byte[] probeBody = probes.encode(probe);
        e = assertThrows(ProtocolException.class, () -> raft.decode(probeBody, probeBody.length));
        assertEquals("unknown class ID 99", e.getMessage());
        assertSame(RaftKryoRegistry.REGISTRY, RaftKryoRegistry.REGISTRY);
        assertTrue(RaftKryoRegistry.REGISTRY.isWireClass(RequestVote.class));
        assertFalse(RaftKryoRegistry.REGISTRY.isWireClass(Probe.class));
    }

    @Test
    void theFieldChecksOfWireIoNameTypeAndField() {
        KryoCodec codec = new KryoCodec(CodecLimits.DEFAULTS, PROBES);
        assertThrows(ProtocolException.class, () -> codec.encode(new Probe(-1, 0, Kind.A, new byte[0], "")));
        assertThrows(ProtocolException.class, () -> codec.encode(new Probe(1, -2, Kind.A, new byte[0], "")));
        assertThrows(ProtocolException.class, () -> codec.encode(new Probe(1, 0, Kind.A, new byte[17], "")));
        byte[] ok = codec.encode(probe);
        assertDecodeFails(codec, with(ok, 3, (byte) 2), "Probe: unknown kind 2");
        assertDecodeFails(codec, with(ok, 4, (byte) 0x81), "Probe: unknown flag bits 0x80");
        assertDecodeFails(codec, with(ok, 5, (byte) 100), "Probe: data length 100 exceeds limit 16");
        assertDecodeFails(codec, with(ok, 5, (byte) 15), "Probe: data length 15 needs at least 15 bytes");
        byte[] bigHint = {(byte) (PROBE_ID + 2), 7, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20};
        assertDecodeFails(codec, bigHint, "Probe: hint 4294967296 is not an int");
    }

    @Test
    void installPutsTheRegistrysCodecInAPipeline() {
        EmbeddedChannel sender = new EmbeddedChannel();
        WireCodec.install(sender.pipeline(), CodecLimits.withMaxFrameBytes(64), PROBES);
        WireCodec.installProtocolErrorHandler(sender.pipeline());
        EmbeddedChannel receiver = new EmbeddedChannel();
        WireCodec.install(receiver.pipeline(), CodecLimits.withMaxFrameBytes(64), PROBES);
        assertTrue(sender.writeOutbound(probe));
        for (ByteBuf b; (b = sender.readOutbound()) != null; ) {
            receiver.writeInbound(b);
        }
        assertEquals(probe, receiver.readInbound());
        Throwable failure = sender.writeAndFlush(new RequestVote(1, 2, 3, 10, 2)).cause();
        assertInstanceOf(EncoderException.class, failure);
        assertInstanceOf(IllegalArgumentException.class, failure.getCause());
        assertTrue(sender.isOpen());
        assertFalse(sender.finishAndReleaseAll());
        assertFalse(receiver.finishAndReleaseAll());
    }

    @Test
    void eventLoopsPickTheChannelClassesOfAGroupAndOfItsLoops() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1, "wire-registry-test");
        try {
            boolean epoll = EventLoops.isEpoll(group);
            assertEquals(epoll, EventLoops.isEpoll(group.next()));
            assertEquals(EventLoops.socketChannel(group), EventLoops.socketChannel(group.next()));
            assertEquals(EventLoops.serverChannel(group), EventLoops.serverChannel(group.next()));
            assertEquals(epoll ? "EpollSocketChannel" : "NioSocketChannel",
                    EventLoops.socketChannel(group).getSimpleName());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static byte[] with(byte[] body, int index, byte value) {
        byte[] copy = body.clone();
        copy[index] = value;
        return copy;
    }

    private static void assertDecodeFails(KryoCodec codec, byte[] body, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(body, body.length));
        assertTrue(e.getMessage().contains(expected), e::getMessage);
    }
}
