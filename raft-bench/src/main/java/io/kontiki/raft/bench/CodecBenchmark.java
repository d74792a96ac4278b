package io.kontiki.raft.bench;

import io.kontiki.raft.transport.netty.CodecLimits;
import io.kontiki.raft.transport.netty.KryoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec the Netty handlers use ({@link KryoCodec}: the project's Kryo with its
 * registered serializers and every decode-side check), on two AppendEntries: a heartbeat (no
 * entries) and one with 10 entries of 64 bytes.
 *
 * <ul>
 *   <li>{@code roundTrip}: encode into a byte array, decode it back;</li>
 *   <li>{@code encode} and {@code decode}: each half alone;</li>
 *   <li>{@code roundTripDirectBuf}: the handlers' path: encode into a pooled direct
 *       {@link ByteBuf}, decode from it (which copies the frame to the codec's scratch array).</li>
 * </ul>
 *
 * Run: {@code java -jar raft-bench/target/benchmarks.jar CodecBenchmark -f 1 -wi 3 -i 5}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"heartbeat", "entries10x64"})
    public String message;

    private KryoCodec codec;
    private Object msg;
    private byte[] buffer;
    private byte[] encoded;
    private int encodedLength;
    private ByteBuf directBuf;

    @Setup(Level.Trial)
    public void setUp() {
        codec = new KryoCodec(CodecLimits.DEFAULTS);
        msg = BenchMessages.named(message);
        buffer = new byte[4096];
        encodedLength = codec.encode(msg, buffer);
        encoded = java.util.Arrays.copyOf(buffer, encodedLength);
        directBuf = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        directBuf.release();
    }

    @Benchmark
    public Object roundTrip() {
        return roundTrip(codec, msg, buffer);
    }

    @Benchmark
    public int encode() {
        return codec.encode(msg, buffer);
    }

    @Benchmark
    public Object decode() {
        return codec.decode(encoded, encodedLength);
    }

    @Benchmark
    public Object roundTripDirectBuf() {
        ByteBuf b = directBuf;
        b.clear();
        codec.encode(msg, b);
        return codec.decode(b);
    }

    /** One encode and decode through {@code codec}, as {@link #roundTrip()} does; returns the decoded message. */
    public static Object roundTrip(KryoCodec codec, Object msg, byte[] buffer) {
        int n = codec.encode(msg, buffer);
        return codec.decode(buffer, n);
    }
}
