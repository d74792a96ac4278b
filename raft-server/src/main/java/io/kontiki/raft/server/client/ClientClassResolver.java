package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.kontiki.raft.transport.netty.ProtocolException;

/**
 * Kryo's class resolver narrowed to the client protocol: a class ID read from the wire resolves
 * only to a class {@link ClientKryoRegistry} allowed, never to Kryo's built-in registrations,
 * never to null, never by name (which would read an unbounded string and load a class).
 *
 * <p>(An equivalent of raft-transport-netty's package-private {@code WireClassResolver}; it goes
 * once that one is public.)
 */
final class ClientClassResolver extends DefaultClassResolver {

    private final Registration[] wire = new Registration[ClientKryoRegistry.MAX_ID + 1];

    void allowOnWire(Registration registration) {
        int id = registration.getId();
        if (id < ClientKryoRegistry.MIN_ID || id > ClientKryoRegistry.MAX_ID || wire[id] != null) {
            throw new IllegalArgumentException("client wire ID " + id + " out of range or taken");
        }
        wire[id] = registration;
    }

    @Override
    public Registration readClass(Input input) {
        long id = Integer.toUnsignedLong(input.readVarInt(true)) - 2; // Kryo writes ID + 2
        Registration registration = id >= 0 && id < wire.length ? wire[(int) id] : null;
        if (registration == null) {
            throw new ProtocolException(id == -2 ? "null message"
                    : id == -1 ? "class named on the wire: only registration IDs are accepted"
                    : "unknown class ID " + id + " on the client port");
        }
        return registration;
    }

    @Override
    protected Registration readName(Input input) {
        throw new ProtocolException("class named on the wire: only registration IDs are accepted");
    }
}
