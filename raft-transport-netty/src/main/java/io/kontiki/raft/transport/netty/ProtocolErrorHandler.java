package io.kontiki.raft.transport.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every wire pipeline ({@link WireCodec#installProtocolErrorHandler}): an
 * exception that reaches it closes the channel, and goes no further.
 *
 * <p>For each exception it closes the channel, counts it, and logs one line without a stack
 * trace (a protocol error is about the peer's bytes, not our code path) through a rate
 * limiter shared by every instance: at most one line per second, the next line saying how
 * many were suppressed. Protocol errors ({@link ProtocolException}, or a Netty
 * {@link DecoderException} such as a too-long frame) are logged at WARN; anything else (a
 * connection reset, say) at INFO. No exception ever propagates out of it.
 *
 * <p>Stateless apart from the static counters and limiter, hence {@code @Sharable}: use
 * {@link #INSTANCE}.
 */
@Sharable
public final class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrorHandler.class);
    private static final int MAX_DESCRIPTION_CHARS = 300;
    private static final LongAdder PROTOCOL_ERRORS = new LongAdder();
    private static final LongAdder OTHER_ERRORS = new LongAdder();
    private static final LogRateLimiter CLASS_LIMITER =
            new LogRateLimiter(TimeUnit.SECONDS.toNanos(1), System::nanoTime);

    public static final ProtocolErrorHandler INSTANCE = new ProtocolErrorHandler();

    private final LogRateLimiter limiter;
    private final Logger log;

    public ProtocolErrorHandler() {
        this(CLASS_LIMITER, LOG);
    }

    /** For tests: a limiter and logger of its own. */
    ProtocolErrorHandler(LogRateLimiter limiter, Logger log) {
        this.limiter = limiter;
        this.log = log;
    }

    /** Protocol errors seen by every instance since the JVM started (for metrics and tests). */
    public static long protocolErrorCount() {
        return PROTOCOL_ERRORS.sum();
    }

    /** Other exceptions seen by every instance since the JVM started (I/O errors and the like). */
    public static long otherErrorCount() {
        return OTHER_ERRORS.sum();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        try {
            boolean protocol = isProtocolError(cause);
            (protocol ? PROTOCOL_ERRORS : OTHER_ERRORS).increment();
            long suppressed = limiter.tryAcquire();
            if (suppressed >= 0) {
                String tail = suppressed == 0 ? "" : " (" + suppressed + " similar lines suppressed)";
                if (protocol) {
                    log.warn("{} closed: protocol error: {}{}", ctx.channel(), describe(cause), tail);
                } else {
                    log.info("{} closed: {}{}", ctx.channel(), describe(cause), tail);
                }
            }
        } catch (Throwable ignored) {
            // Logging must not be the reason an exception escapes.
        } finally {
            ctx.close();
        }
    }

    /** True if the cause chain holds a {@link ProtocolException} or a Netty decoder failure. */
    static boolean isProtocolError(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof ProtocolException || t instanceof DecoderException) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line: the message of the first {@link ProtocolException} in the chain, else the
     * innermost cause's type and message; newlines flattened, length capped.
     */
    static String describe(Throwable t) {
        Throwable chosen = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProtocolException) {
                chosen = c;
                break;
            }
            chosen = c;
        }
        String text = chosen instanceof ProtocolException ? chosen.getMessage()
                : chosen.getClass().getSimpleName() + (chosen.getMessage() == null ? "" : ": " + chosen.getMessage());
        text = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return text.length() <= MAX_DESCRIPTION_CHARS ? text : text.substring(0, MAX_DESCRIPTION_CHARS) + "...";
    }
}
