package io.kontiki.raft.transport.netty;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import io.kontiki.raft.core.message.AppendEntries;
import io.kontiki.raft.core.message.AppendEntriesResponse;
import io.kontiki.raft.core.message.InstallSnapshot;
import io.kontiki.raft.core.message.InstallSnapshotResponse;
import io.kontiki.raft.core.message.RequestVote;
import io.kontiki.raft.core.message.RequestVoteResponse;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one place every wire class is registered with Kryo, each under a fixed ID with a
 * hand-written serializer ({@link WireSerializers}).
 *
 * <h2>IDs</h2>
 * <pre>
 *   10 Handshake        20 RequestVote
 *   11 HandshakeReply   21 RequestVoteResponse
 *   12 Ping             22 AppendEntries
 *   13 Pong             23 AppendEntriesResponse
 *                       24 InstallSnapshot
 *                       25 InstallSnapshotResponse
 * </pre>
 * <b>An ID never changes and is never reused</b>, and neither does the layout of a Handshake:
 * that is how two builds recognise each other. A new wire class takes a new, unused ID (IDs
 * are at most {@value #MAX_ID}); a changed layout of any other message takes a new ID or a new
 * {@link Handshake#PROTOCOL_VERSION}. IDs 0-9 belong to Kryo's built-in primitive types and
 * are refused on the wire, like every ID not listed here.
 *
 * <h2>Threads</h2>
 * A {@link Kryo} instance, and the serializers registered in it, are not thread-safe. Each
 * {@link #newKryo} call makes a new one, with new serializers: use one per channel (the
 * {@link KryoMessageDecoder} and {@link KryoMessageEncoder} of a pipeline each own one, which
 * is why neither is {@code @Sharable}) or one per thread, never one shared.
 */
public final class RaftKryoRegistry {

    public static final int HANDSHAKE_ID = 10;
    public static final int HANDSHAKE_REPLY_ID = 11;
    public static final int PING_ID = 12;
    public static final int PONG_ID = 13;
    public static final int REQUEST_VOTE_ID = 20;
    public static final int REQUEST_VOTE_RESPONSE_ID = 21;
    public static final int APPEND_ENTRIES_ID = 22;
    public static final int APPEND_ENTRIES_RESPONSE_ID = 23;
    public static final int INSTALL_SNAPSHOT_ID = 24;
    public static final int INSTALL_SNAPSHOT_RESPONSE_ID = 25;

    /** The lowest ID a wire class may take: below it are Kryo's built-in registrations. */
    static final int MIN_ID = WireClassResolver.MIN_ID;
    /** The highest ID a wire class may take: IDs up to here take one byte on the wire (ID + 2 < 128). */
    static final int MAX_ID = WireClassResolver.MAX_ID;

    private static final Map<Class<?>, Integer> IDS = Map.of(
            Handshake.class, HANDSHAKE_ID,
            HandshakeReply.class, HANDSHAKE_REPLY_ID,
            Ping.class, PING_ID,
            Pong.class, PONG_ID,
            RequestVote.class, REQUEST_VOTE_ID,
            RequestVoteResponse.class, REQUEST_VOTE_RESPONSE_ID,
            AppendEntries.class, APPEND_ENTRIES_ID,
            AppendEntriesResponse.class, APPEND_ENTRIES_RESPONSE_ID,
            InstallSnapshot.class, INSTALL_SNAPSHOT_ID,
            InstallSnapshotResponse.class, INSTALL_SNAPSHOT_RESPONSE_ID);

    /** This registry as a {@link WireRegistry}, for {@link KryoCodec} and the Netty handlers. */
    public static final WireRegistry REGISTRY = WireRegistry.of("RaftKryoRegistry", IDS, RaftKryoRegistry::newKryo);

    private RaftKryoRegistry() {
    }

    /**
     * A new Kryo that reads and writes exactly the wire classes: registration required,
     * references off, every class under its fixed ID with its serializer bound to
     * {@code limits}. Reading a class ID not listed above, a null or a class name is a
     * {@link ProtocolException}; writing an unregistered class an
     * {@link IllegalArgumentException}. Not thread-safe: see the class documentation.
     */
    public static Kryo newKryo(CodecLimits limits) {
        Objects.requireNonNull(limits, "limits");
        WireClassResolver resolver = new WireClassResolver();
        Kryo kryo = resolver.newKryo();
        register(kryo, resolver, Handshake.class, new WireSerializers.HandshakeSerializer(limits));
        register(kryo, resolver, HandshakeReply.class, new WireSerializers.HandshakeReplySerializer(limits));
        register(kryo, resolver, Ping.class, new WireSerializers.PingSerializer());
        register(kryo, resolver, Pong.class, new WireSerializers.PongSerializer());
        register(kryo, resolver, RequestVote.class, new WireSerializers.RequestVoteSerializer());
        register(kryo, resolver, RequestVoteResponse.class, new WireSerializers.RequestVoteResponseSerializer());
        register(kryo, resolver, AppendEntries.class, new WireSerializers.AppendEntriesSerializer(limits));
        register(kryo, resolver, AppendEntriesResponse.class, new WireSerializers.AppendEntriesResponseSerializer());
        register(kryo, resolver, InstallSnapshot.class, new WireSerializers.InstallSnapshotSerializer(limits));
        register(kryo, resolver, InstallSnapshotResponse.class,
                new WireSerializers.InstallSnapshotResponseSerializer());
        return kryo;
    }

    /** The classes that may cross the wire. */
    public static Set<Class<?>> wireClasses() {
        return IDS.keySet();
    }

    /** True if {@code type} is a wire class. */
    public static boolean isWireClass(Class<?> type) {
        return IDS.containsKey(type);
    }

    /** The registration ID of a wire class. */
    public static int idOf(Class<?> type) {
        Integer id = IDS.get(type);
        if (id == null) {
            throw new IllegalArgumentException("not a wire class: " + type.getName());
        }
        return id;
    }

    /** The simple name of the wire class with this ID, or {@code "unknown class ID n"}. */
    static String nameOf(long id) {
        return WireRegistry.nameOf(IDS, id);
    }

    private static <T> void register(Kryo kryo, WireClassResolver resolver, Class<T> type, Serializer<T> serializer) {
        resolver.register(kryo, type, serializer, IDS.get(type));
    }
}
