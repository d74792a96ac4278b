package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.Kryo;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A fixed set of wire classes, each under its own registration ID with its own serializer: what
 * a {@link KryoCodec} (and so {@link KryoMessageDecoder}, {@link KryoMessageEncoder} and
 * {@link WireCodec#install(io.netty.channel.ChannelPipeline, CodecLimits, WireRegistry)}) needs
 * to speak one protocol. The peer protocol's is {@link RaftKryoRegistry#REGISTRY}; another
 * protocol (a client port, say) brings its own, with IDs disjoint from the peers'.
 *
 * <p>Implementations are stateless and thread-safe; the {@link Kryo}s they make are not.
 */
public interface WireRegistry {

    /**
     * A new Kryo that reads and writes exactly the wire classes, its serializers bound to
     * {@code limits}: registration required, references off, class IDs read through a
     * {@link WireClassResolver}. Not thread-safe: one per channel or thread.
     */
    Kryo newKryo(CodecLimits limits);

    /** True if {@code type} may be written to the wire. */
    boolean isWireClass(Class<?> type);

    /** The simple name of the wire class with this ID, or {@code "unknown class ID n"} (for error messages). */
    String nameOf(long id);

    /**
     * A registry of the classes in {@code ids} (class to registration ID), whose Kryos
     * {@code newKryo} makes; {@code name} is its {@code toString}.
     */
    static WireRegistry of(String name, Map<Class<?>, Integer> ids, Function<CodecLimits, Kryo> newKryo) {
        Objects.requireNonNull(name, "name");
        Map<Class<?>, Integer> copy = Map.copyOf(ids);
        Objects.requireNonNull(newKryo, "newKryo");
        return new WireRegistry() {
            @Override
            public Kryo newKryo(CodecLimits limits) {
                return newKryo.apply(Objects.requireNonNull(limits, "limits"));
            }

            @Override
            public boolean isWireClass(Class<?> type) {
                return copy.containsKey(type);
            }

            @Override
            public String nameOf(long id) {
                return WireRegistry.nameOf(copy, id);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** {@link #nameOf(long)} for a registry that keeps its IDs in a map. */
    static String nameOf(Map<Class<?>, Integer> ids, long id) {
        for (Map.Entry<Class<?>, Integer> e : ids.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey().getSimpleName();
            }
        }
        return "unknown class ID " + id;
    }
}
