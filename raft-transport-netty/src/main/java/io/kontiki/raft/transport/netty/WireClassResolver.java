package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver, narrowed to the wire: a class ID read from the wire resolves only to
 * one of the classes registered through {@link #register} (by a {@link WireRegistry}), never to
 * one of the primitive types Kryo registers on its own (IDs 0-9), never to null, and never by
 * name (Kryo's by-name path reads an unbounded string and calls {@code Class.forName}).
 *
 * <p>One resolver per {@link Kryo}: make the Kryo with {@link #newKryo()}, then register.
 */
public final class WireClassResolver extends DefaultClassResolver {

    /** The lowest ID a wire class may take: below it are Kryo's built-in registrations. */
    public static final int MIN_ID = 10;
    /** The highest ID a wire class may take: IDs up to here take one byte on the wire (ID + 2 < 128). */
    public static final int MAX_ID = 125;

    /** Registrations that may appear on the wire, indexed by registration ID. */
    private final Registration[] wire = new Registration[MAX_ID + 1];
    /** Appended to "unknown class ID n", to say which port refused it (empty for the peer port). */
    private final String where;

    /** A resolver whose "unknown class ID n" message says no more. */
    public WireClassResolver() {
        this("");
    }

    /** A resolver whose "unknown class ID n" message is followed by {@code where} (" on the client port", say). */
    public WireClassResolver(String where) {
        this.where = where == null ? "" : where;
    }

    /**
     * A new Kryo reading classes through this resolver: registration required, references off,
     * a maximum depth of 4 (wire messages do not nest). Call it once per resolver.
     */
    public Kryo newKryo() {
        Kryo kryo = new Kryo(this, null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(4); // wire messages do not nest
        return kryo;
    }

    /** Registers {@code type} in {@code kryo} under {@code id} with {@code serializer}, and allows it on the wire. */
    public <T> void register(Kryo kryo, Class<T> type, Serializer<T> serializer, int id) {
        allowOnWire(kryo.register(type, serializer, id));
    }

    /** Marks an already registered class as allowed on the wire. */
    void allowOnWire(Registration registration) {
        int id = registration.getId();
        if (id < MIN_ID || id > MAX_ID) {
            throw new IllegalArgumentException("wire IDs are in [" + MIN_ID + ", " + MAX_ID + "]: " + id);
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
                    : "unknown class ID " + id + where);
        }
        return registration;
    }

    @Override
    protected Registration readName(Input input) {
        throw new ProtocolException("class named on the wire: only registration IDs are accepted");
    }
}
