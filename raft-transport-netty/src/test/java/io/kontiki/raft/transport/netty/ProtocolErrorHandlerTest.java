package io.kontiki.raft.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProtocolErrorHandlerTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.ProtocolErrorHandler." + System.nanoTime());
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    ProtocolErrorHandlerTest() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** One limiter for every channel of a test, as the real handler shares one per class. */
    private final LogRateLimiter limiter = new LogRateLimiter(TimeUnit.SECONDS.toNanos(1), nanos::get);

    private EmbeddedChannel channelWithHandler() {
        return new EmbeddedChannel(new ProtocolErrorHandler(limiter, logger));
    }

    @Test
    void anyExceptionClosesTheChannelAndNoneEscapes() {
        for (Throwable t : List.of(new ProtocolException("bad"), new IOException("Connection reset by peer"),
                new IllegalStateException("bug"), new OutOfMemoryError("Java heap space"), new StackOverflowError())) {
            EmbeddedChannel ch = channelWithHandler();
            ch.pipeline().fireExceptionCaught(t);
            assertFalse(ch.isOpen(), t.toString());
            ch.checkException();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void protocolErrorsAndOtherErrorsAreCountedApart() {
        long protocol = ProtocolErrorHandler.protocolErrorCount();
        long other = ProtocolErrorHandler.otherErrorCount();

        channelWithHandler().pipeline().fireExceptionCaught(new ProtocolException("bad"));
        channelWithHandler().pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        channelWithHandler().pipeline().fireExceptionCaught(new DecoderException(new ProtocolException("wrapped")));
        channelWithHandler().pipeline().fireExceptionCaught(new IOException("reset"));

        assertEquals(protocol + 3, ProtocolErrorHandler.protocolErrorCount());
        assertEquals(other + 1, ProtocolErrorHandler.otherErrorCount());
    }

    @Test
    void logsOneWarnLineWithoutStackTraceNamingWhatWasWrong() {
        EmbeddedChannel ch = channelWithHandler();
        ch.pipeline().fireExceptionCaught(new DecoderException(
                new ProtocolException("AppendEntries: entry count 2147483647 exceeds limit 65536")));

        assertEquals(1, lines.list.size());
        ILoggingEvent line = lines.list.get(0);
        assertEquals(Level.WARN, line.getLevel());
        assertNull(line.getThrowableProxy(), "no stack trace");
        assertFalse(line.getFormattedMessage().contains("\n"));
        assertTrue(line.getFormattedMessage().contains("protocol error: AppendEntries: entry count 2147483647"),
                line::getFormattedMessage);
    }

    @Test
    void otherErrorsAreLoggedAtInfo() {
        channelWithHandler().pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertEquals(Level.INFO, lines.list.get(0).getLevel());
        assertTrue(lines.list.get(0).getFormattedMessage().contains("IOException: Connection reset by peer"));
    }

    @Test
    void logsAtMostOneLinePerSecondAndThenSaysHowManyWereSuppressed() {
        for (int i = 0; i < 5; i++) {
            channelWithHandler().pipeline().fireExceptionCaught(new ProtocolException("bad " + i));
        }
        assertEquals(1, lines.list.size());

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        channelWithHandler().pipeline().fireExceptionCaught(new ProtocolException("still within the second"));
        assertEquals(1, lines.list.size());

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        channelWithHandler().pipeline().fireExceptionCaught(new ProtocolException("next second"));
        assertEquals(2, lines.list.size());
        assertTrue(lines.list.get(1).getFormattedMessage().endsWith("next second (5 similar lines suppressed)"),
                lines.list.get(1)::getFormattedMessage);
    }

    @Test
    void descriptionIsOneCappedLine() {
        String d = ProtocolErrorHandler.describe(new IllegalStateException("a\nb\r\nc" + "x".repeat(1000)));
        assertFalse(d.contains("\n") || d.contains("\r"));
        assertTrue(d.startsWith("IllegalStateException: a b c"));
        assertTrue(d.length() <= 303);
    }

    @Test
    void sharedInstanceIsSharable() {
        assertTrue(ProtocolErrorHandler.INSTANCE.isSharable());
        assertFalse(new KryoMessageDecoder(CodecLimits.DEFAULTS).isSharable());
        assertFalse(new KryoMessageEncoder(CodecLimits.DEFAULTS).isSharable());
    }
}
