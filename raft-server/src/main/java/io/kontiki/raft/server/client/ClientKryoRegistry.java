package io.kontiki.raft.server.client;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import java.util.Map;

/**
 * The one place the client protocol's classes are registered with Kryo, each under a fixed ID
 * with a hand-written serializer ({@link ClientSerializers}).
 *
 * <pre>
 *   40 ClientRequest    41 ClientResponse    42 StatusResponse
 * </pre>
 * The IDs are disjoint from the peer protocol's (10-23), so that a peer dialling the client
 * port, or a client dialling a peer port, fails on its first frame with "unknown class ID".
 * <b>An ID never changes and is never reused</b>; a changed layout takes a new ID.
 *
 * <p>A {@link Kryo} and its serializers are not thread-safe: {@link #newKryo} makes a new one
 * each call, for one channel or one thread.
 */
public final class ClientKryoRegistry {

    public static final int CLIENT_REQUEST_ID = 40;
    public static final int CLIENT_RESPONSE_ID = 41;
    public static final int STATUS_RESPONSE_ID = 42;

    static final int MIN_ID = 10;
    /** IDs up to here take one byte on the wire (ID + 2 < 128). */
    static final int MAX_ID = 125;

    private static final Map<Class<?>, Integer> IDS = Map.of(
            ClientRequest.class, CLIENT_REQUEST_ID,
            ClientResponse.class, CLIENT_RESPONSE_ID,
            StatusResponse.class, STATUS_RESPONSE_ID);

    private ClientKryoRegistry() {
    }

    /**
     * A new Kryo for exactly the client messages: registration required, references off, fixed
     * IDs. Reading any other class ID, a null or a class name is a
     * {@link io.kontiki.raft.transport.netty.ProtocolException}.
     */
    public static Kryo newKryo() {
        ClientClassResolver resolver = new ClientClassResolver();
        Kryo kryo = new Kryo(resolver, null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(4); // client messages do not nest
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
        for (Map.Entry<Class<?>, Integer> e : IDS.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey().getSimpleName();
            }
        }
        return "unknown class ID " + id;
    }

    private static <T> void register(Kryo kryo, ClientClassResolver resolver, Class<T> type, Serializer<T> serializer) {
        Registration registration = kryo.register(type, serializer, IDS.get(type));
        resolver.allowOnWire(registration);
    }
}
