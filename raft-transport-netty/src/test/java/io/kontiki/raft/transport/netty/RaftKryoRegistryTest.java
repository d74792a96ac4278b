package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry's promises: fixed IDs, registration required, no way in for other classes. */
class RaftKryoRegistryTest {

    /** Written out again on purpose: changing an ID must break this test. */
    private static final Map<Class<?>, Integer> FROZEN_IDS = Map.of(
            Handshake.class, 10, HandshakeReply.class, 11, Ping.class, 12, Pong.class, 13,
            RequestVote.class, 20, RequestVoteResponse.class, 21, AppendEntries.class, 22,
            AppendEntriesResponse.class, 23, InstallSnapshot.class, 24, InstallSnapshotResponse.class, 25);

    private final Kryo kryo = RaftKryoRegistry.newKryo(CodecLimits.DEFAULTS);

    @Test
    void everyWireClassHasItsFrozenId() {
        assertEquals(FROZEN_IDS.keySet(), RaftKryoRegistry.wireClasses());
        FROZEN_IDS.forEach((type, id) -> {
            assertEquals(id, kryo.getRegistration(type).getId(), type.getSimpleName());
            assertEquals(id, RaftKryoRegistry.idOf(type), type.getSimpleName());
        });
        Set<Integer> distinct = new HashSet<>(FROZEN_IDS.values());
        assertEquals(FROZEN_IDS.size(), distinct.size());
    }

    @Test
    void registrationIsRequiredAndReferencesAreOff() {
        assertTrue(kryo.isRegistrationRequired());
        assertFalse(kryo.getReferences());
        Output out = new Output(64);
        assertThrows(IllegalArgumentException.class, () -> kryo.writeClassAndObject(out, new java.util.ArrayList<>()));
        assertThrows(IllegalArgumentException.class, () -> RaftKryoRegistry.idOf(String.class));
    }

    @Test
    void kryosBuiltInClassIdsAreRefusedOnTheWire() {
        // Kryo registers int, String, ... under IDs 0-9; none of them may be read from a peer.
        for (int id = 0; id < 10; id++) {
            Input in = new Input(WireBytes.body().classId(id).bytes(1, 2, 3, 4, 5, 6, 7, 8, 9).toBytes());
            int shown = id;
            ProtocolException e = assertThrows(ProtocolException.class, () -> kryo.readClassAndObject(in));
            assertTrue(e.getMessage().contains("unknown class ID " + shown), e::getMessage);
        }
    }

    @Test
    void classNamesAreRefusedOnTheWireWithoutAClassLookup() {
        Input in = new Input(WireBytes.body().varInt(1).varInt(0).string("java.lang.Thread").toBytes());
        ProtocolException e = assertThrows(ProtocolException.class, () -> kryo.readClassAndObject(in));
        assertTrue(e.getMessage().contains("class named on the wire"));
    }

    @Test
    void eachKryoHasItsOwnSerializers() {
        Kryo other = RaftKryoRegistry.newKryo(CodecLimits.DEFAULTS);
        assertNotSame(kryo, other);
        for (Class<?> type : RaftKryoRegistry.wireClasses()) {
            assertNotSame(kryo.getSerializer(type), other.getSerializer(type), type.getSimpleName());
        }
    }

    @Test
    void aKryoFromTheRegistryRoundTripsStandalone() {
        Output out = new Output(64);
        kryo.writeClassAndObject(out, new RequestVote(1, 2, 3, 10, 2));
        Object back = kryo.readClassAndObject(new Input(out.getBuffer(), 0, out.position()));
        assertEquals(new RequestVote(1, 2, 3, 10, 2), back);
    }
}
