package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.WireClassResolver;
import io.kontiki.raft.transport.netty.WireRegistry;
import java.util.Map;

/**
 * The one place the client protocol's classes are registered with Kryo, each under a fixed ID
 * with a hand-written serializer ({@link ClientSerializers}).
 *
 * <pre>
 *   40 ClientRequest    41 ClientResponse    43 StatusResponse
 * </pre>
 * (42 was the StatusResponse layout without the storage figures and digest: retired, never reused.)
 * The IDs are disjoint from the peer protocol's (10-23), so that a peer dialling the client
 * port, or a client dialling a peer port, fails on its first frame with "unknown class ID".
 * <b>An ID never changes and is never reused</b>; a changed layout takes a new ID.
 *
 * <p>A {@link Kryo} and its serializers are not thread-safe: {@link #newKryo} makes a new one
 * each call, for one channel or one thread.
 *
 * <p>{@link #REGISTRY} is this registry for raft-transport-netty's generic codec
 * ({@code KryoCodec}, {@code KryoMessageDecoder}, {@code KryoMessageEncoder}, {@code WireCodec}).
 */
public final class ClientKryoRegistry {

    public static final int CLIENT_REQUEST_ID = 40;
    public static final int CLIENT_RESPONSE_ID = 41;
    public static final int STATUS_RESPONSE_ID = 43;

    private static final Map<Class<?>, Integer> IDS = Map.of(
            ClientRequest.class, CLIENT_REQUEST_ID,
            ClientResponse.class, CLIENT_RESPONSE_ID,
            StatusResponse.class, STATUS_RESPONSE_ID);

    /** This registry as a {@link WireRegistry}, for the transport's codec and handlers. */
    public static final WireRegistry REGISTRY = WireRegistry.of("ClientKryoRegistry", IDS, limits -> newKryo());

    private ClientKryoRegistry() {
    }

    /**
     * A new Kryo for exactly the client messages: registration required, references off, fixed
     * IDs. Reading any other class ID, a null or a class name is a
     * {@link io.kontiki.raft.transport.netty.ProtocolException}.
     */
    public static Kryo newKryo() {
        WireClassResolver resolver = new WireClassResolver(" on the client port");
        Kryo kryo = resolver.newKryo();
        register(kryo, resolver, ClientRequest.class, new ClientSerializers.ClientRequestSerializer());
        register(kryo, resolver, ClientResponse.class, new ClientSerializers.ClientResponseSerializer());
        register(kryo, resolver, StatusResponse.class, new ClientSerializers.StatusResponseSerializer());
        return kryo;
    }

    /** True if {@code type} is a client protocol message. */
    public static boolean isWireClass(Class<?> type) {
        return IDS.containsKey(type);
    }

    /** The simple name of the class with this ID, or "unknown class ID n". */
    static String nameOf(long id) {
        return WireRegistry.nameOf(IDS, id);
    }

    private static <T> void register(Kryo kryo, WireClassResolver resolver, Class<T> type, Serializer<T> serializer) {
        resolver.register(kryo, type, serializer, IDS.get(type));
    }
}
