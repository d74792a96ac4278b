package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver, narrowed to the wire: a class ID read from the wire resolves only to
 * one of the classes {@link RaftKryoRegistry} registered, never to one of the primitive types
 * Kryo registers on its own (IDs 0-9), never to null, and never by name (Kryo's by-name path
 * reads an unbounded string and calls {@code Class.forName}).
 */
final class WireClassResolver extends DefaultClassResolver {

    /** Registrations that may appear on the wire, indexed by registration ID. */
    private final Registration[] wire = new Registration[RaftKryoRegistry.MAX_ID + 1];

    /** Marks an already registered class as allowed on the wire. */
    void allowOnWire(Registration registration) {
        int id = registration.getId();
        if (id < RaftKryoRegistry.MIN_ID || id > RaftKryoRegistry.MAX_ID) {
            throw new IllegalArgumentException("wire IDs are in [" + RaftKryoRegistry.MIN_ID + ", "
                    + RaftKryoRegistry.MAX_ID + "]: " + id);
        }
        if (wire[id] != null) {
            throw new IllegalStateException("wire ID " + id + " registered twice");
        }
        wire[id] = registration;
    }

    @Override
    public Registration readClass(Input input) {
        // Kryo writes ID + 2 (0 is null, 1 a class name follows).
        long id = Integer.toUnsignedLong(input.readVarInt(true)) - 2;
        Registration registration = id >= 0 && id < wire.length ? wire[(int) id] : null;
        if (registration == null) {
            throw new ProtocolException(id == -2 ? "null message"
                    : id == -1 ? "class named on the wire: only registration IDs are accepted"
                    : "unknown class ID " + id);
        }
        return registration;
    }

    @Override
    protected Registration readName(Input input) {
        throw new ProtocolException("class named on the wire: only registration IDs are accepted");
    }
}
